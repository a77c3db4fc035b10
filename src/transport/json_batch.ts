/**
 * Task and result batches as JSON text, for channels whose structured-clone
 * serializer is slow next to `JSON.stringify` (child-process IPC on some
 * runtimes, see `runtime/ipc_batches.ts`; `batch_codec.ts` decides when it is
 * used). A batch travels as text only when JSON carries it exactly; anything else keeps the structured clone path, so the
 * receiver sees what structured clone would have given it.
 *
 * JSON is exact for: `null`, booleans, strings, finite numbers other than
 * `-0`, plain arrays without holes or extra properties, and plain objects
 * (prototype `Object.prototype` or `null`) of such values, as a tree (no
 * object reached twice). Anything else (`undefined`, `NaN`, `-0`, `BigInt`,
 * `Date`, `Map`, typed arrays, class instances, shared references, cycles,
 * nesting deeper than {@linkcode MAX_DEPTH}) sends the batch by structured
 * clone. One difference remains: a getter on a plain object is read twice
 * (once by the check, once by `JSON.stringify`).
 *
 * @module
 */

/** Deeper batches go by structured clone (also bounds the check's recursion). */
export const MAX_DEPTH = 64;
/** Arrays not built by the protocol are checked for extra properties up to this length. */
const MAX_CHECKED_ARRAY = 256;

function exact(value: unknown, depth: number, seen: Set<object>, owned: boolean): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_DEPTH || seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        const n = value.length;
        // An array the caller built may carry named properties (a RegExp match's
        // `index`), which structured clone keeps and JSON drops.
        if (!owned && (n > MAX_CHECKED_ARRAY || Object.keys(value).length !== n)) return false;
        for (let i = 0; i < n; i++) if (!exact(value[i], depth + 1, seen, false)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        if (!exact((value as Record<string, unknown>)[keys[i]], depth + 1, seen, false)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * The batch as JSON text when JSON carries it exactly, else undefined.
 *
 * @param batch A flat batch: `stride` entries per task or result.
 * @param stride Entries per item.
 * @param ownedAt Offset (within an item) of an array the protocol built, whose
 *   elements are checked but which cannot carry extra properties (task
 *   arguments, which are spread, and chunk item lists); -1 for none.
 * @returns The text, or undefined.
 * @example
 * ```ts
 * import { jsonBatch } from "./json_batch.ts";
 * console.log(jsonBatch([0, 1, 0, [2, "a"]], 4, 3)); // [0,1,0,[2,"a"]]
 * console.log(jsonBatch([0, 1, 0, [undefined]], 4, 3)); // undefined
 * ```
 */
export function jsonBatch(
  batch: readonly unknown[],
  stride: number,
  ownedAt: number,
): string | undefined {
  const seen = new Set<object>();
  for (let i = 0; i < batch.length; i++) {
    if (!exact(batch[i], 1, seen, i % stride === ownedAt)) return undefined;
  }
  return JSON.stringify(batch);
}

/**
 * A received batch: parsed when it travelled as JSON text.
 *
 * @param batch The message's `batch` field.
 * @returns The flat batch.
 * @example
 * ```ts
 * import { readBatch } from "./json_batch.ts";
 * console.log(readBatch("[1,2,3]")); // [1, 2, 3]
 * ```
 */
export function readBatch(batch: readonly unknown[] | string): unknown[] {
  return typeof batch === "string" ? JSON.parse(batch) : batch as unknown[];
}
