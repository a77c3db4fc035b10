/**
 * Suite 4: per-task cost on this runtime, next to the bare ping-pong baseline of the same
 * runtime: `applyAsync` flood and `map(chunksize=1)` of a trivial function (interleaved with
 * the baseline), one `apply` round trip (mitata), pool start to first result, memory per idle
 * worker and per pending task.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import process from "node:process";
import { collectGarbage, memory, sleep } from "../_env.ts";
import { interleaved, mitataMicro, mitataOnce, ratioSummary } from "../_measure.ts";
import { closePool, type Context, openPool, type PoolCtor, type PoolLike } from "../_pool.ts";
import { summarize } from "../_stats.ts";
import { row, type SuiteContext } from "../_suite.ts";
import { PingPongPool } from "../baseline/ping_pong.ts";
import { square } from "../workloads.ts";

/**
 * Resident memory of this process's children (Linux `ps`), in bytes; 0 where unavailable.
 *
 * @returns Bytes.
 * @example
 * ```ts
 * import { childrenRss } from "./task_cost.ts";
 * console.log(childrenRss() >= 0);
 * ```
 */
export function childrenRss(): number {
  try {
    const out = execFileSync("ps", ["-o", "rss=", "--ppid", String(process.pid)], {
      encoding: "utf8",
    });
    return out.split("\n").reduce((s, l) => s + (Number(l.trim()) || 0), 0) * 1024;
  } catch {
    return 0;
  }
}

async function flood(pool: PoolLike, n: number): Promise<void> {
  const all = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) all[i] = pool.applyAsync(square, [i]).get();
  await Promise.all(all);
}

async function startToFirst(Pool: PoolCtor, P: number, context: Context): Promise<number> {
  const t0 = performance.now();
  const pool = new Pool({ processes: P, context });
  await pool.apply(square, [3]);
  const ms = performance.now() - t0;
  await closePool(pool, `task_cost ${context}`);
  return ms;
}

async function bareStart(
  P: number,
  context: Context,
  api: "default" | "worker_threads" = "default",
): Promise<number> {
  const t0 = performance.now();
  const pp = new PingPongPool(context, api);
  await pp.start(P);
  const ms = performance.now() - t0;
  await pp.stop();
  return ms;
}

async function idleWorkerBytes(Pool: PoolCtor, context: Context): Promise<number> {
  const W = 4;
  collectGarbage();
  await sleep(50);
  const before = memory().rss + childrenRss();
  const pool = await openPool(Pool, W, context);
  await sleep(300);
  collectGarbage();
  const after = memory().rss + childrenRss();
  await closePool(pool, `task_cost ${context}`);
  await sleep(100);
  return (after - before) / W;
}

async function pendingTaskBytes(pool: PoolLike, n: number): Promise<number> {
  collectGarbage();
  const before = memory().heapUsed;
  const all = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) all[i] = pool.applyAsync(square, [i]).get();
  const after = memory().heapUsed; // synchronously: nothing has come back yet
  await Promise.all(all);
  return (after - before) / n;
}

/**
 * Runs the per-task cost suite.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runTaskCost(ctx)
 * ```
 */
