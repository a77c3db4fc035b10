/**
 * The mutex under `Lock`, `RLock` and `Barrier`: Drepper's three-state futex
 * lock on `i32[at]` (0 free, 1 locked, 2 locked and maybe waited for), with
 * the owner's id recorded in `i32[at + 1]`.
 *
 * A holder that has ended (a child process, or a worker thread: see
 * `owner.ts`) can't release it; a waiter checks the holder every 100 ms and
 * releases such a lock, as the OS releases a dead process's file locks.
 *
 * @module
 */
import { deadlineAfter } from "../args.ts";
import { type Algorithm, cell } from "./drive.ts";
import { holderGone, LIVENESS_MS, ownerGone } from "./owner.ts";

/**
 * Release the mutex when its holder is a child process that has died.
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param holder The owner id seen while waiting.
 * @returns Whether it was released.
 */
function releaseIfDead(i32: Int32Array, at: number, holder: number): boolean {
  if (holder === 0 || !holderGone(holder)) return false;
  if (Atomics.compareExchange(i32, at + 1, holder, 0) !== holder) return false;
  Atomics.store(i32, at, 0);
  Atomics.notify(i32, at, 1);
  return true;
}

/** Cells a mutex takes. */
export const MUTEX_CELLS = 2;

/**
 * Take the mutex if it is free.
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param owner Who takes it.
 * @returns Whether it was taken.
 */
export function tryLock(i32: Int32Array, at: number, owner: number): boolean {
  if (Atomics.compareExchange(i32, at, 0, 1) !== 0) return false;
  Atomics.store(i32, at + 1, owner);
  return true;
}

/**
 * Whether `owner` holds the mutex.
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param owner An owner id.
 * @returns True when it is locked by `owner`.
 */
export function holds(i32: Int32Array, at: number, owner: number): boolean {
  return Atomics.load(i32, at) !== 0 && Atomics.load(i32, at + 1) === owner;
}

/**
 * `Lock.acquire()`: take the mutex at once if free (no generator: the
 * uncontended path allocates nothing), else the wait of `ms` at most (0: not
 * at all).
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param owner Who takes it.
 * @param ms Milliseconds, or `Infinity`.
 * @returns Whether it was taken, or the wait that tells.
 */
export function acquire(
  i32: Int32Array,
  at: number,
  owner: number,
  ms: number,
): boolean | Algorithm<boolean> {
  if (tryLock(i32, at, owner)) return true;
  return ms !== 0 && lock(i32, at, owner, deadlineAfter(ms));
}

/**
 * Take the mutex, waiting until `deadline` at most.
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param owner Who takes it.
 * @param deadline A `performance.now()` time or `Infinity`.
 * @returns Whether it was taken.
 */
export function* lock(
  i32: Int32Array,
  at: number,
  owner: number,
  deadline: number,
): Algorithm<boolean> {
  let c = Atomics.compareExchange(i32, at, 0, 1);
  for (let spin = 0; c !== 0 && spin < 32; spin++) c = Atomics.compareExchange(i32, at, 0, 1);
  if (c !== 0) {
    if (c !== 2) c = Atomics.exchange(i32, at, 2);
    while (c !== 0) {
      const now = performance.now();
      if (now >= deadline) return false;
      const outcome = yield cell(i32, at, 2, Math.min(deadline, now + LIVENESS_MS));
      if (ownerGone(owner)) return false; // the child process waited for has died
      if (outcome === "timed-out") releaseIfDead(i32, at, Atomics.load(i32, at + 1));
      c = Atomics.exchange(i32, at, 2);
    }
  }
  Atomics.store(i32, at + 1, owner);
  return true;
}

/**
 * Take a mutex that is only ever held briefly, blocking the thread (or
 * spinning, where the thread may not block).
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @param owner Who takes it.
 */
export function lockBrief(i32: Int32Array, at: number, owner: number): void {
  const started = performance.now();
  for (;;) {
    for (let spin = 0; spin < 1000; spin++) if (tryLock(i32, at, owner)) return;
    try {
      const state = Atomics.load(i32, at);
      if (state !== 0) Atomics.wait(i32, at, state, 1);
    } catch {
      // this thread may not block: keep spinning
    }
    if (performance.now() - started > LIVENESS_MS) {
      releaseIfDead(i32, at, Atomics.load(i32, at + 1));
    }
  }
}

/**
 * Release the mutex, waking one waiter if there may be one.
 *
 * @param i32 The shared view.
 * @param at The mutex's first cell.
 * @returns False when it was not locked (nothing changed).
 */
export function unlock(i32: Int32Array, at: number): boolean {
  for (;;) {
    const state = Atomics.load(i32, at);
    if (state === 0) return false;
    Atomics.store(i32, at + 1, 0);
    if (Atomics.compareExchange(i32, at, state, 0) === state) {
      if (state === 2) Atomics.notify(i32, at, 1);
      return true;
    }
  }
}

/** What `Condition` needs from its lock (a `Lock` or an `RLock` held here). */
export interface LockInternals {
  /** Whether `owner` holds the lock. */
  isOwned(owner: number): boolean;
  /** Release the lock completely; returns what `acquireRestore()` needs. */
  releaseSave(owner: number): number;
  /** Take the lock again as `releaseSave()` left it. */
  acquireRestore(owner: number, saved: number): Algorithm<boolean>;
  /** `acquire()` on behalf of `owner`, waiting `ms` at most (0: not at all). */
  acquireAs(owner: number, ms: number): boolean | Algorithm<boolean>;
  /** `release()` on behalf of `owner`. */
  releaseAs(owner: number): void;
}

/** Cells of a `Lock` or `RLock`: the mutex, then the recursion count (0 for a `Lock`). */
export const LOCK_CELLS: number = MUTEX_CELLS + 1;

/**
 * The `LockInternals` of a `Lock` or `RLock` (`Kind.internals`).
 *
 * @param cells Its cells (`LOCK_CELLS`).
 * @param ops Its `acquire` and `release` operations.
 * @returns The internals.
 */
export function lockInternals(
  cells: Int32Array,
  ops: {
    acquire(cells: Int32Array, owner: number, ms: number): boolean | Algorithm<boolean>;
    release(cells: Int32Array, owner: number): void;
  },
): LockInternals {
  return {
    isOwned: (owner) => holds(cells, 0, owner),
    releaseSave() {
      const count = Atomics.exchange(cells, MUTEX_CELLS, 0);
      unlock(cells, 0);
      return count;
    },
    *acquireRestore(owner, saved) {
      yield* lock(cells, 0, owner, Infinity);
      Atomics.store(cells, MUTEX_CELLS, saved);
      return true;
    },
    acquireAs: (owner, ms) => ops.acquire(cells, owner, ms),
    releaseAs: (owner) => ops.release(cells, owner),
  };
}
