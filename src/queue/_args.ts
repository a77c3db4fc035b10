/**
 * Argument checks shared by the queue classes: Python's positional
 * `(block, timeout)` beside the `{ block, timeout }` options bag, sizes, and
 * turning values into bytes with a message that names the call.
 *
 * @module
 */
import { serialize } from "../runtime/serialize.ts";
import { encodeShared } from "../transport/shareable.ts";

/** How long and whether to wait. */
export interface BlockOptions {
  /** Wait for an item / for room (default true). */
  readonly block?: boolean;
  /** Milliseconds; null/undefined waits forever; negative counts as 0. Ignored when not blocking. */
  readonly timeout?: number | null;
}

/** Validated wait arguments. */
export interface Wait {
  readonly block: boolean;
  readonly timeout: number | null;
}

/**
 * Validate a timeout in ms: a number (negative counts as 0, `Infinity` is
 * forever), null or undefined (forever).
 *
 * @param call The call, for messages, e.g. "Queue.get()".
 * @param timeout The value given.
 * @returns The timeout, or null for none.
 */
export function checkTimeout(call: string, timeout: unknown): number | null {
  if (timeout === undefined || timeout === null || timeout === Infinity) return null;
  if (typeof timeout !== "number") {
    throw new TypeError(
      `Cannot call ${call}: 'timeout' must be a number of milliseconds or null, received ${
        describe(timeout)
      }`,
    );
  }
  if (Number.isNaN(timeout)) {
    throw new RangeError(
      `Cannot call ${call}: 'timeout' must be a number of milliseconds, received NaN`,
    );
  }
  return Math.max(0, timeout);
}

/**
 * Read `(block?, timeout?)` or `({ block, timeout })`.
 *
 * @param call The call, for messages.
 * @param blockOrOptions `block` or the options bag.
 * @param timeout The timeout in the positional form.
 * @returns The validated arguments.
 */
export function parseWait(call: string, blockOrOptions: unknown, timeout: unknown): Wait {
  let block: unknown = blockOrOptions;
  if (typeof blockOrOptions === "object" && blockOrOptions !== null) {
    ({ block, timeout } = blockOrOptions as BlockOptions);
  }
  if (block === undefined) block = true;
  if (typeof block !== "boolean") {
    throw new TypeError(
      `Cannot call ${call}: 'block' must be a boolean, received ${describe(block)}`,
    );
  }
  return { block, timeout: checkTimeout(call, timeout) };
}

/**
 * Validate a queue's `maxsize`: an integer >= 0 (0 for no bound).
 *
 * @param what The class, for messages.
 * @param maxsize The value given.
 * @returns The size.
 */
export function checkMaxsize(what: string, maxsize: unknown): number {
  if (typeof maxsize !== "number") {
    throw new TypeError(
      `Cannot create ${what}: 'maxsize' must be a number, received ${describe(maxsize)}`,
    );
  }
  if (!Number.isInteger(maxsize) || maxsize < 0 || maxsize > 0x7fffffff) {
    throw new RangeError(
      `Cannot create ${what}: 'maxsize' must be a non-negative integer (0 for no bound), received ${maxsize}`,
    );
  }
  return maxsize;
}

/**
 * Serialise a value for a queue or pipe, failing in the caller's thread. A
 * lock, queue, pipe end or shared value inside it is refused, as Python
 * refuses to pickle them: `v8.serialize()` would turn it into `{}`.
 *
 * @param call The call, for messages, e.g. "Queue.put()".
 * @param value The value.
 * @returns Its bytes.
 */
export function encodeValue(call: string, value: unknown): Uint8Array {
  if (typeof value === "object" && value !== null && encodeShared(value, "thread") !== value) {
    throw new TypeError(
      `Cannot call ${call}: locks, queues, pipes and shared values cannot travel through a ` +
        "queue or pipe (they would arrive as empty objects); pass them as arguments of the " +
        "pool task or Process target instead",
    );
  }
  try {
    return serialize(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Cannot call ${call}: ${reason}`, { cause: error });
  }
}

/**
 * A short description of a value for error messages.
 *
 * @param value Anything.
 * @returns e.g. `"-1"`, `"a string"`, `"an object"`.
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return value === null ? "null" : "an object";
  if (typeof value === "function") return "a function";
  return String(value);
}
