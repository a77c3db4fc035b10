/**
 * Memory over a long run (issue 6: "RSS flat across 10⁶ tasks"): trivial `applyAsync` tasks
 * in waves of 10,000, with the process RSS and the main thread's heap after a GC read at
 * regular points. A leak shows as a heap that keeps growing; V8 sizing its heaps shows as RSS
 * that grows and then stays.
 *
 * ```sh
 * node --expose-gc bench/rss_over_tasks.ts [--tasks 2000000] [--every 400000] [--context thread]
 * deno run -A --v8-flags=--expose-gc bench/rss_over_tasks.ts --context process
 * bun bench/rss_over_tasks.ts
 * ```
 *
 * @module
 */
import process from "node:process";
import { collectGarbage, isMain, machineInfo, memory, parseFlags, scriptArgs } from "./_env.ts";
import { closePool, type Context, loadPool, openPool } from "./_pool.ts";
import { square } from "./workloads.ts";

/** One reading: tasks done so far, RSS and main-thread heap after GC, in bytes. */
export interface MemoryPoint {
  readonly tasks: number;
  readonly rss: number;
  readonly heapUsed: number;
}

/**
 * Runs `tasks` trivial tasks in waves of 10,000 and reads memory every `every` tasks.
 *
 * @param options Tasks, reading interval, workers and context.
 * @returns The readings, in order.
 * @throws {Error} When the Pool cannot be loaded or started.
 * @example
 * ```ts
 * import { rssOverTasks } from "./rss_over_tasks.ts";
 * const points = await rssOverTasks({ tasks: 20_000, every: 10_000, workers: 2, context: "thread" });
 * console.log(points.length); // 2
 * ```
 */
export async function rssOverTasks(options: {
  tasks: number;
  every: number;
  workers: number;
  context: Context;
}): Promise<MemoryPoint[]> {
  const { Pool, reason } = await loadPool();
  if (!Pool) throw new Error(`Pool not available: ${reason}`);
  const pool = await openPool(Pool, options.workers, options.context);
  const wave = 10_000;
  const points: MemoryPoint[] = [];
  try {
    let done = 0;
    while (done < options.tasks) {
      const n = Math.min(wave, options.tasks - done);
      const all = new Array<Promise<unknown>>(n);
      for (let i = 0; i < n; i++) all[i] = pool.applyAsync(square, [i]).get();
      await Promise.all(all);
      const before = done;
      done += n;
      if (Math.floor(done / options.every) > Math.floor(before / options.every)) {
        collectGarbage();
        const m = memory();
        points.push({ tasks: done, rss: m.rss, heapUsed: m.heapUsed });
      }
    }
    return points;
  } finally {
    await closePool(pool, "rss_over_tasks");
  }
}

if (isMain(import.meta)) {
  const f = parseFlags(scriptArgs());
  const options = {
    tasks: Number(f.tasks ?? 2_000_000),
    every: Number(f.every ?? 400_000),
    workers: Number(f.workers ?? 2),
    context: String(f.context ?? "thread") as Context,
  };
  const m = machineInfo();
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const points = await rssOverTasks(options);
  console.log(
    `${m.runtime} ${m.runtimeVersion} ${options.context}, ${options.workers} workers; ` +
      `tasks: RSS / main heap after GC (MiB)`,
  );
  for (const p of points) console.log(`${p.tasks}: ${mib(p.rss)} / ${mib(p.heapUsed)}`);
  process.exit(0);
}
