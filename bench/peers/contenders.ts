/**
 * Every pool the peers suite compares, behind one interface: ours (thread and process
 * context), piscina, tinypool, workerpool, poolifier, the bare ping-pong baseline and
 * CPython's `multiprocessing.Pool` (through `bench/cpython_pool.py`).
 *
 * @module
 */
import { PingPongPool } from "../baseline/ping_pong.ts";
import type { PoolCtor, PoolLike } from "../_pool.ts";
import { closePool, openPool } from "../_pool.ts";
import { spin, square } from "../workloads.ts";
import { CPythonPool } from "./cpython.ts";
import type { PeerTask } from "./task.mjs";

/**
 * A pool under test. `flood` submits `n` tasks at once and resolves when all are done; `each`
 * (the peers) submits every given task as one pool task and resolves with the results.
 */
export interface Contender {
  readonly name: string;
  start(workers: number): Promise<void>;
  flood(n: number, spinUs: number): Promise<void>;
  each?(tasks: readonly PeerTask[]): Promise<unknown[]>;
  stop(): Promise<void>;
}

const task = (i: number, spinUs: number): PeerTask => (spinUs > 0 ? { spin: spinUs } : i);
const worker = (file: string): string => new URL(file, import.meta.url).href;

async function runAll(n: number, spinUs: number, run: (t: PeerTask) => Promise<unknown>) {
  const all = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) all[i] = run(task(i, spinUs));
  await Promise.all(all);
}

/**
 * Our Pool as a contender: `applyAsync` flood, then `get()` on every result.
 *
 * @param Pool Our Pool constructor.
 * @param context `"thread"` or `"process"`.
 * @returns The contender.
 * @example
 * ```ts
 * import { ours } from "./contenders.ts";
 * import { loadPool } from "../_pool.ts";
 * const { Pool } = await loadPool();
 * if (Pool) console.log(ours(Pool, "thread").name);
 * ```
 */
export function ours(Pool: PoolCtor, context: "thread" | "process"): Contender {
  let pool: PoolLike | null = null;
  return {
    name: context === "thread" ? "ours" : "ours (process)",
    async start(workers) {
      pool = await openPool(Pool, workers, context);
    },
    async flood(n, spinUs) {
      const p = pool!;
      const all = new Array<Promise<unknown>>(n);
      if (spinUs > 0) { for (let i = 0; i < n; i++) all[i] = p.applyAsync(spin, [spinUs]).get(); }
      else for (let i = 0; i < n; i++) all[i] = p.applyAsync(square, [i]).get();
      await Promise.all(all);
    },
    async stop() {
      await closePool(pool, `peers ${context}`);
    },
  };
}

/**
 * The peers that run on Node (and wherever their imports load).
 *
 * @returns Contenders for piscina, tinypool, workerpool and poolifier.
 * @example
 * ```ts
 * import { peers } from "./contenders.ts";
 * console.log(peers().map((c) => c.name));
 * ```
 */
export function peers(): Contender[] {
  return [piscina(), tinypool(), workerpool(), poolifier()];
}

function piscina(): Contender {
  let pool: { run(t: PeerTask): Promise<unknown>; destroy(): Promise<void> } | null = null;
  return {
    name: "piscina",
    async start(workers) {
      const { Piscina } = await import("piscina");
      pool = new Piscina({
        filename: worker("./piscina_worker.mjs"),
        minThreads: workers,
        maxThreads: workers,
      });
      await runAll(workers * 4, 0, (t) => pool!.run(t));
    },
    flood: (n, us) => runAll(n, us, (t) => pool!.run(t)),
    each: (tasks) => Promise.all(tasks.map((t) => pool!.run(t))),
    stop: async () => await pool?.destroy(),
  };
}

function tinypool(): Contender {
  let pool: { run(t: PeerTask): Promise<unknown>; destroy(): Promise<void> } | null = null;
  return {
    name: "tinypool",
    async start(workers) {
      const { Tinypool } = await import("tinypool");
      pool = new Tinypool({
        filename: worker("./piscina_worker.mjs"),
        minThreads: workers,
        maxThreads: workers,
      });
      await runAll(workers * 4, 0, (t) => pool!.run(t));
    },
    flood: (n, us) => runAll(n, us, (t) => pool!.run(t)),
    each: (tasks) => Promise.all(tasks.map((t) => pool!.run(t))),
    stop: async () => await pool?.destroy(),
  };
}

function workerpool(): Contender {
  let pool:
    | { exec(m: string, a: unknown[]): Promise<unknown>; terminate(): Promise<unknown> }
    | null = null;
  return {
    name: "workerpool",
    async start(workers) {
      const wp = (await import("workerpool")).default;
      pool = wp.pool(new URL("./workerpool_worker.mjs", import.meta.url).pathname, {
        minWorkers: workers,
        maxWorkers: workers,
        workerType: "thread",
      }) as unknown as typeof pool;
      await runAll(workers * 4, 0, (t) => pool!.exec("runTask", [t]));
    },
    flood: (n, us) => runAll(n, us, (t) => pool!.exec("runTask", [t])),
    each: (tasks) => Promise.all(tasks.map((t) => pool!.exec("runTask", [t]))),
    stop: async () => void (await pool?.terminate()),
  };
}

function poolifier(): Contender {
  let pool: { execute(t: PeerTask): Promise<unknown>; destroy(): Promise<void> } | null = null;
  return {
    name: "poolifier",
    async start(workers) {
      const { FixedThreadPool } = await import("poolifier");
      pool = new FixedThreadPool(
        workers,
        new URL("./poolifier_worker.mjs", import.meta.url).pathname,
      ) as unknown as typeof pool;
      await runAll(workers * 4, 0, (t) => pool!.execute(t));
    },
    flood: (n, us) => runAll(n, us, (t) => pool!.execute(t)),
    each: (tasks) => Promise.all(tasks.map((t) => pool!.execute(t))),
    stop: async () => await pool?.destroy(),
  };
}

/**
 * The bare ping-pong pool as a contender (trivial tasks only).
 *
 * @param context `"thread"` or `"process"`.
 * @returns The contender.
 * @example
 * ```ts
 * import { pingPong } from "./contenders.ts";
 * console.log(pingPong("thread").name);
 * ```
 */
export function pingPong(context: "thread" | "process" = "thread"): Contender {
  const pool = new PingPongPool(context);
  return {
    name: context === "thread" ? "postMessage ping-pong" : "fork IPC ping-pong",
    start: (workers) => pool.start(workers),
    flood: (n) => pool.flood(n),
    stop: () => pool.stop(),
  };
}

/**
 * CPython's `multiprocessing.Pool.apply_async` flood through `bench/cpython_pool.py`.
 *
 * @param python The python executable.
 * @returns The contender.
 * @example
 * ```ts
 * import { cpython } from "./contenders.ts";
 * console.log(cpython("python3").name);
 * ```
 */
export function cpython(python: string): Contender & { pool: CPythonPool } {
  const pool = new CPythonPool(python);
  return {
    name: "CPython",
    pool,
    start: (workers) => pool.start(workers),
    flood: async (n, us) => void (await pool.request({ op: "flood", n, us })),
    stop: () => pool.stop(),
  };
}
