/**
 * Per-task cost of `Pool.applyAsync`: 10,000 trivial tasks submitted at once to 2 workers,
 * then `get()` on every result (issue 2). Median and spread over repeated runs (mitata).
 *
 * ```sh
 * node bench/apply_async_cost.ts [--tasks 10000] [--workers 2] [--runs 10] [--context thread]
 * deno run -A bench/apply_async_cost.ts
 * bun bench/apply_async_cost.ts --context process
 * ```
 *
 * @module
 */
import process from "node:process";
import { measure } from "mitata";
import { isMain, machineInfo, parseFlags, scriptArgs } from "./_env.ts";
import { closePool, type Context, loadPool, openPool } from "./_pool.ts";
import { summarize, type Summary } from "./_stats.ts";
import { square } from "./workloads.ts";

/**
 * Measures the per-task cost of an `applyAsync` flood.
 *
 * @param options Tasks, workers, runs and context.
 * @returns Microseconds per task (median and spread over the runs).
 * @throws {Error} When the Pool cannot be loaded or started.
 * @example
 * ```ts
 * import { applyAsyncCost } from "./apply_async_cost.ts";
 * const us = await applyAsyncCost({ tasks: 100, workers: 2, runs: 2, context: "thread" });
 * console.log(us.median > 0);
 * ```
 */
export async function applyAsyncCost(options: {
  tasks: number;
  workers: number;
  runs: number;
  context: Context;
}): Promise<Summary> {
  const { Pool, reason } = await loadPool();
  if (!Pool) throw new Error(`Pool not available: ${reason}`);
  const pool = await openPool(Pool, options.workers, options.context);
  try {
    const n = options.tasks;
    const stats = await measure(async () => {
      const all = new Array<Promise<unknown>>(n);
      for (let i = 0; i < n; i++) all[i] = pool.applyAsync(square, [i]).get();
      await Promise.all(all);
    }, {
      min_samples: options.runs,
      max_samples: options.runs,
      min_cpu_time: 0,
      batch_threshold: 0,
    });
    return summarize(stats.samples.map((ns) => ns / 1000 / n));
  } finally {
    await closePool(pool, "apply_async_cost");
  }
}

if (isMain(import.meta)) {
  const f = parseFlags(scriptArgs());
  const options = {
    tasks: Number(f.tasks ?? 10_000),
    workers: Number(f.workers ?? 2),
    runs: Number(f.runs ?? 10),
    context: String(f.context ?? "thread") as Context,
  };
  const m = machineInfo();
  const us = await applyAsyncCost(options);
  const r = (x: number): string => x.toFixed(2);
  console.log(
    `applyAsync, ${options.tasks} trivial tasks, ${options.workers} workers, ` +
      `${m.runtime} ${m.runtimeVersion} ${options.context}: ${r(us.median)} µs/task ` +
      `(p25 ${r(us.p25)}, p75 ${r(us.p75)}, min ${r(us.min)}, max ${r(us.max)}; ${us.n} runs)`,
  );
  process.exit(0);
}
