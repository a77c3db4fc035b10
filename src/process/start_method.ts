/**
 * The default context (Python's start method) for pools, processes and
 * primitives created afterwards.
 *
 * @module
 */
import { describe } from "../args.ts";
import type { Context } from "../runtime/types.ts";

let current: Context = "thread";

/**
 * Validate a context name.
 *
 * @param method The value to check.
 * @param what What is being created, for the message.
 * @returns The context.
 * @throws {RangeError} When it is neither `"thread"` nor `"process"`.
 * @example
 * ```ts
 * import { checkContext } from "./start_method.ts";
 * console.log(checkContext("process", "Cannot create pool"));
 * ```
 */
export function checkContext(method: unknown, what: string): Context {
  if (method !== "thread" && method !== "process") {
    throw new RangeError(
      `${what}: 'context' must be "thread" or "process", received ${describe(method)}`,
    );
  }
  return method;
}

/**
 * Set the default context for everything created afterwards
 * (Python's `set_start_method`).
 *
 * @param method `"thread"` (workers are threads) or `"process"` (child processes).
 * @throws {RangeError} For any other value.
 * @example
 * ```ts
 * import { getStartMethod, setStartMethod } from "./start_method.ts";
 * setStartMethod("process");
 * console.log(getStartMethod());
 * setStartMethod("thread");
 * ```
 */
export function setStartMethod(method: Context): void {
  current = checkContext(method, "Cannot set start method");
}

/**
 * The default context (Python's `get_start_method`); initially `"thread"`.
 *
 * @returns `"thread"` or `"process"`.
 * @example
 * ```ts
 * import { getStartMethod } from "./start_method.ts";
 * console.log(getStartMethod());
 * ```
 */
export function getStartMethod(): Context {
  return current;
}
