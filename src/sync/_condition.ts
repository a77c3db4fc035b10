/**
 * The algorithms under `Condition`, on its shared cells: a sequence number
 * waiters sleep on, the waiters not yet notified, and the notifications not
 * yet taken. `notify(n)` turns up to `n` waiters into notifications; a waiter
 * takes one and returns true. A waiter that times out leaves under the lock,
 * so `notify()` never counts a waiter that is gone.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { deadlineAfter, describe } from "./_args.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import { ownerGone, wakeBy } from "../share/liveness.ts";
import type { LockInternals } from "../share/mutex.ts";

/** Cells: a sequence number waiters sleep on, waiters not yet notified, notifications not yet taken. */
const SEQ = 0;
const WAITERS = 1;
const SIGNALS = 2;
export const CELLS = 3;

export function takeSignal(cells: Int32Array): boolean {
  for (;;) {
    const t = Atomics.load(cells, SIGNALS);
    if (t <= 0) return false;
    if (Atomics.compareExchange(cells, SIGNALS, t, t - 1) === t) return true;
  }
}

export function* waitAs(
  cells: Int32Array,
  lock: LockInternals,
  owner: number,
  ms: number,
): Algorithm<boolean> {
  if (!lock.isOwned(owner)) throw new ProcessError("Cannot wait on Condition: lock not acquired");
  const deadline = deadlineAfter(ms);
  Atomics.add(cells, WAITERS, 1);
  const saved = lock.releaseSave(owner);
  let woken = false;
  for (;;) {
    const seq = Atomics.load(cells, SEQ);
    if (takeSignal(cells)) {
      woken = true;
      break;
    }
    if (performance.now() >= deadline || ownerGone(owner)) break;
    yield cell(cells, SEQ, seq, wakeBy(owner, deadline));
  }
  yield* lock.acquireRestore(owner, saved);
  // Timed out: under the lock, either a notification arrived meanwhile (take
  // it) or this waiter leaves the count, so notify() never wakes a ghost.
  if (!woken) {
    woken = takeSignal(cells);
    if (!woken) Atomics.sub(cells, WAITERS, 1);
  }
  return woken;
}

export function* waitForAs(
  cells: Int32Array,
  lock: LockInternals,
  owner: number,
  predicate: () => unknown,
  ms: number,
): Algorithm<unknown> {
  const deadline = deadlineAfter(ms);
  let result = yield { call: predicate };
  while (!result) {
    const left = deadline === Infinity ? Infinity : deadline - performance.now();
    if (left <= 0) break;
    yield* waitAs(cells, lock, owner, left);
    result = yield { call: predicate };
  }
  return result;
}

export function notifyAs(cells: Int32Array, lock: LockInternals, owner: number, n: number): void {
  if (!lock.isOwned(owner)) throw new ProcessError("Cannot notify on Condition: lock not acquired");
  const waiting = Atomics.load(cells, WAITERS);
  const k = Math.min(n, waiting);
  if (k <= 0) return;
  Atomics.sub(cells, WAITERS, k);
  Atomics.add(cells, SIGNALS, k);
  Atomics.add(cells, SEQ, 1);
  Atomics.notify(cells, SEQ, k);
}

export function checkN(n: unknown): number {
  if (typeof n !== "number" || !(Number.isInteger(n) || n === Infinity) || n < 0) {
    throw new RangeError(
      `Cannot notify on Condition: 'n' must be a non-negative integer, received ${describe(n)}`,
    );
  }
  return n;
}

export function checkPredicate(predicate: unknown): void {
  if (typeof predicate !== "function") {
    throw new TypeError(
      `Cannot wait on Condition: 'predicate' must be a function, received ${describe(predicate)}`,
    );
  }
}
