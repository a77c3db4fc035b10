/**
 * Inside a worker: finds the channel to the parent, whatever the runtime and
 * context. The worker entry only ever runs as a worker thread or as a forked
 * child, so "not a thread" means "a child process".
 *
 * @module
 */
import { isMainThread } from "node:worker_threads";
import { detectRuntime } from "./detect.ts";
import type { ParentPort } from "./types.ts";

/**
 * Whether this code runs in a worker thread (any runtime).
 *
 * @returns True in a Web Worker or a `worker_threads` worker.
 * @example
 * ```ts
 * import { inWorkerThread } from "./parent_port.ts";
 * console.log(inWorkerThread());
 * ```
 */
export function inWorkerThread(): boolean {
  return !isMainThread ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
}

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
  if (inWorkerThread()) {
    if (detectRuntime() !== "bun") {
      const { connectNodeThreadParent } = await import("./node_thread.ts");
      return connectNodeThreadParent();
    }
    const { connectWebWorkerParent } = await import("./web_worker.ts");
    return connectWebWorkerParent();
  }
  const { connectChildParent } = await import("./child_port.ts");
  return connectChildParent();
}
