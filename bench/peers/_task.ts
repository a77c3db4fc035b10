/**
 * The task every peer's worker runs: a number `x` means `x * x` (trivial), `{ spin: us }`
 * busy-waits `us` microseconds (CPU-bound). Same work as our `square` and `spin`.
 *
 * @module
 */

/** A peer task: trivial (a number) or CPU-bound (`{ spin: us }`). */
export type PeerTask = number | { readonly spin: number };

/**
 * Runs one peer task.
 *
 * @param task The task.
 * @returns `x * x`, or the number of clock reads while spinning.
 * @example
 * ```ts
 * import { runTask } from "./_task.ts";
 * console.log(runTask(3)); // 9
 * ```
 */
export function runTask(task: PeerTask): number {
  if (typeof task === "number") return task * task;
  const end = performance.now() + task.spin / 1000;
  let reads = 0;
  while (performance.now() < end) reads++;
  return reads;
}
