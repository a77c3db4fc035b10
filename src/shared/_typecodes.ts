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

type IntArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface Kind {
  readonly bytes: number;
  readonly view: (buffer: SharedArrayBuffer) => IntArray;
  readonly float?: "f32" | "f64";
  readonly big?: boolean;
}

const KINDS: Record<Typecode, Kind> = {
  b: { bytes: 1, view: (b) => new Int8Array(b) },
  B: { bytes: 1, view: (b) => new Uint8Array(b) },
  h: { bytes: 2, view: (b) => new Int16Array(b) },
  H: { bytes: 2, view: (b) => new Uint16Array(b) },
  i: { bytes: 4, view: (b) => new Int32Array(b) },
  I: { bytes: 4, view: (b) => new Uint32Array(b) },
  l: { bytes: 4, view: (b) => new Int32Array(b) },
  L: { bytes: 4, view: (b) => new Uint32Array(b) },
  q: { bytes: 8, view: (b) => new BigInt64Array(b), big: true },
  Q: { bytes: 8, view: (b) => new BigUint64Array(b), big: true },
  f: { bytes: 4, view: (b) => new Int32Array(b), float: "f32" },
  d: { bytes: 8, view: (b) => new BigInt64Array(b), float: "f64" },
};

const f32 = new Float32Array(1);
const f32bits = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64bits = new BigInt64Array(f64.buffer);

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
  const kind = KINDS[typecode];
  if (kind.big === true) {
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  } else if (typeof value === "number") {
    return value;
  } else if (typeof value === "bigint" && kind.float === undefined) {
    return Number(value);
  }
  throw new TypeError(
    `Cannot ${what}: typecode '${typecode}' holds ${kind.big ? "bigints" : "numbers"}, ` +
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
  const kind = KINDS[typecode];
  const sab = buffer ?? new SharedArrayBuffer(Math.max(1, length) * kind.bytes);
  const view = kind.view(sab) as unknown as { [i: number]: number | bigint };
  const a = view as unknown as Int32Array;
  const big = view as unknown as BigInt64Array;
  let get: (i: number) => number | bigint;
  let set: (i: number, v: number | bigint) => void;
  if (kind.float === "f32") {
    get = (i) => {
      f32bits[0] = Atomics.load(a, i);
      return f32[0];
    };
    set = (i, v) => {
      f32[0] = v as number;
      Atomics.store(a, i, f32bits[0]);
    };
  } else if (kind.float === "f64") {
    get = (i) => {
      f64bits[0] = Atomics.load(big, i);
      return f64[0];
    };
    set = (i, v) => {
      f64[0] = v as number;
      Atomics.store(big, i, f64bits[0]);
    };
  } else {
    get = (i) => Atomics.load(a, i);
    set = (i, v) => void Atomics.store(a, i, v as number);
  }
  return { typecode, length, buffer: sab, get, set };
}
