/**
 * The one argument checker: timeouts, Python's positional `(block, timeout)`
 * beside the options bag, counts and sizes. Every public call checks its
 * arguments here, so a `NaN` timeout or a negative count fails the same way
 * everywhere, with a message in Deno std's style that names the call, the
 * argument and the value received:
 *
 * `Cannot acquire lock: 'timeout' must be a number or null, received NaN`
 *
 * Wrong types are `TypeError`s; numbers out of range are `RangeError`s.
 *
 * @module
 */

/** Python's `(block=True, timeout=None)` as an options bag. */
export interface BlockOptions {
  /** Wait (default `true`); `false` returns at once. */
  readonly block?: boolean;
  /** Longest wait in ms (`null`/`undefined`: forever; negative counts as 0). Ignored when not blocking. */
  readonly timeout?: number | null;
}

/** Python's `acquire(block=True, timeout=None)` as an options bag (the primitives' name for {@link BlockOptions}). */
export type AcquireOptions = BlockOptions;

/** A timeout in ms, or an options bag holding one (`Event.wait`, `Condition.wait`, ...). */
export type TimeoutArg = number | null | undefined | { readonly timeout?: number | null };

/** `Cannot <what>`, also for a `what` that already says "Cannot ...". */
function cannot(what: string): string {
  return what.startsWith("Cannot ") ? what : `Cannot ${what}`;
}

/**
 * A short description of a received value, for error messages.
 *
 * @param value Anything.
 * @returns E.g. `"-1"`, `"NaN"`, `"'x'"`, `"an array"`, `"a function"`.
 * @example
 * ```ts
 * import { describe } from "./args.ts";
 * console.log(describe("x")); // 'x'
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (Array.isArray(value)) return "an array";
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? `a ${name}` : "an object";
}

/**
 * A timeout in ms: `null`, `undefined` and `Infinity` mean forever (returns
 * `Infinity`); a negative one counts as 0, as in Python.
 *
 * @param what The call, for the message (`"acquire lock"`, `"call Queue.get()"`).
 * @param timeout The caller's value.
 * @param name The argument's name in the message (default `timeout`).
 * @returns Milliseconds, or `Infinity`.
 * @throws {TypeError} When it is not a number, or is `NaN`.
 * @example
 * ```ts
 * import { checkTimeout } from "./args.ts";
 * console.log(checkTimeout("wait", -5)); // 0
 * console.log(checkTimeout("wait", null)); // Infinity
 * ```
 */
export function checkTimeout(what: string, timeout: unknown, name: string = "timeout"): number {
  if (timeout === null || timeout === undefined) return Infinity;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(
      `${cannot(what)}: '${name}' must be a number or null, received ${describe(timeout)}`,
    );
  }
  return timeout < 0 ? 0 : timeout;
}

/**
 * Read Python's `(block?, timeout?)` or `({ block, timeout })`.
 *
 * @param what The call, for messages.
 * @param block `block`, or the options bag.
 * @param timeout The positional timeout.
 * @returns Milliseconds to wait at most: 0 when not blocking, `Infinity` for forever.
 * @throws {TypeError} For a `block` that is neither a boolean nor an options bag, or a bad timeout.
 * @example
 * ```ts
 * import { checkBlockTimeout } from "./args.ts";
 * console.log(checkBlockTimeout("get", false, 100)); // 0
 * console.log(checkBlockTimeout("get", { timeout: 5 }, undefined)); // 5
 * ```
 */
export function checkBlockTimeout(what: string, block: unknown, timeout: unknown): number {
  if (block !== null && typeof block === "object") {
    const options = block as BlockOptions;
    block = options.block;
    timeout = options.timeout;
  }
  if (block !== undefined && typeof block !== "boolean") {
    throw new TypeError(
      `${cannot(what)}: 'block' must be a boolean or { block, timeout }, received ${
        describe(block)
      }`,
    );
  }
  const ms = checkTimeout(what, timeout);
  return block === false ? 0 : ms;
}

