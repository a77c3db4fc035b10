/**
 * Shared values: `Value` and `SharedArray` (Python's `multiprocessing.Value`
 * and `multiprocessing.Array`), numbers in shared memory with a lock.
 *
 * @module
 */
export { type SharedOptions, Value } from "./value.ts";
export { SharedArray } from "./shared_array.ts";
export type { Typecode, ValueOf } from "./_typecodes.ts";
