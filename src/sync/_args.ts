/**
 * Argument handling shared by the primitives: Python's positional
 * `(block, timeout)` beside the options bag, and timeouts in milliseconds
 * turned into deadlines.
 *
 * @module
 */

/** Python's `acquire(block, timeout)` as an options bag. */
export interface AcquireOptions {
  /** Wait for the primitive (default `true`); `false` returns at once. */
  readonly block?: boolean;
  /** Longest wait in ms (`null`/`undefined`: forever; negative counts as 0). */
  readonly timeout?: number | null;
}

/** A timeout in ms, or an options bag holding one. */
export type TimeoutArg = number | null | undefined | { readonly timeout?: number | null };

/**
 * Validate a timeout in ms: `null`/`undefined`/`Infinity` mean forever (returns
 * `Infinity`), a negative one counts as 0.
 *
 * @param what The call, for the error message.
 * @param timeout The caller's timeout.
 * @returns Milliseconds, or `Infinity`.
 * @throws {TypeError} When the timeout is not a number.
 */
export function checkTimeout(what: string, timeout: unknown): number {
  if (timeout === null || timeout === undefined) return Infinity;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError(
      `Cannot ${what}: 'timeout' must be a number of milliseconds, null or undefined, ` +
        `received ${describe(timeout)}`,
    );
  }
  return timeout < 0 ? 0 : timeout;
}

/**
 * Read `(block?, timeout?)` or `({ block, timeout })`.
 *
 * @param what The call, for error messages.
 * @param block `block` or the options bag.
 * @param timeout The positional timeout.
 * @returns Milliseconds to wait at most (0 when not blocking, `Infinity` for forever).
 * @throws {TypeError} For a `block` that is neither boolean nor options, or a bad timeout.
 */
export function acquireTimeout(what: string, block: unknown, timeout: unknown): number {
  if (block !== null && typeof block === "object") {
    const options = block as AcquireOptions;
    if (options.block !== undefined && typeof options.block !== "boolean") {
      throw new TypeError(
        `Cannot ${what}: 'block' must be a boolean, received ${describe(options.block)}`,
      );
    }
    return options.block === false ? 0 : checkTimeout(what, options.timeout);
  }
  if (block !== undefined && typeof block !== "boolean") {
    throw new TypeError(
      `Cannot ${what}: 'block' must be a boolean or { block, timeout }, ` +
        `received ${describe(block)}`,
    );
  }
  return block === false ? 0 : checkTimeout(what, timeout);
}

/**
 * Read `(timeout?)` or `({ timeout })`.
 *
 * @param what The call, for error messages.
 * @param timeout The caller's argument.
 * @returns Milliseconds, or `Infinity`.
 * @throws {TypeError} For a bad timeout.
 */
export function waitTimeout(what: string, timeout: unknown): number {
  if (timeout !== null && typeof timeout === "object") {
    return checkTimeout(what, (timeout as { timeout?: unknown }).timeout);
  }
  return checkTimeout(what, timeout);
}

/**
 * The `performance.now()` time a wait of `timeout` ms ends.
 *
 * @param timeout Milliseconds or `Infinity`.
 * @returns The deadline, `Infinity` for none.
 */
export function deadlineAfter(timeout: number): number {
  return timeout === Infinity ? Infinity : performance.now() + timeout;
}

/**
 * A short description of a received value, for error messages.
 *
 * @param value Anything.
 * @returns E.g. `"-1"`, `"'x'"`, `"an object"`.
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
