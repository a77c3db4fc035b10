/**
 * The task every peer's worker runs: a number `x` means `x * x` (trivial), `{ spin: us }`
 * busy-waits `us` microseconds (CPU-bound). Same work as our `square` and `spin`. Plain
 * JavaScript so that worker threads load it on every Node (no type stripping needed).
 *
 * @module
 */

/** @typedef {number | { readonly spin: number }} PeerTask */

/**
 * Runs one peer task.
 *
 * @param {PeerTask} task The task.
 * @returns {number} `x * x`, or the number of clock reads while spinning.
 * @example
 * ```ts
 * import { runTask } from "./task.mjs";
 * console.log(runTask(3)); // 9
 * ```
 */
export function runTask(task) {
  if (typeof task === "number") return task * task;
  const end = performance.now() + task.spin / 1000;
  let reads = 0;
  while (performance.now() < end) reads++;
  return reads;
}
