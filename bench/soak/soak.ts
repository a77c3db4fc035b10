/**
 * The fault soak for one runtime and context, in this program: a pool of 2
 * workers runs rounds of healthy tasks mixed with every fault that can be
 * injected here, then a burst of crashing tasks, `terminate()` in the middle of
 * `map` and `imap`, and `close()` + `join()` with `maxtasksperchild`; the books
 * (`_ledger.ts`) and the execution log then say what was lost, run twice,
 * settled twice or left running. `child.ts` runs it as a program of its own,
 * `main.ts` drives it on every runtime (`npm run soak`).
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { detectRuntime } from "../../src/runtime/detect.ts";
import type { Context } from "../../src/runtime/types.ts";
import {
  EXTERNAL_KILLS,
  type FaultKind,
  OOM_CAP_MB,
  TASK_FAULTS,
  type TaskFault,
  unavailable,
} from "./_kinds.ts";
import { type Entry, Ledger, type Tally } from "./_ledger.ts";
import {
  maxtasksJoin,
  openPool,
  type Run,
  stopPool,
  submitFault,
  submitHealthy,
  submitMap,
  terminateMidImap,
  terminateMidMap,
  within,
} from "./_phases.ts";
import { workerChildPids, workerThreads } from "./_proc.ts";
import { probe } from "./_tasks.ts";
import { rng } from "../workloads.ts";

/** How much the soak does. */
export interface SoakScale {
  /** Rounds of mixed healthy and faulting tasks on one pool. */
  readonly rounds: number;
  readonly faultsPerRound: number;
  readonly healthyPerRound: number;
  /** Items of the healthy `map` each round also runs. */
  readonly mapItems: number;
  /** Crashing tasks (`process.exit(3)`) in a row, then a `map` of 8 healthy items; 0: none. */
  readonly burst: number;
  /** How many times `terminate()` cuts a `map` short, and an `imap`. */
  readonly terminates: number;
  /** How many `close()` + `join()` runs with `maxtasksperchild: 1`. */
  readonly maxtasksJoins: number;
}

/** The sizes: `tiny` for tests/, `quick` for iterating, `full` for `npm run soak`. */
export const SCALES: Readonly<Record<"tiny" | "quick" | "full", SoakScale>> = {
  tiny: {
    rounds: 6,
    faultsPerRound: 3,
    healthyPerRound: 20,
    mapItems: 12,
    burst: 6,
    terminates: 1,
    maxtasksJoins: 1,
  },
  quick: {
    rounds: 12,
    faultsPerRound: 3,
    healthyPerRound: 30,
    mapItems: 20,
    burst: 12,
    terminates: 1,
    maxtasksJoins: 1,
  },
  full: {
    rounds: 50,
    faultsPerRound: 3,
    healthyPerRound: 30,
    mapItems: 20,
    burst: 12,
    terminates: 3,
    maxtasksJoins: 2,
  },
};

