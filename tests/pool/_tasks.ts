/**
 * Self-contained task functions shared by the Pool tests. They travel to the
 * workers by source text, so none of them may refer to anything outside its
 * own body.
 *
 * @module
 */

/**
 * Resolves with `value` after `ms` milliseconds.
 *
 * @param ms Delay.
 * @param value What to return.
 * @returns `value`, later.
 */
export function sleepThen<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/**
 * Ends the worker it runs in with `code`, through `process.exit` (present on
 * Deno, Bun and Node) or, with `how === "Deno.exit"`, through `Deno.exit`.
 *
 * @param code Exit code.
 * @param how Which exit function to call.
 * @param delayMs Wait this long first (so other tasks can be dispatched).
 * @returns Never settles.
 */
export function exitWorker(code: number, how: string, delayMs: number): Promise<never> {
  const g = globalThis as unknown as {
    Deno?: { exit(code: number): never };
    process: { exit(code: number): never };
  };
  return new Promise(() => {
    setTimeout(() => {
      if (how === "Deno.exit") g.Deno!.exit(code);
      else g.process.exit(code);
    }, delayMs);
  });
}

/**
 * Throws from a timer (an uncaught error outside the task's own promise).
 *
 * @param delayMs Wait this long first.
 * @returns Never settles.
 */
export function throwFromTimer(delayMs: number): Promise<never> {
  return new Promise(() => {
    setTimeout(() => {
      throw new Error("uncaught from a timer");
    }, delayMs);
  });
}

/**
 * A worker-side counter and identity token: each worker gets a random token
 * on its first call; the count says how many calls this worker has served.
 *
 * @returns `[token, count]`.
 */
export function workerToken(): [number, number] {
  const g = globalThis as { __poolTestToken?: number; __poolTestCount?: number };
  g.__poolTestToken ??= Math.random();
  g.__poolTestCount = (g.__poolTestCount ?? 0) + 1;
  return [g.__poolTestToken, g.__poolTestCount];
}

/** Python's `range(n)` as an array. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
