/**
 * Futex-style helpers on an `Int32Array` over a `SharedArrayBuffer`: a mutex
 * (sync and async acquisition) and waits with deadlines. The waits themselves
 * are `src/runtime/atomics_wait.ts` (which keeps the event loop alive while an
 * async wait is pending, and polls where `Atomics.waitAsync` is missing).
 *
 * The mutex is Drepper's three-state futex lock: 0 free, 1 locked,
 * 2 locked with (possible) waiters.
 *
 * @module
 */

import { type CellWaitResult, waitCellAsync, waitCellSync } from "../runtime/atomics_wait.ts";

/** Outcome of one wait. */
export type WaitResult = CellWaitResult;

/**
 * Milliseconds left until `deadline` (`Infinity` for no deadline), at least 0.
 *
 * @param deadline A `performance.now()` time, or `Infinity`.
 * @returns The remaining time.
 */
export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * The deadline for a timeout in ms (`undefined`/`null`: none).
 *
 * @param timeout The timeout, already validated and clamped at 0.
 * @returns A `performance.now()` time or `Infinity`.
 */
export function deadlineOf(timeout: number | null | undefined): number {
  return timeout === null || timeout === undefined ? Infinity : performance.now() + timeout;
}

/**
 * Block until `i32[index] !== value`, a notify, or the timeout.
 *
 * @param i32 The shared view.
 * @param index The cell.
 * @param value The value expected there.
 * @param timeout Milliseconds, `Infinity` for none.
 * @param what The call, for the error where this thread may not block.
 * @returns How the wait ended.
 */
export function waitSync(
  i32: Int32Array,
  index: number,
  value: number,
  timeout: number,
  what = "a blocking queue method",
): WaitResult {
  return waitCellSync(i32, index, value, timeout, what);
}

/**
 * Wait without blocking until `i32[index] !== value`, a notify, or the
 * timeout; keeps the event loop alive meanwhile.
 *
 * @param i32 The shared view.
 * @param index The cell.
 * @param value The value expected there.
 * @param timeout Milliseconds, `Infinity` for none.
 * @param alive Keep the event loop alive meanwhile (default true; false for waits served on
 * behalf of a child process, which must not keep the parent running).
 * @returns How the wait ended.
 */
export function waitAsync(
  i32: Int32Array,
  index: number,
  value: number,
  timeout: number,
  alive = true,
): Promise<WaitResult> {
  return waitCellAsync(i32, index, value, timeout, alive);
}

const SPINS = 64;

/**
 * How long a mutex may stay held without changing hands before a waiter takes
 * it over (ms). The queue's mutex is held for microseconds (a copy of one
 * message), never across a wait; a holder that makes no progress for this
 * long is a worker thread that was terminated inside the critical section.
 */
export const STEAL_MS = 2000;

/** How often a waiter for the mutex checks whether its holder still makes progress (ms). */
const CHECK_MS = 250;

/** Tracks whether a held mutex changes hands while a waiter waits for it. */
class Progress {
  #i32: Int32Array;
  #epochIndex: number;
  #epoch: number;
  #since = performance.now();

  constructor(i32: Int32Array, epochIndex: number) {
    this.#i32 = i32;
    this.#epochIndex = epochIndex;
    this.#epoch = Atomics.load(i32, epochIndex);
  }

  /** True when the holder looks dead and this waiter won the right to take over. */
  stalled(): boolean {
    const epoch = Atomics.load(this.#i32, this.#epochIndex);
    const now = performance.now();
    if (epoch !== this.#epoch) {
      this.#epoch = epoch;
      this.#since = now;
      return false;
    }
    if (now - this.#since < STEAL_MS) return false;
    // only one waiter may take over: the one that moves the epoch on
    return Atomics.compareExchange(this.#i32, this.#epochIndex, epoch, epoch + 1) === epoch;
  }
}

/**
 * Take the mutex at `i32[index]`, blocking the thread while it is held.
 *
 * @param i32 The shared view.
 * @param index The mutex cell.
 * @param epochIndex The cell `unlock()` bumps on every release.
 */
export function lockSync(i32: Int32Array, index: number, epochIndex: number): void {
  let c = Atomics.compareExchange(i32, index, 0, 1);
  for (let i = 0; c !== 0 && i < SPINS; i++) c = Atomics.compareExchange(i32, index, 0, 1);
  if (c === 0) return;
  if (c !== 2) c = Atomics.exchange(i32, index, 2);
  const progress = new Progress(i32, epochIndex);
  while (c !== 0) {
    waitSync(i32, index, 2, CHECK_MS);
    c = Atomics.exchange(i32, index, 2);
    if (c !== 0 && progress.stalled()) return; // the cell holds 2: ours now
  }
}

/**
 * Take the mutex at `i32[index]` without blocking the thread. Returns
 * synchronously (`undefined`) when it was free, a promise otherwise.
 *
 * @param i32 The shared view.
 * @param index The mutex cell.
 * @param epochIndex The cell `unlock()` bumps on every release.
 * @returns Nothing, or a promise settled once the mutex is held.
 */
export function lockAsync(
  i32: Int32Array,
  index: number,
  epochIndex: number,
): Promise<void> | undefined {
  let c = Atomics.compareExchange(i32, index, 0, 1);
  for (let i = 0; c !== 0 && i < SPINS; i++) c = Atomics.compareExchange(i32, index, 0, 1);
  if (c === 0) return undefined;
  return (async () => {
    if (c !== 2) c = Atomics.exchange(i32, index, 2);
    const progress = new Progress(i32, epochIndex);
    while (c !== 0) {
      await waitAsync(i32, index, 2, CHECK_MS);
      c = Atomics.exchange(i32, index, 2);
      if (c !== 0 && progress.stalled()) return;
    }
  })();
}

/**
 * Release the mutex at `i32[index]`, waking one waiter if there may be one.
 *
 * @param i32 The shared view.
 * @param index The mutex cell.
 * @param epochIndex The cell bumped on every release (see `STEAL_MS`).
 */
export function unlock(i32: Int32Array, index: number, epochIndex: number): void {
  Atomics.add(i32, epochIndex, 1);
  if (Atomics.sub(i32, index, 1) !== 1) {
    Atomics.store(i32, index, 0);
    Atomics.notify(i32, index, 1);
  }
}