/**
 * Read `(timeout?)` or `({ timeout })`.
 *
 * @param what The call, for messages.
 * @param timeout The caller's argument.
 * @returns Milliseconds, or `Infinity`.
 * @throws {TypeError} For a bad timeout.
 * @example
 * ```ts
 * import { checkWaitTimeout } from "./args.ts";
 * console.log(checkWaitTimeout("wait", { timeout: 10 })); // 10
 * ```
 */
export function checkWaitTimeout(what: string, timeout: unknown): number {
  if (timeout !== null && typeof timeout === "object") {
    return checkTimeout(what, (timeout as { timeout?: unknown }).timeout);
  }
  return checkTimeout(what, timeout);
}

/** Bounds of an integer argument. */
export interface IntegerBounds {
  /** Smallest value allowed (default 0). */
  readonly min?: number;
  /** Largest value allowed (default `2 ** 31 - 1`). */
  readonly max?: number;
  /** Said after the bound in the message, e.g. `"(0 for no bound)"`. */
  readonly hint?: string;
}

/**
 * An integer count or size within bounds.
 *
 * @param what The call, for messages.
 * @param name The argument's name.
 * @param value The caller's value.
 * @param bounds The range (default: 0 to `2 ** 31 - 1`).
 * @returns The value.
 * @throws {TypeError} When it is not a number.
 * @throws {RangeError} When it is not an integer within the bounds.
 * @example
 * ```ts
 * import { checkInteger } from "./args.ts";
 * console.log(checkInteger("create Pool", "processes", 4, { min: 1 })); // 4
 * ```
 */
export function checkInteger(
  what: string,
  name: string,
  value: unknown,
  bounds: IntegerBounds = {},
): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? 0x7fffffff;
  if (typeof value !== "number") {
    throw new TypeError(
      `${cannot(what)}: '${name}' must be an integer, received ${describe(value)}`,
    );
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = min === 0
      ? "a non-negative integer"
      : min === 1
      ? "a positive integer"
      : `an integer >= ${min}`;
    const hint = bounds.hint === undefined ? "" : ` ${bounds.hint}`;
    throw new RangeError(
      `${cannot(what)}: '${name}' must be ${range}${hint}, received ${describe(value)}`,
    );
  }
  return value;
}

/**
 * A boolean argument, or `fallback` when it is `undefined`.
 *
 * @param what The call, for the message (`"create pipe"`).
 * @param name The argument's name.
 * @param value The caller's value.
 * @param fallback The default.
 * @returns The boolean.
 * @throws {TypeError} When it is neither a boolean nor `undefined`.
 * @example
 * ```ts
 * import { checkBoolean } from "./args.ts";
 * console.log(checkBoolean("create pipe", "duplex", undefined, true)); // true
 * ```
 */
export function checkBoolean(
  what: string,
  name: string,
  value: unknown,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(
      `${cannot(what)}: '${name}' must be a boolean, received ${describe(value)}`,
    );
  }
  return value;
}

/**
 * The `performance.now()` time a wait of `ms` ends.
 *
 * @param ms Milliseconds or `Infinity`.
 * @returns The deadline, `Infinity` for none.
 * @example
 * ```ts
 * import { deadlineAfter } from "./args.ts";
 * console.log(deadlineAfter(Infinity)); // Infinity
 * ```
 */
export function deadlineAfter(ms: number): number {
  return ms === Infinity ? Infinity : performance.now() + ms;
}

/**
 * Milliseconds left until a deadline from `deadlineAfter()`.
 *
 * @param deadline A `performance.now()` time, or `Infinity`.
 * @returns Milliseconds (>= 0), or `Infinity`.
 * @example
 * ```ts
 * import { deadlineAfter, remainingMs } from "./args.ts";
 * console.log(remainingMs(deadlineAfter(Infinity))); // Infinity
 * ```
 */
export function remainingMs(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}
