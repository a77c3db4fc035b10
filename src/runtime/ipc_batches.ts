/**
 * Where child-process IPC carries task and result batches as JSON text (when
 * JSON carries them exactly; see `transport/json_batch.ts`) instead of the
 * runtime's structured-clone serializer.
 *
 * @module
 */
import type { RuntimeName } from "./types.ts";

/**
 * Runtimes where JSON text pays: Bun's and Deno's child-process IPC
 * serializers are slow next to `JSON.stringify` on the small batches of a
 * task flood. Node's serializer is fast, so Node keeps it (JSON text would
 * only add the exactness check). `bench/apply_async_cost.ts --context
 * process` shows the difference.
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
