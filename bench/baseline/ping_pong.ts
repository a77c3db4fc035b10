/**
 * The floor for per-task cost: a bare pool of workers that answer `[id, x]` with
 * `[id, x * x]`, one message per task, dispatched round robin. Uses the runtime's native
 * workers (Web Workers on Deno and Bun, `worker_threads` on Node) or `fork` IPC for the
 * process context. Issue 6 compares our Pool against it.
 *
 * @module
 */
import { fork } from "node:child_process";
import { detectRuntime } from "../../src/runtime/detect.ts";
import type { Context } from "../../src/runtime/types.ts";

interface Port {
  post(m: [number, number]): void;
  close(): Promise<void>;
}

/** A bare ping-pong worker pool. */
export class PingPongPool {
  #ports: Port[] = [];
  #pending = 0;
  #done: (() => void) | null = null;
  #context: Context;
  #workerThreads: boolean;

  /**
   * @param context `"thread"` (native workers) or `"process"` (`fork` IPC).
   * @param api `"worker_threads"` uses `node:worker_threads` for threads on every runtime
   *   (what our Deno thread backend uses); by default Deno and Bun use Web Workers.
   */
  constructor(context: Context = "thread", api: "default" | "worker_threads" = "default") {
    this.#context = context;
    this.#workerThreads = api === "worker_threads";
  }

  /**
   * Starts `workers` workers and waits until each has answered once.
   *
   * @param workers Worker count.
   * @returns Resolves when all workers answer.
   */
  async start(workers: number): Promise<void> {
    for (let i = 0; i < workers; i++) this.#ports.push(await this.#spawn());
    await this.flood(workers * 4);
  }

  /**
   * Sends `n` tasks at once, round robin, and waits for all answers.
   *
   * @param n Number of tasks.
   * @param spinUs When given, every task busy-waits this many µs instead of squaring.
   * @returns Resolves when all answers arrived.
   */
  flood(n: number, spinUs?: number): Promise<void> {
    const done = new Promise<void>((resolve) => (this.#done = resolve));
    this.#pending = n;
    const ports = this.#ports;
    const spin = spinUs === undefined ? undefined : -spinUs;
    for (let i = 0; i < n; i++) ports[i % ports.length].post([i, spin ?? i]);
    return done;
  }

  /**
   * Stops every worker.
   *
   * @returns Resolves when all have ended.
   */
  async stop(): Promise<void> {
    await Promise.all(this.#ports.map((p) => p.close()));
    this.#ports = [];
  }

  #onReply = (): void => {
    if (--this.#pending === 0) this.#done?.();
  };

  async #spawn(): Promise<Port> {
    if (this.#context === "process") {
      const child = fork(new URL("./ping_pong_process_worker.mjs", import.meta.url), [], {
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.on("message", this.#onReply);
      return {
        post: (m) => child.send(m),
        close: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill();
          }),
      };
    }
    if (detectRuntime() === "node" || this.#workerThreads) {
      const { Worker } = await import("node:worker_threads");
      const w = new Worker(new URL("./ping_pong_node_worker.mjs", import.meta.url));
      w.on("message", this.#onReply);
      return { post: (m) => w.postMessage(m), close: async () => void (await w.terminate()) };
    }
    const W = (globalThis as unknown as {
      Worker: new (url: string, options: { type: "module" }) => {
        onmessage: (() => void) | null;
        postMessage(m: unknown): void;
        terminate(): void;
      };
    }).Worker;
    const w = new W(new URL("./ping_pong_web_worker.ts", import.meta.url).href, {
      type: "module",
    });
    w.onmessage = this.#onReply;
    return {
      post: (m) => w.postMessage(m),
      close: () => Promise.resolve(w.terminate()),
    };
  }
}

/**
 * How many cores `workers` bare workers really get right now: `workers × 4` busy-waits of
 * `us` µs each, total work ÷ wall time. On a shared, loaded machine this is below the core
 * count, and bounds every speedup measured at the same time.
 *
 * @param workers Worker count (normally the core count).
 * @param us Busy-wait per task, µs.
 * @returns Effective parallelism (1 = one core's worth).
 * @example
 * ```ts
 * import { effectiveCores } from "./ping_pong.ts";
 * console.log(await effectiveCores(2, 1000) > 0);
 * ```
 */
export async function effectiveCores(workers: number, us = 10_000): Promise<number> {
  const pool = new PingPongPool("thread");
  try {
    await pool.start(workers);
    const tasks = workers * 4;
    const t0 = performance.now();
    await pool.flood(tasks, us);
    return (tasks * us) / 1000 / (performance.now() - t0);
  } finally {
    await pool.stop();
  }
}
