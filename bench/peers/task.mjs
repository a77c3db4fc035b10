/**
 * The task every peer's worker runs: a number `x` means `x * x` (trivial), `{ spin: us }`
 * busy-waits `us` microseconds (CPU-bound), `{ op, x }` is a payload task (`payload_task.mjs`).
 * Same work as our `square` and `spin`. Plain
 * JavaScript so that worker threads load it on every Node (no type stripping needed).
 *
 * @module
 */

import { runPayload } from "./payload_task.mjs";

/** @typedef {number | { readonly spin: number } | import("./payload_task.mjs").PayloadTask} PeerTask */

/**
 * Runs one peer task.
 *
 * @param {PeerTask} task The task.
 * @returns {unknown} `x * x`, the number of clock reads while spinning, or the payload's result.
 * @example
 * ```ts
 * import { runTask } from "./task.mjs";
 * console.log(runTask(3)); // 9
 * ```
 */
export function runTask(task) {
  if (typeof task === "number") return task * task;
  if ("op" in task) return runPayload(task);
  const end = performance.now() + task.spin / 1000;
  let reads = 0;
  while (performance.now() < end) reads++;
  return reads;
}
