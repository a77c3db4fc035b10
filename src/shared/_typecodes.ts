/**
 * Python's `array`/`ctypes` typecodes and atomic element access on a
 * `SharedArrayBuffer`. Floats are read and written through an integer view
 * of the same bytes, so every access is one atomic load or store.
 *
 * @module
 */
import { describe } from "../args.ts";

/** Python's typecodes: signed/unsigned 8, 16, 32, 32 (`l`, `L`), 64-bit integers; float, double. */
export type Typecode = "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d";

/** The JavaScript type of a typecode's values: `bigint` for `q`/`Q`, else `number`. */
export type ValueOf<T extends Typecode> = T extends "q" | "Q" ? bigint : number;

/**
 * Each typecode's integer view and, for floats, the float type its bits are:
 * a float is read and written through an integer view of the same bytes.
 * Typed as `Int32Array` classes: one signature for `Atomics` over every view.
 */
const KINDS = {
  b: [Int8Array],
  B: [Uint8Array],
  h: [Int16Array],
  H: [Uint16Array],
  i: [Int32Array],
  I: [Uint32Array],
  l: [Int32Array],
  L: [Uint32Array],
  q: [BigInt64Array],
  Q: [BigUint64Array],
  f: [Int32Array, Float32Array],
  d: [BigInt64Array, Float64Array],
} as unknown as Record<Typecode, readonly [Int32ArrayConstructor, Float32ArrayConstructor?]>;

/** Typed, atomic access to the elements of one buffer. */
export interface Elements {
  readonly typecode: Typecode;
  readonly length: number;
  readonly buffer: SharedArrayBuffer;
  get(index: number): number | bigint;
  set(index: number, value: number | bigint): void;
}

/**
 * Check a typecode.
 *
 * @param what The call, for the error message.
 * @param typecode The caller's typecode.
 * @returns It, typed.
 * @throws {TypeError} For an unknown typecode.
 */
export function checkTypecode(what: string, typecode: unknown): Typecode {
  if (typeof typecode !== "string" || !Object.hasOwn(KINDS, typecode)) {
    throw new TypeError(
      `Cannot ${what}: 'typecode' must be one of ${Object.keys(KINDS).join(", ")}, ` +
        `received ${describe(typecode)}`,
    );
  }
  return typecode as Typecode;
}

/**
 * Convert a value for storage under `typecode`.
 *
 * @param what The call, for the error message.
 * @param typecode The typecode.
 * @param value The caller's value.
 * @returns A number or bigint the typed array accepts.
 * @throws {TypeError} For a value of the wrong type.
 */
export function toStored(what: string, typecode: Typecode, value: unknown): number | bigint {
  const Float = KINDS[typecode][1];
  const big = typecode === "q" || typecode === "Q";
  if (big) {
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  } else if (typeof value === "number") {
    return value;
  } else if (typeof value === "bigint" && Float === undefined) {
    return Number(value);
  }
  throw new TypeError(
    `Cannot ${what}: typecode '${typecode}' holds ${big ? "bigints" : "numbers"}, ` +
      `received ${describe(value)}`,
  );
}

/**
 * Allocate (or adopt) a buffer of `length` elements of `typecode`.
 *
 * @param typecode The element type.
 * @param length The number of elements.
 * @param buffer An existing buffer to view (a revived object's).
 * @returns Atomic element access.
 */
export function elements(
  typecode: Typecode,
  length: number,
  buffer?: SharedArrayBuffer,
): Elements {
  const [Int, Float] = KINDS[typecode];
  const sab = buffer ?? new SharedArrayBuffer(Math.max(1, length) * Int.BYTES_PER_ELEMENT);
  const view = new Int(sab);
  if (Float === undefined) {
    const get = (i: number): number | bigint => Atomics.load(view, i);
    const set = (i: number, v: number | bigint): void => void Atomics.store(view, i, v as number);
    return { typecode, length, buffer: sab, get, set };
  }
  const float = new Float(1);
  const bits = new Int(float.buffer);
  const get = (i: number): number => {
    bits[0] = Atomics.load(view, i);
    return float[0];
  };
  const set = (i: number, v: number | bigint): void => {
    float[0] = v as number;
    Atomics.store(view, i, bits[0]);
  };
  return { typecode, length, buffer: sab, get, set };
}
