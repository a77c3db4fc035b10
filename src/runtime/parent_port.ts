/**
 * Inside a worker: finds the channel to the parent, whatever the runtime and
 * context. The worker entry only ever runs as a worker thread or as a forked
 * child, so "not a thread" means "a child process". `node:worker_threads` is
 * imported only where it is the answer: in a Bun worker, importing it would
 * add about 6 ms to the start (measured).
 *
 * @module
 */
import { detectRuntime } from "./detect.ts";
import type { ParentPort } from "./types.ts";

/**
 * Connect to the parent of this worker (thread or child process).
 *
 * @returns The parent port, once the worker's start data has arrived.
 * @example
 * ```ts ignore
 * const port = await connectParent();
 * ```
 */
export async function connectParent(): Promise<ParentPort> {
  const webWorker =
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
  if (detectRuntime() === "bun") {
    if ((globalThis as { Bun?: { isMainThread?: boolean } }).Bun?.isMainThread === false) {
      const { connectWebWorkerParent } = await import("./web_worker.ts");
      return connectWebWorkerParent();
    }
  } else {
    const { isMainThread } = await import("node:worker_threads");
    if (webWorker || !isMainThread) {
      const { connectNodeThreadParent } = await import("./node_thread.ts");
      return connectNodeThreadParent();
    }
  }
  const { connectChildParent } = await import("./child_port.ts");
  return connectChildParent();
}
