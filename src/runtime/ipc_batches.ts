/**
 * Where child-process IPC carries task and result batches as JSON text (when
 * JSON carries them exactly; see `transport/json_batch.ts`) instead of the
 * runtime's structured-clone serializer.
 *
 * @module
 */
import type { RuntimeName } from "./types.ts";

/**
 * Runtimes where JSON text pays. Bun's serializer took 3.8 ms for a batch of
 * 4,096 small tasks, `JSON.stringify` 0.12 ms; a round trip of that batch took
 * 13.2 ms, as JSON text 1.9 ms. A trivial-task flood in the process context
 * (µs per task, median of 15, side by side): Bun 2.3-2.7 -> 0.8-0.95, Deno
 * 1.6-1.7 -> 1.1-1.2, Node 0.86-0.93 -> 0.87-1.14 (no gain: Node's
 * serializer is fast, so Node keeps it).
 */
const JSON_BATCHES: ReadonlySet<RuntimeName> = new Set<RuntimeName>(["bun", "deno"]);

/**
 * Whether child processes of `runtime` exchange batches as JSON text.
 *
 * @param runtime The runtime (parent and child run the same one).
 * @returns True where it pays.
 * @example
 * ```ts
 * import { jsonBatchesOn } from "./ipc_batches.ts";
 * console.log(jsonBatchesOn("bun")); // true
 * ```
 */
export function jsonBatchesOn(runtime: RuntimeName): boolean {
  return JSON_BATCHES.has(runtime);
}
