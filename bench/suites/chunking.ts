/**
 * Suite 1: chunksize strategies × workloads for `Pool.map` (tinybench). Reports makespan,
 * items/s and makespan ÷ ideal, where ideal = max(Σt / P, t_max) (for the trivial workload
 * Σt is the serial time measured in this process).
 *
 * @module
 */
import { Bench } from "tinybench";
import { closePool, type Context, openPool, type PoolCtor } from "../_pool.ts";
import { mapSummary, summarize, type Summary } from "../_stats.ts";
import { chunkLabel, row, type SuiteContext } from "../_suite.ts";
import { idealMs, makeWorkload, type Workload } from "../workloads.ts";

/**
 * Median and spread of serial runs of a workload in this thread.
 *
 * @param w The workload.
 * @param runs Repetitions.
 * @returns Milliseconds per full pass.
 * @example
 * ```ts
 * import { serialMs } from "./chunking.ts";
 * import { makeWorkload } from "../workloads.ts";
 * console.log(serialMs(makeWorkload("trivial", 1, 100), 3).median >= 0);
 * ```
 */
export function serialMs(w: Workload, runs: number): Summary {
  const samples: number[] = [];
  let sink = 0;
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const out = w.items.map(w.fn);
    const t = performance.now() - t0;
    sink += out.length;
    if (r > 0) samples.push(t); // the first pass warms up
  }
  if (sink < 0) throw new Error("unreachable");
  return summarize(samples);
}

/**
 * Runs the chunking suite.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runChunking(ctx)
 * ```
 */
export async function runChunking(ctx: SuiteContext): Promise<void> {
  const { scale, machine, Pool } = ctx;
  if (!Pool) return void ctx.notes.push("chunking: skipped, our Pool is not available");
  const counts = ctx.processes ?? [machine.cpus];
  const workloads = scale.workloads.map((n) => makeWorkload(n, scale.serialMs, scale.trivialItems));
  const serial = new Map<string, Summary>();
  for (const w of workloads) {
    serial.set(w.name, serialMs(w, scale.runs));
    ctx.rows.push(
      row("none", "serial", w.name, "serial", 1, "makespan_ms", "ms", serial.get(w.name)!),
    );
  }
  const total = counts.length * ctx.contexts.length * workloads.length * scale.strategies.length;
  const done = { n: 0 };
  for (const P of counts) {
    const ideal = new Map(workloads.map((w) => [
      w.name,
      w.durationsUs
        ? summarize([idealMs(w.durationsUs, P)])
        : mapSummary(serial.get(w.name)!, (s) => s / P),
    ]));
    for (const context of ctx.contexts) {
      await chunkingAt(ctx, Pool, context, P, workloads, ideal, { done, total });
    }
  }
}

/**
 * The strategy sweep of every workload on one pool of `P` workers; prints, per workload, the
 * best strategy's parallel efficiency (ideal ÷ makespan).
 */
async function chunkingAt(
  ctx: SuiteContext,
  Pool: PoolCtor,
  context: Context,
  P: number,
  workloads: readonly Workload[],
  ideal: ReadonlyMap<string, Summary>,
  count: { done: { n: number }; total: number },
): Promise<void> {
  const { scale } = ctx;
  const pool = await openPool(Pool, P, context);
  try {
    for (const w of workloads) {
      // Maps of a few milliseconds (the trivial workload) vary by 2x from run to run
      // (GC, scheduling): take more samples of them, about 100 ms' worth, up to 50.
      const short = Math.ceil(100 / Math.max(0.1, ideal.get(w.name)!.median));
      const bench = new Bench({
        name: `${w.name} (${context})`,
        iterations: Math.max(scale.runs, Math.min(50, short)),
        time: 0,
        warmupIterations: 3,
        warmupTime: 0,
        retainSamples: true,
        throws: true,
      });
      for (const c of scale.strategies) {
        const arg = c === "default" ? undefined : c;
        bench.add(chunkLabel(c), async () => {
          await (arg === undefined ? pool.map(w.fn, w.items) : pool.map(w.fn, w.items, arg));
        });
      }
      // One pass over every strategy first. The first strategy measured on a workload
      // (`default`) runs slower than the same code later in the sweep: on the trivial
      // workload `default` measured 1.13-1.93x the best where `auto` (the same planner)
      // measured 1.00-1.12x, 50 samples each. The pass narrows that; it does not remove it.
      for (const c of scale.strategies) {
        await (c === "default" ? pool.map(w.fn, w.items) : pool.map(w.fn, w.items, c));
      }
      bench.addEventListener("cycle", (e) => {
        ctx.progress(
          `${context} P=${P} ${++count.done.n}/${count.total} ${w.name} × ${e.task?.name}`,
        );
      });
      await bench.run();
      const best = ideal.get(w.name)!.median;
      for (const task of bench.tasks) {
        const r = task.result;
        if (r.state !== "completed") {
          ctx.notes.push(`chunking ${w.name} × ${task.name} (${context}): ${r.state}`);
          continue;
        }
        const ms = summarize(r.latency.samples ?? [r.latency.p50]);
        const variant = task.name;
        ctx.rows.push(row(context, "ours", w.name, variant, P, "makespan_ms", "ms", ms));
        ctx.rows.push(
          row(
            context,
            "ours",
            w.name,
            variant,
            P,
            "items_per_s",
            "items/s",
            mapSummary(ms, (m) => (w.items.length * 1000) / m),
          ),
        );
        ctx.rows.push(
          row(
            context,
            "ours",
            w.name,
            variant,
            P,
            "vs_ideal",
            "×",
            mapSummary(ms, (m) => m / best),
          ),
        );
      }
      const fastest = Math.min(
        ...bench.tasks.map((t) => t.result.state === "completed" ? t.result.latency.p50 : Infinity),
      );
      ctx.progress(
        `${context} P=${P} ${w.name}: best strategy's efficiency ${(best / fastest).toFixed(2)}`,
      );
    }
  } finally {
    await closePool(pool, `chunking ${context} P=${P}`);
  }
}
