/**
 * Self-contained task functions of the executor tests (they travel by source text).
 *
 * @module
 */

/**
 * Resolves with `value` after `ms`.
 *
 * @param ms Delay.
 * @param value What to return.
 * @returns `value`, later.
 */
export function sleepThen<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/**
 * Never settles.
 *
 * @returns A promise that never settles.
 */
export function forever(): Promise<never> {
  return new Promise(() => {});
}

/**
 * Throws a `RangeError` naming `x`.
 *
 * @param x Anything.
 * @returns Never.
 */
export function fail(x: number): never {
  throw new RangeError(`bad ${x}`);
}

/**
 * Ends its worker with exit code 3.
 *
 * @returns Never.
 */
export function exitWorker(): never {
  (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(3);
  throw new Error("unreachable");
}

/**
 * Resolves with `value` once `event` is set.
 *
 * @param event An `Event`.
 * @param value What to return.
 * @returns `value`, then.
 */
export async function waitThen<T>(event: { wait(): Promise<boolean> }, value: T): Promise<T> {
  await event.wait();
  return value;
}
