/**
 * Liveness of lock holders and of the child processes waits are served for.
 *
 * - The parent serves a child's waits (process context); when that child
 *   dies, the wait must end (a dead process must not take a lock or a
 *   semaphore slot, nor hold up a barrier). Waits on behalf of a child process
 *   (a negative owner id, `-pid`) therefore wake every `LIVENESS_MS` to check.
 * - A lock whose holder (a child process, or a worker thread: see
 *   `_owner.ts`) has ended is released by a waiter.
 *
 * @module
 */
import { isProcessAlive } from "../runtime/process_alive.ts";
import { threadGone } from "./owner.ts";

/** How often a wait on behalf of a child process checks that it is alive (ms). */
export const LIVENESS_MS = 100;

/**
 * When to wake next: the deadline, or sooner to check on a child process.
 *
 * @param owner The id the wait is made for.
 * @param deadline A `performance.now()` time or `Infinity`.
 * @returns The time to wake at the latest.
 */
export function wakeBy(owner: number, deadline: number): number {
  return owner < 0 ? Math.min(deadline, performance.now() + LIVENESS_MS) : deadline;
}

/**
 * Whether `owner`, for whom a wait is made, is a child process that has died.
 *
 * @param owner An owner id.
 * @returns True for a dead child process.
 */
export function ownerGone(owner: number): boolean {
  return owner < 0 && !isProcessAlive(-owner);
}

/**
 * Whether the holder of a lock has ended: a child process, or a worker thread
 * of this program (probed at most at the rate `_owner.ts` allows).
 *
 * @param holder The owner id recorded in the lock (0: none).
 * @returns True when it has certainly ended.
 */
export function holderGone(holder: number): boolean {
  if (holder < 0) return !isProcessAlive(-holder);
  return holder > 1 && threadGone(holder);
}
