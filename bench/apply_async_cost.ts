/**
 * Per-task cost of `Pool.applyAsync`: 10,000 trivial tasks submitted at once to 2 workers,
 * then `get()` on every result (issue 2). Median and spread over repeated runs (mitata).
 * `--signal` measures the same flood without and with an `AbortSignal` on every task,
 * side by side on one pool, runs interleaved (issue 13: the option's cost).
 *
 * ```sh
 * node bench/apply_async_cost.ts [--tasks 10000] [--workers 2] [--runs 10] [--context thread]
 * node bench/apply_async_cost.ts --signal --context process
 * deno run -A bench/apply_async_cost.ts
 * bun bench/apply_async_cost.ts --context process
 * ```
 *
 * @module
 */
import process from "node:process";
import { measure } from "mitata";
import { isMain, machineInfo, parseFlags, scriptArgs } from "./_env.ts";
import { closePool, type Context, loadPool, openPool, type PoolLike } from "./_pool.ts";
import { summarize, type Summary } from "./_stats.ts";
import { square } from "./workloads.ts";

/**
 * One flood: `n` trivial `applyAsync` tasks at once, then every result.
 *
 * @param pool The pool.
 * @param n How many tasks.
 * @param signal A signal to give every task, if any.
 * @returns Microseconds per task.
 */
async function flood(pool: PoolLike, n: number, signal: AbortSignal | undefined): Promise<number> {
  const options = signal === undefined ? undefined : { signal };
  const start = performance.now();
  const all = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) all[i] = pool.applyAsync(square, [i], options).get();
  await Promise.all(all);
  return (performance.now() - start) * 1000 / n;
}

/**
 * The per-task cost of a flood without and with a signal, runs interleaved on one pool.
 *
 * @param options Tasks, workers, runs and context.
 * @returns Microseconds per task, without and with a signal.
 * @throws {Error} When the Pool cannot be loaded or started.
 * @example
 * ```ts
 * import { signalCost } from "./apply_async_cost.ts";
 * const { plain, signal } = await signalCost({ tasks: 100, workers: 2, runs: 2, context: "thread" });
 * console.log(plain.median > 0 && signal.median > 0);
 * ```
 */
export async function signalCost(options: {
  tasks: number;
  workers: number;
  runs: number;
  context: Context;
}): Promise<{ plain: Summary; signal: Summary }> {
  const { Pool, reason } = await loadPool();
  if (!Pool) throw new Error(`Pool not available: ${reason}`);
  const pool = await openPool(Pool, options.workers, options.context);
  try {
    const controller = new AbortController();
    await flood(pool, options.tasks, undefined);
    await flood(pool, options.tasks, controller.signal);
    const plain: number[] = [];
    const signal: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      plain.push(await flood(pool, options.tasks, undefined));
      signal.push(await flood(pool, options.tasks, controller.signal));
    }
    return { plain: summarize(plain), signal: summarize(signal) };
  } finally {
    await closePool(pool, "apply_async_cost");
  }
}

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
  const r = (x: number): string => x.toFixed(2);
  if (f.signal === true) {
    const { plain, signal } = await signalCost(options);
    console.log(
      `applyAsync, ${options.tasks} trivial tasks, ${options.workers} workers, ` +
        `${m.runtime} ${m.runtimeVersion} ${options.context}: without signal ${
          r(plain.median)
        } µs/task (p25 ${r(plain.p25)}, p75 ${r(plain.p75)}), with signal ${
          r(signal.median)
        } µs/task (p25 ${r(signal.p25)}, p75 ${r(signal.p75)}): ${
          ((signal.median / plain.median - 1) * 100).toFixed(1)
        }% (${options.runs} runs each, interleaved)`,
    );
    process.exit(0);
  }
  const us = await applyAsyncCost(options);
  console.log(
    `applyAsync, ${options.tasks} trivial tasks, ${options.workers} workers, ` +
      `${m.runtime} ${m.runtimeVersion} ${options.context}: ${r(us.median)} µs/task ` +
      `(p25 ${r(us.p25)}, p75 ${r(us.p75)}, min ${r(us.min)}, max ${r(us.max)}; ${us.n} runs)`,
  );
  process.exit(0);
}
