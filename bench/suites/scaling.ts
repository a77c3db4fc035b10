/**
 * Suite 3: speedup and parallel efficiency across worker counts 1…cores and oversubscribed
 * (2× and 4× cores), or the counts `--processes` names, against the serial run of the same function in this process.
 * Efficiency = speedup ÷ min(P, cores). 1 ms and 100 µs tasks use chunksize 1, 10 µs tasks the
 * default chunking (issue 6's targets).
 *
 * @module
 */
import { tinyRuns } from "../_measure.ts";
import { closePool, openPool } from "../_pool.ts";
import { mapSummary } from "../_stats.ts";
import { row, type SuiteContext } from "../_suite.ts";
import { makeWorkload } from "../workloads.ts";
import { serialMs } from "./chunking.ts";
import { effectiveCores } from "../baseline/ping_pong.ts";
import { summarize } from "../_stats.ts";

/**
 * Worker counts to sweep: 1…cores, then 2× and 4× cores.
 *
 * @param cores Logical CPUs.
 * @param oversubscribe Factors above the core count.
 * @returns Sorted distinct counts.
 * @example
 * ```ts
 * import { workerCounts } from "./scaling.ts";
 * console.log(workerCounts(2)); // [1, 2, 4, 8]
 * ```
 */
export function workerCounts(cores: number, oversubscribe: readonly number[] = [2, 4]): number[] {
  const counts = Array.from({ length: cores }, (_, i) => i + 1);
  return [...new Set([...counts, ...oversubscribe.map((k) => cores * k)])];
}

/**
 * Runs the scaling suite.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runScaling(ctx)
 * ```
 */
export async function runScaling(ctx: SuiteContext): Promise<void> {
  const { scale, machine, Pool } = ctx;
  if (!Pool) return void ctx.notes.push("scaling: skipped, our Pool is not available");
  const cores = machine.cpus;
  const counts = ctx.processes ?? workerCounts(cores, scale.oversubscribe);
  const total = ctx.contexts.length * scale.scalingWorkloads.length * counts.length;
  let done = 0;
  const effective = [];
  for (let r = 0; r < scale.runs; r++) effective.push(await effectiveCores(cores));
  ctx.rows.push(
    row(
      "none",
      "bare workers",
      "spin_10ms",
      "parallelism check",
      cores,
      "effective_cores",
      "cores",
      summarize(effective),
    ),
  );
  ctx.progress(`bare workers get ${summarize(effective).median.toFixed(2)} of ${cores} cores`);
  for (const name of scale.scalingWorkloads) {
    const w = makeWorkload(name, scale.serialMs * 2, scale.trivialItems);
    const serial = serialMs(w, scale.runs);
    ctx.rows.push(row("none", "serial", w.name, "serial", 1, "makespan_ms", "ms", serial));
    const chunk = name === "uniform_10us" ? undefined : 1;
    const variant = chunk === undefined ? "default chunking" : "chunksize 1";
    for (const context of ctx.contexts) {
      for (const P of counts) {
        ctx.progress(`${context} ${++done}/${total} ${w.name} P=${P}`);
        const pool = await openPool(Pool, P, context);
        try {
          const ms = await tinyRuns(
            `${w.name} P=${P}`,
            () => (chunk === undefined ? pool.map(w.fn, w.items) : pool.map(w.fn, w.items, chunk)),
            scale.runs,
          );
          const speedup = mapSummary(ms, (m) => serial.median / m);
          const eff = mapSummary(speedup, (s) => s / Math.min(P, cores));
          ctx.rows.push(row(context, "ours", w.name, variant, P, "makespan_ms", "ms", ms));
          ctx.rows.push(row(context, "ours", w.name, variant, P, "speedup", "×", speedup));
          ctx.rows.push(row(context, "ours", w.name, variant, P, "efficiency", "", eff));
          ctx.progress(
            `${context} ${w.name} P=${P}: speedup ${speedup.median.toFixed(2)}, efficiency ${
              eff.median.toFixed(2)
            } (${eff.p25.toFixed(2)}–${eff.p75.toFixed(2)})`,
          );
        } finally {
          await closePool(pool, `scaling ${context} P=${P}`);
        }
      }
    }
  }
}
