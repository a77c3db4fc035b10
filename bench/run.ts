/**
 * Runs one benchmark suite on the current runtime and writes its JSON result.
 *
 * ```sh
 * node bench/run.ts --suites chunking,imap --scale quick --outdir bench/results/quick
 * deno run -A bench/run.ts --suites imap --scale smoke
 * bun bench/run.ts --suites peers
 * ```
 *
 * Flags: `--suites` (comma list of task_cost, peers, payloads, chunking, imap, scaling,
 * first_map), `--processes` (comma list of worker counts for scaling and chunking), `--scale`
 * (smoke, quick, full; default quick), `--contexts` (default `thread,process`), `--outdir`
 * (writes `<suite>.<runtime>.json` there; default: print the JSON), `--entry` (`source`:
 * mod.ts, the default; `dist`: the built npm package, dist/mod.js).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { isMain, machineInfo, parseFlags, progress, scriptArgs } from "./_env.ts";
import {
  closeProblems,
  type Context,
  loadPool,
  type PackageEntry,
  type PoolCtor,
  type TransferCtor,
  workingContexts,
} from "./_pool.ts";
import {
  type ScaleName,
  SCALES,
  type Suite,
  type SuiteContext,
  type SuiteResult,
} from "./_suite.ts";
import { intList } from "./first_map.ts";
import { runChunking } from "./suites/chunking.ts";
import { runFirstMap } from "./suites/first_map.ts";
import { runImap } from "./suites/imap.ts";
import { runPayloads } from "./suites/payloads.ts";
import { runPeers } from "./suites/peers.ts";
import { runScaling } from "./suites/scaling.ts";
import { runTaskCost } from "./suites/task_cost.ts";

/** The suites by name, in run order. */
export const SUITES: Readonly<Record<string, Suite>> = {
  task_cost: runTaskCost,
  peers: runPeers,
  payloads: runPayloads,
  chunking: runChunking,
  imap: runImap,
  scaling: runScaling,
  first_map: runFirstMap,
};

/** Our Pool and the contexts that work here, probed once per process. */
export interface Prepared {
  readonly Pool: PoolCtor | null;
  readonly Transfer?: TransferCtor | null;
  readonly contexts: Context[];
  readonly notes: string[];
}

/**
 * Loads our Pool and finds which of the wanted contexts start and compute here.
 *
 * @param wanted Contexts to try.
 * @param entry Which build of the package to load.
 * @returns The Pool (or null), the working contexts and notes on the others.
 * @example
 * ```ts
 * import { prepare } from "./run.ts";
 * console.log((await prepare(["thread"])).contexts);
 * ```
 */
export async function prepare(
  wanted: readonly Context[],
  entry: PackageEntry = "source",
): Promise<Prepared> {
  const { Pool, Transfer, reason } = await loadPool(entry);
  const notes: string[] = reason ? [`our Pool: ${reason}`] : [];
  if (entry === "dist") notes.push("our Pool: the built npm package (dist/mod.js, JavaScript)");
  if (!Pool) return { Pool, contexts: [], notes };
  const found = await workingContexts(Pool, wanted);
  return { Pool, Transfer, contexts: found.ok, notes: [...notes, ...found.notes] };
}

/** Errors nobody handled while a suite ran (a pool bug; recorded in the notes). */
const stray: string[] = [];
process.on("unhandledRejection", (e) => {
  stray.push(`unhandled rejection: ${(e as Error)?.message ?? String(e)}`.split("\n")[0]);
});

/**
 * Runs one suite here and returns its result.
 *
 * @param suite Suite name.
 * @param scaleName Sizes.
 * @param wanted Contexts to try (ignored when `prepared` is given).
 * @param prepared The result of {@linkcode prepare}, to share between suites.
 * @param processes Worker counts for the scaling and chunking suites (`--processes`).
 * @returns The suite's result.
 * @throws {RangeError} For an unknown suite or scale.
 * @example
 * ```ts
 * import { runSuite } from "./run.ts";
 * const r = await runSuite("task_cost", "smoke", ["thread"]);
 * console.log(r.rows.length > 0);
 * ```
 */
export async function runSuite(
  suite: string,
  scaleName: ScaleName,
  wanted: readonly Context[],
  prepared?: Prepared,
  processes?: readonly number[],
): Promise<SuiteResult> {
  const fn = SUITES[suite];
  if (!fn) {
    throw new RangeError(`Unknown suite: ${suite} (known: ${Object.keys(SUITES).join(", ")})`);
  }
  const scale = SCALES[scaleName];
  if (!scale) throw new RangeError(`Unknown scale: ${scaleName}`);
  const machine = machineInfo();
  const where = `${machine.runtime} ${machine.runtimeVersion}`;
  const startedAt = new Date().toISOString();
  const { Pool, Transfer, contexts, notes: probeNotes } = prepared ?? await prepare(wanted);
  const notes = [...probeNotes];
  closeProblems.clear();
  stray.length = 0;
  const ctx: SuiteContext = {
    scale,
    machine,
    Pool,
    Transfer: Transfer ?? null,
    contexts,
    processes,
    rows: [],
    notes,
    progress: (detail) => progress(suite, where, detail),
  };
  ctx.progress(`start (${scaleName}; contexts: ${contexts.join(", ") || "none"})`);
  await fn(ctx);
  notes.push(...closeProblems, ...new Set(stray));
  ctx.progress(`done, ${ctx.rows.length} figures`);
  return {
    suite,
    scale: scaleName,
    machine,
    startedAt,
    finishedAt: new Date().toISOString(),
    contexts,
    rows: ctx.rows,
    notes,
  };
}

if (isMain(import.meta)) {
  const flags = parseFlags(scriptArgs());
  const suites = String(flags.suites ?? flags.suite ?? "task_cost").split(",");
  const scale = String(flags.scale ?? "quick") as ScaleName;
  const contexts = String(flags.contexts ?? "thread,process").split(",") as Context[];
  const entry = flags.entry === "dist" ? "dist" : "source";
  const processes = typeof flags.processes === "string"
    ? intList(flags.processes, "processes")
    : undefined;
  const prepared = await prepare(contexts, entry);
  const runtime = machineInfo().runtime;
  for (const suite of suites) {
    let result: SuiteResult;
    try {
      result = await runSuite(suite, scale, contexts, prepared, processes);
    } catch (e) {
      progress(suite, runtime, `FAILED: ${(e as Error).stack ?? e}`);
      continue;
    }
    const json = JSON.stringify(result, null, 1) + "\n";
    if (typeof flags.outdir === "string") {
      mkdirSync(flags.outdir, { recursive: true });
      writeFileSync(join(flags.outdir, `${suite}.${runtime}.json`), json);
    } else {
      process.stdout.write(json);
    }
  }
  process.exit(0);
}