export async function runTaskCost(ctx: SuiteContext): Promise<void> {
  const { scale, Pool } = ctx;
  const P = 2;
  const N = scale.floodTasks;
  const contexts: Context[] = ctx.contexts.length ? [...ctx.contexts] : ["thread", "process"];
  for (const context of contexts) {
    const bare = new PingPongPool(context);
    await bare.start(P);
    const bareName = context === "thread" ? "postMessage ping-pong" : "fork IPC ping-pong";
    const pool = Pool && ctx.contexts.includes(context) ? await openPool(Pool, P, context) : null;
    try {
      const items = Array.from({ length: N }, (_, i) => i);
      const names = pool ? ["applyAsync", "map1", "bare"] : ["bare"];
      const series = await interleaved(names, scale.runs, (name) => {
        if (name === "bare") return mitataOnce(() => bare.flood(N));
        if (name === "map1") return mitataOnce(() => pool!.map(square, items, 1));
        return mitataOnce(() => flood(pool!, N));
      }, (r) => ctx.progress(`${context} flood round ${r}/${scale.runs}`));
      const us = (name: string) => summarize(series.get(name)!.map((ms) => (ms * 1000) / N));
      ctx.rows.push(row(context, bareName, "trivial", "flood", P, "us_per_task", "µs", us("bare")));
      ctx.progress(`${context} round trip`);
      const rt = await mitataMicro(() => bare.flood(1), 200);
      ctx.rows.push(row(context, bareName, "trivial", "round trip", P, "round_trip_ms", "ms", rt));
      if (!pool || !Pool) continue;
      ctx.rows.push(
        row(
          context,
          "ours",
          "trivial",
          "applyAsync flood",
          P,
          "us_per_task",
          "µs",
          us("applyAsync"),
        ),
      );
      ctx.rows.push(
        row(context, "ours", "trivial", "map chunksize 1", P, "us_per_task", "µs", us("map1")),
      );
      for (
        const [name, label] of [["applyAsync", "applyAsync flood"], ["map1", "map chunksize 1"]]
      ) {
        const ratio = ratioSummary(series.get(name)!, series.get("bare")!);
        ctx.rows.push(row(context, "ours", "trivial", label, P, "ratio_to_bare", "×", ratio));
      }
      const apply = await mitataMicro(() => pool.apply(square, [3]), 200);
      ctx.rows.push(row(context, "ours", "trivial", "apply", P, "round_trip_ms", "ms", apply));

      ctx.progress(`${context} start-up and memory`);
      const start: number[] = [];
      const bareStarts: number[] = [];
      // Deno: our thread backend needs node:worker_threads (Web Workers cannot be unref'd),
      // whose spawn costs more than a Web Worker's; measure that spawn too.
      const threadsApi = context === "thread" && ctx.machine.runtime === "deno";
      const apiStarts: number[] = [];
      const idle: number[] = [];
      const pending: number[] = [];
      for (let r = 0; r < scale.startRuns; r++) {
        start.push(await startToFirst(Pool, P, context));
        bareStarts.push(await bareStart(P, context));
        if (threadsApi) apiStarts.push(await bareStart(P, context, "worker_threads"));
        idle.push(await idleWorkerBytes(Pool, context));
        pending.push(await pendingTaskBytes(pool, scale.pendingTasks));
      }
      ctx.rows.push(
        row(
          context,
          "ours",
          "trivial",
          "start to first result",
          P,
          "start_ms",
          "ms",
          summarize(start),
        ),
      );
      ctx.rows.push(
        row(
          context,
          bareName,
          "trivial",
          "spawn to first reply",
          P,
          "start_ms",
          "ms",
          summarize(bareStarts),
        ),
      );
      ctx.rows.push(
        row(
          context,
          "ours",
          "trivial",
          "start to first result",
          P,
          "ratio_to_bare",
          "×",
          ratioSummary(start, bareStarts),
        ),
      );
      if (threadsApi) {
        ctx.rows.push(
          row(
            context,
            "worker_threads ping-pong",
            "trivial",
            "spawn to first reply",
            P,
            "start_ms",
            "ms",
            summarize(apiStarts),
          ),
        );
        ctx.rows.push(
          row(
            context,
            "ours",
            "trivial",
            "start to first result vs worker_threads",
            P,
            "ratio_to_bare",
            "×",
            ratioSummary(start, apiStarts),
          ),
        );
      }
      ctx.rows.push(
        row(
          context,
          "ours",
          "-",
          "idle worker",
          4,
          "bytes_per_worker",
          "KiB",
          summarize(idle.map((b) => b / 1024)),
        ),
      );
      ctx.rows.push(
        row(
          context,
          "ours",
          "trivial",
          "pending task",
          P,
          "bytes_per_task",
          "B",
          summarize(pending),
        ),
      );
    } finally {
      await closePool(pool, `task_cost ${context}`);
      await bare.stop();
    }
  }
  if (!Pool) {
    ctx.notes.push("task_cost: only the ping-pong baseline ran, our Pool is not available");
  }
}
