/**
 * Picks the adapter for the current runtime and context. Adapters load with
 * literal dynamic imports so other runtimes never evaluate them.
 *
 * @module
 */
import { detectRuntime } from "./detect.ts";
import type { Backend, Context } from "./types.ts";

const cache = new Map<Context, Promise<Backend>>();

async function load(context: Context): Promise<Backend> {
  const runtime = detectRuntime();
  if (context === "process") {
    const { createChildProcessBackend } = await import("./child_process.ts");
    return createChildProcessBackend(runtime);
  }
  // Deno too: its web Worker's terminate() cannot stop a busy worker, while
  // its node:worker_threads terminate() can.
  if (runtime !== "bun") {
    const { createNodeThreadBackend } = await import("./node_thread.ts");
    return createNodeThreadBackend(runtime);
  }
  const { createWebWorkerBackend } = await import("./web_worker.ts");
  return createWebWorkerBackend(runtime);
}

/**
 * The backend for `context` on this runtime (loaded once, then cached).
 *
 * @param context `"thread"` or `"process"`.
 * @returns The backend.
 * @example
 * ```ts ignore
 * const backend = await getBackend("thread");
 * ```
 */
export function getBackend(context: Context): Promise<Backend> {
  let backend = cache.get(context);
  if (backend === undefined) {
    backend = load(context);
    cache.set(context, backend);
  }
  return backend;
}
