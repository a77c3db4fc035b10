/**
 * Whether the current code runs in a worker thread, on any runtime.
 *
 * @module
 */
import { isMainThread } from "node:worker_threads";

/**
 * Whether this code runs in a worker thread (any runtime).
 *
 * @returns True in a Web Worker or a `worker_threads` worker.
 * @example
 * ```ts
 * import { inWorkerThread } from "./in_worker.ts";
 * console.log(inWorkerThread());
 * ```
 */
export function inWorkerThread(): boolean {
  return !isMainThread ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
}