/** What the soak found in one runtime and context. */
export interface SoakReport extends Tally {
  readonly runtime: string;
  readonly runtimeVersion: string;
  readonly context: Context;
  /** Tasks submitted (map items one by one). */
  readonly tasks: number;
  readonly faults: Partial<Record<FaultKind, number>>;
  readonly faultsTotal: number;
  /** Task faults not injected here, and why. */
  readonly skipped: Partial<Record<TaskFault, string>>;
  readonly hangs: number;
  readonly hung: string[];
  /** Worker child processes still alive after the last pool ended (null: unknown). */
  readonly childrenLeft: number | null;
  /** Pool worker threads still alive after the last pool ended (null: unknown). */
  readonly threadsLeft: number | null;
  readonly ms: number;
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** Deals fault kinds: each available kind once per pass, cheap ones twice, shuffled. */
function dealer(kinds: readonly TaskFault[], random: () => number): () => TaskFault {
  const cheap: TaskFault[] = ["throw", "unclonableResult", "unclonableArg"];
  let hand: TaskFault[] = [];
  return () => {
    if (hand.length === 0) {
      hand = shuffle([...kinds, ...cheap.filter((k) => kinds.includes(k))], random);
    }
    return hand.pop()!;
  };
}

async function settleDown<T>(read: () => T, good: (value: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let value = read();
  while (!good(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = read();
  }
  return value;
}

/** Probes the workers, then counts this program's worker threads with no pool running. */
async function prepare(run: Run): Promise<{ selfClose: boolean; threads: number | null }> {
  const pool = openPool(run);
  const result = pool.apply(probe, []);
  if (!(await within(result, run.deadlineMs))) throw new Error("the probe pool never answered");
  const { selfClose } = await result;
  await stopPool(run, pool, "probe pool", true);
  const threads = await settleDown(workerThreads, (n) => n === null || n === 0, 5000);
  return { selfClose, threads };
}

async function rounds(run: Run, scale: SoakScale, kinds: readonly TaskFault[]): Promise<void> {
  const deal = dealer(kinds, run.random);
  let pool = openPool(run);
  for (let r = 0; r < scale.rounds; r++) {
    const jobs: (() => Entry | Entry[])[] = [];
    for (let i = 0; i < scale.faultsPerRound; i++) {
      const kind = deal();
      jobs.push(() => submitFault(run, pool, kind));
    }
    for (let i = 0; i < scale.healthyPerRound; i++) {
      const delayMs = run.random() < 0.3 ? Math.floor(run.random() * 4) : 0;
      jobs.push(() => submitHealthy(run, pool, delayMs));
    }
    jobs.push(() => submitMap(run, pool, scale.mapItems, "healthy", 0));
    const entries: Entry[] = shuffle(jobs, run.random).flatMap((job) => job() as Entry | Entry[]);
    // Under the two-deaths rule a task that shared workers with external kills may fail.
    if (entries.some((e) => EXTERNAL_KILLS.has(e.role as TaskFault))) {
      for (const e of entries) e.exposed = true;
    }
    if (!(await run.ledger.settle(entries, run.deadlineMs))) {
      run.hung.push(`round ${r + 1}`);
      await stopPool(run, pool, `round ${r + 1}`, false);
      pool = openPool(run);
    }
  }
  if (scale.burst > 0) {
    const entries = Array.from({ length: scale.burst }, () => submitFault(run, pool, "exit3"));
    entries.push(...submitMap(run, pool, 8, "healthy", 0));
    if (!(await run.ledger.settle(entries, run.deadlineMs))) run.hung.push("crash burst");
  }
  await stopPool(run, pool, "rounds pool", true);
}

/**
 * Runs the soak in this program, in one context.
 *
 * @param options Context, scale, a folder for the execution log, seed and phase deadline (ms).
 * @returns What it found.
 * @example
 * ```ts ignore
 * import { runSoak, SCALES } from "./soak.ts";
 * console.log(await runSoak({ context: "thread", scale: SCALES.tiny, dir: ".tmp/soak" }));
 * ```
 */
export async function runSoak(options: {
  context: Context;
  scale: SoakScale;
  dir: string;
  seed?: number;
  deadlineMs?: number;
}): Promise<SoakReport> {
  const started = Date.now();
  const runtime = detectRuntime();
  const { context, scale } = options;
  mkdirSync(options.dir, { recursive: true });
  const log = join(options.dir, `soak-${runtime}-${context}-${process.pid}.log`);
  writeFileSync(log, "");
  const oom = unavailable("oom", { runtime, context, selfClose: false }) === undefined;
  const run: Run = {
    context,
    ledger: new Ledger(),
    log,
    deadlineMs: options.deadlineMs ?? 30_000,
    resourceLimits: oom ? { maxOldGenerationSizeMb: OOM_CAP_MB } : undefined,
    random: rng(options.seed ?? 20240610),
    faults: {},
    hung: [],
  };
  const { selfClose, threads } = await prepare(run);
  const where = { runtime, context, selfClose };
  const kinds = TASK_FAULTS.filter((k) => unavailable(k, where) === undefined);
  const skipped: Partial<Record<TaskFault, string>> = {};
  for (const k of TASK_FAULTS) if (!kinds.includes(k)) skipped[k] = unavailable(k, where);
  await rounds(run, scale, kinds);
  for (let i = 0; i < scale.terminates; i++) {
    await terminateMidMap(run);
    await terminateMidImap(run);
  }
  for (let i = 0; i < scale.maxtasksJoins; i++) await maxtasksJoin(run);
  const children = await settleDown(
    workerChildPids,
    (pids) => pids === null || pids.length === 0,
    5000,
  );
  const endThreads = await settleDown(
    workerThreads,
    (n) => n === null || threads === null || n <= threads,
    5000,
  );
  const tally = run.ledger.tally(log);
  rmSync(log, { force: true });
  const batches = new Set(["batch", "terminateMap", "terminateImap"]);
  const faultsTotal = Object.values(run.faults).reduce((a, b) => a + (b ?? 0), 0);
  return {
    runtime,
    runtimeVersion: runtimeVersion(),
    context,
    tasks: run.ledger.entries.filter((e) => !batches.has(e.role)).length,
    faults: run.faults,
    faultsTotal,
    skipped,
    hangs: run.hung.length,
    hung: run.hung,
    ...tally,
    childrenLeft: children === null ? null : children.length,
    threadsLeft: endThreads === null || threads === null ? null : Math.max(0, endThreads - threads),
    ms: Date.now() - started,
  };
}

function runtimeVersion(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  return g.Bun?.version ?? g.Deno?.version.deno ?? process.versions.node;
}
