/**
 * Waiting on behalf of child processes (process context). The parent serves
 * a child's waits; when that child dies, the wait must end (a dead process
 * must not take a lock or a semaphore slot, nor hold up a barrier), and a lock
 * a dead child holds must be released. Waits on behalf of a child process
 * (a negative owner id, `-pid`) therefore wake every `LIVENESS_MS` to check.
 *
 * @module
 */
import { isProcessAlive } from "../runtime/process_alive.ts";

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
 * Whether `owner` is a child process that has died.
 *
 * @param owner An owner id.
 * @returns True for a dead child process.
 */
export function ownerGone(owner: number): boolean {
  return owner < 0 && !isProcessAlive(-owner);
}
