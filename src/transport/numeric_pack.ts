/**
 * A fast path for map chunks of plain numbers: they travel as a transferred
 * `Float64Array` instead of an array of numbers. Structured clone walks an
 * array value by value, while a typed array's buffer moves in one piece (and
 * is not copied at all when transferred). A `Float64Array` holds every
 * JavaScript number exactly (NaN, -0, Infinity included), so nothing changes
 * for the task or the caller. `batch_codec.ts` decides when it is used.
 *
 * @module
 */

/** Chunks shorter than this travel as they are (packing would not pay). */
const MIN_PACKED = 64;

/**
 * Pack an array of numbers.
 *
 * @param values Chunk items or chunk results.
 * @returns A `Float64Array` with the same numbers, or undefined when some
 *   value is not a number or the array is short.
 * @example
 * ```ts
 * import { packNumbers } from "./numeric_pack.ts";
 * console.log(packNumbers(Array.from({ length: 100 }, (_, i) => i))?.length); // 100
 * ```
 */
export function packNumbers(values: ArrayLike<unknown>): Float64Array | undefined {
  const n = values.length;
  if (n < MIN_PACKED || !Array.isArray(values) || typeof values[0] !== "number") return undefined;
  // One pass that checks and copies; an indexed loop beats Float64Array.from on V8.
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") return undefined;
    packed[i] = v;
  }
  return packed;
}

/**
 * Unpack numbers into a plain array. An indexed loop into a preallocated
 * array: `Array.from(float64Array)` goes through the iterator protocol, one
 * call per value, on every runtime.
 *
 * @param packed What `packNumbers()` made.
 * @returns The numbers as an array.
 * @example
 * ```ts
 * import { packNumbers, unpackNumbers } from "./numeric_pack.ts";
 * const values = Array.from({ length: 100 }, (_, i) => i / 3);
 * console.log(unpackNumbers(packNumbers(values)!).every((v, i) => v === values[i])); // true
 * ```
 */
export function unpackNumbers(packed: Float64Array): number[] {
  const n = packed.length;
  const values: number[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = packed[i];
  return values;
}

/**
 * The buffers of packed values in a flat batch, for the transfer list.
 *
 * @param batch A task or result batch.
 * @param stride Entries per item; the packed value sits at `offset`.
 * @param offset Where the value sits within an item.
 * @returns The buffers to transfer (empty when nothing is packed).
 * @example
 * ```ts
 * import { packedBuffers } from "./numeric_pack.ts";
 * console.log(packedBuffers([1, 0, new Float64Array(2)], 3, 2).length); // 1
 * ```
 */
export function packedBuffers(
  batch: readonly unknown[],
  stride: number,
  offset: number,
): ArrayBuffer[] {
  let out: ArrayBuffer[] | undefined;
  for (let i = offset; i < batch.length; i += stride) {
    const v = batch[i];
    if (v instanceof Float64Array) (out ??= []).push(v.buffer as ArrayBuffer);
  }
  return out ?? NONE;
}

const NONE: ArrayBuffer[] = [];
