/**
 * Structured-clone serialisation to bytes, for values that travel through
 * shared memory (queues and pipes) rather than through `postMessage`.
 *
 * `node:v8`'s `serialize()`/`deserialize()` exist on Deno, Bun and Node and
 * round-trip everything the structured clone algorithm handles (objects,
 * arrays, Maps, Sets, Dates, typed arrays, errors, bigints, `undefined`).
 * They throw for functions, symbols and class instances' prototypes are lost,
 * exactly as with `postMessage`. The bytes are only read by the same runtime
 * (a queue's readers and writers all run one runtime binary), so the formats
 * differing between runtimes does not matter.
 *
 * Numbers and strings, the most common queue items, take a shorter path: one
 * tag byte (`0xF0` + float64, `0xF1` + UTF-8), several times faster than
 * `v8.serialize()` on Deno. V8's format starts with `0xFF` and Bun's with its
 * version (14), so the tags never collide with them.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as v8 from "node:v8";

const TAG_NUMBER = 0xf0;
const TAG_STRING = 0xf1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 cannot carry lone surrogates; such strings take the v8 path. */
function isWellFormed(text: string): boolean {
  return (text as { isWellFormed?(): boolean }).isWellFormed?.() === true;
}

/**
 * Serialise a structured-clonable value to bytes.
 *
 * @param value The value to serialise.
 * @returns Its bytes (a fresh array the caller may keep).
 * @throws {TypeError} When the value cannot be cloned (a function, a symbol, ...); the message
 * names what could not be sent.
 * @example
 * ```ts
 * import { deserialize, serialize } from "./serialize.ts";
 * const bytes = serialize({ a: [1, 2] });
 * console.log(deserialize(bytes));
 * ```
 */
export function serialize(value: unknown): Uint8Array {
  if (typeof value === "number") {
    const out = new Uint8Array(9);
    out[0] = TAG_NUMBER;
    new DataView(out.buffer).setFloat64(1, value, true);
    return out;
  }
  if (typeof value === "string" && value.length < 4096 && isWellFormed(value)) {
    const out = new Uint8Array(1 + value.length * 3);
    out[0] = TAG_STRING;
    const { written } = encoder.encodeInto(value, out.subarray(1));
    return out.subarray(0, 1 + written);
  }
  try {
    return v8.serialize(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Cannot send value: it could not be cloned (${reason})`, {
      cause: error,
    });
  }
}

/**
 * Rebuild a value from bytes made by `serialize()`.
 *
 * @param bytes The serialised bytes.
 * @returns The value.
 * @throws {Error} When the bytes are not a serialised value.
 * @example
 * ```ts
 * import { deserialize, serialize } from "./serialize.ts";
 * console.log(deserialize(serialize(new Map([[1, "one"]]))));
 * ```
 */
export function deserialize(bytes: Uint8Array): unknown {
  if (bytes[0] === TAG_NUMBER) {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(1, true);
  }
  if (bytes[0] === TAG_STRING) return decoder.decode(bytes.subarray(1));
  return v8.deserialize(bytes);
}

/**
 * Bytes as a string that survives any IPC serialisation (JSON included).
 *
 * @param bytes The bytes.
 * @returns Their base64 form.
 * @example
 * ```ts
 * import { bytesToWire } from "./serialize.ts";
 * console.log(bytesToWire(new Uint8Array([1, 2, 3])));
 * ```
 */
export function bytesToWire(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * The bytes back from `bytesToWire()`.
 *
 * @param wire The base64 string.
 * @returns The bytes.
 * @example
 * ```ts
 * import { bytesToWire, wireToBytes } from "./serialize.ts";
 * console.log(wireToBytes(bytesToWire(new Uint8Array([1, 2, 3]))));
 * ```
 */
export function wireToBytes(wire: string): Uint8Array {
  const buf = Buffer.from(wire, "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
