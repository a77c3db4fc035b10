/**
 * Runs one benchmark suite on the current runtime and writes its JSON result.
 *
 * ```sh
 * node bench/run.ts --suite chunking --scale quick --out bench/results/quick/chunking.node.json
 * deno run -A bench/run.ts --suite imap --scale smoke
 * bun bench/run.ts --suite peers
 * ```
 *
 * Flags: `--suite` (chunking, imap, scaling, task_cost, peers), `--scale` (smoke, quick,
 * full; default quick), `--contexts` (default `thread,process`), `--out` (default: print).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";
import { isMain, machineInfo, parseFlags, progress, scriptArgs } from "./_env.ts";
import { closeProblems, type Context, loadPool, workingContexts } from "./_pool.ts";
import {
  type ScaleName,
  SCALES,
  type Suite,
  type SuiteContext,
  type SuiteResult,
} from "./_suite.ts";
import { runChunking } from "./suites/chunking.ts";
import { runImap } from "./suites/imap.ts";
import { runPeers } from "./suites/peers.ts";
import { runScaling } from "./suites/scaling.ts";
import { runTaskCost } from "./suites/task_cost.ts";

/** The suites by name, in run order. */
export const SUITES: Readonly<Record<string, Suite>> = {
  task_cost: runTaskCost,
  peers: runPeers,
  chunking: runChunking,
  imap: runImap,
  scaling: runScaling,
};

/**
 * Runs one suite here and returns its result.
 *
 * @param suite Suite name.
 * @param scaleName Sizes.
 * @param wanted Contexts to try.
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
  const { Pool, reason } = await loadPool();
  const notes: string[] = reason ? [`our Pool: ${reason}`] : [];
  let contexts: Context[] = [];
  if (Pool) {
    const found = await workingContexts(Pool, wanted);
    contexts = found.ok;
    notes.push(...found.notes);
  }
  const ctx: SuiteContext = {
    scale,
    machine,
    Pool,
    contexts,
    rows: [],
    notes,
    progress: (detail) => progress(suite, where, detail),
  };
  ctx.progress(`start (${scaleName}; contexts: ${contexts.join(", ") || "none"})`);
  await fn(ctx);
  notes.push(...closeProblems);
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
  const suite = String(flags.suite ?? "task_cost");
  const scale = String(flags.scale ?? "quick") as ScaleName;
  const contexts = String(flags.contexts ?? "thread,process").split(",") as Context[];
  const result = await runSuite(suite, scale, contexts);
  const json = JSON.stringify(result, null, 1);
  if (typeof flags.out === "string") {
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, json + "\n");
  } else {
    console.log(json);
  }
  process.exit(0);
}
