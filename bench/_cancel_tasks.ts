/**
 * Tasks for `cancel_latency.ts`, called by reference (the pool's `module`)
 * since the cooperative one reads `taskSignal()`.
 *
 * @module
 */
import { taskSignal } from "../mod.ts";

/**
 * Waits until its `taskSignal()` aborts, then rejects with its reason.
 *
 * @returns Rejects once aborted.
 * @example
 * ```ts ignore
 * await pool.apply(untilAborted, [], { signal });
 * ```
 */
export function untilAborted(): Promise<never> {
  const signal = taskSignal();
  return new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason));
  });
}

/**
 * Keeps the CPU busy for `ms`, never looking at its signal.
 *
 * @param ms How long.
 * @returns `"spun"`.
 * @example
 * ```ts
 * import { spin } from "./_cancel_tasks.ts";
 * console.log(spin(1)); // "spun"
 * ```
 */
export function spin(ms: number): string {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
  return "spun";
}

/**
 * Sleeps `ms`.
 *
 * @param ms How long.
 * @returns Nothing, later.
 * @example
 * ```ts
 * import { nap } from "./_cancel_tasks.ts";
 * await nap(1);
 * ```
 */
export function nap(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
