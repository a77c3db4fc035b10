/**
 * `Condition`: wait for a notification while holding a lock (Python's
 * `multiprocessing.Condition`).
 *
 * Its cells: a sequence number waiters sleep on, the waiters not yet
 * notified, and the notifications not yet taken. `notify(n)` turns up to `n`
 * waiters into notifications; a waiter takes one and returns true. A waiter
 * that times out leaves under the lock, so `notify()` never counts a waiter
 * that is gone.
 *
 * @module
 */
import {
  checkInteger,
  checkWaitTimeout,
  deadlineAfter,
  describe,
  remainingMs,
  type TimeoutArg,
} from "../args.ts";
import { ProcessError } from "../errors.ts";
import { type Algorithm, cell, runAsync, runSync } from "../share/drive.ts";
import {
  adopted,
  defineShared,
  Handle,
  handleOf,
  type Kind,
  newCells,
  shareable,
} from "../share/handle.ts";
import { ownerGone, wakeBy } from "../share/owner.ts";
import type { LockInternals } from "../share/mutex.ts";
import type { Lock } from "./lock.ts";
import { RLock } from "./rlock.ts";
import { SemLock } from "./sem_lock.ts";

const SEQ = 0;
const WAITERS = 1;
const SIGNALS = 2;

/** A condition's state: its cells and its lock's internals. */
interface State {
  readonly cells: Int32Array;
  readonly lock: LockInternals;
}

function takeSignal(cells: Int32Array): boolean {
  for (;;) {
    const t = Atomics.load(cells, SIGNALS);
    if (t <= 0) return false;
    if (Atomics.compareExchange(cells, SIGNALS, t, t - 1) === t) return true;
  }
}

function notHeld(what: string): ProcessError {
  return new ProcessError(`Cannot ${what} on Condition: lock not acquired`);
}

/** The condition's operations. */
const OPS = {
  acquire: ({ lock }: State, owner: number, ms: number) => lock.acquireAs(owner, ms),
  release: ({ lock }: State, owner: number): void => lock.releaseAs(owner),
  *wait({ cells, lock }: State, owner: number, ms: number): Algorithm<boolean> {
    if (!lock.isOwned(owner)) throw notHeld("wait");
    const deadline = deadlineAfter(ms);
    Atomics.add(cells, WAITERS, 1);
    const saved = lock.releaseSave(owner);
    let woken = false;
    for (;;) {
      const seq = Atomics.load(cells, SEQ);
      if ((woken = takeSignal(cells))) break;
      if (performance.now() >= deadline || ownerGone(owner)) break;
      yield cell(cells, SEQ, seq, wakeBy(owner, deadline));
    }
    yield* lock.acquireRestore(owner, saved);
    // Timed out: under the lock, either a notification arrived meanwhile (take
    // it) or this waiter leaves the count, so notify() never wakes a ghost.
    if (!woken && !(woken = takeSignal(cells))) Atomics.sub(cells, WAITERS, 1);
    return woken;
  },
  notify({ cells, lock }: State, owner: number, n: number): void {
    if (!lock.isOwned(owner)) throw notHeld("notify");
    const k = Math.min(n, Atomics.load(cells, WAITERS));
    if (k <= 0) return;
    Atomics.sub(cells, WAITERS, k);
    Atomics.add(cells, SIGNALS, k);
    Atomics.add(cells, SEQ, 1);
    Atomics.notify(cells, SEQ, k);
  },
};

function internalsOf(lock: unknown): LockInternals | undefined {
  return handleOf(lock)?.internals() as LockInternals | undefined;
}

const CONDITION: Kind<State, typeof OPS> = {
  tag: "Condition",
  ops: OPS,
  share: ({ cells }) => cells.buffer,
  adopt: (buffer, lock) => ({
    cells: new Int32Array(buffer as SharedArrayBuffer),
    lock: internalsOf(lock)!,
  }),
};

/**
 * `waitFor()` on the caller's side, wherever the condition is: the predicate
 * runs here, each `wait(ms)` where the condition is.
 */
function* waitFor(
  predicate: () => unknown,
  ms: number,
  wait: (ms: number) => unknown,
): Algorithm<unknown> {
  if (typeof predicate !== "function") {
    throw new TypeError(
      `Cannot wait on Condition: 'predicate' must be a function, received ${describe(predicate)}`,
    );
  }
  const deadline = deadlineAfter(ms);
  let result = yield { call: predicate };
  for (let left = ms; !result && (left = remainingMs(deadline)) > 0;) {
    yield { call: () => wait(left) };
    result = yield { call: predicate };
  }
  return result;
}

/**
 * A condition variable: holding its lock, `wait()` releases the lock until
 * another holder calls `notify()`, then takes it back (Python's
 * `multiprocessing.Condition`). The lock is an `RLock` unless one is given;
 * as an `RLock` counts all async code of one thread as one holder, give it a
 * `Lock` when several async tasks of one thread wait on the same condition.
 * It works in both contexts as `Lock` does.
 *
 * @example
 * ```ts
 * import { Condition } from "./condition.ts";
 * const cond = new Condition();
 * let ready = false;
 * setTimeout(async () => {
 *   await cond.acquire();
 *   ready = true;
 *   cond.notify();
 *   cond.release();
 * }, 10);
 * await cond.acquire();
 * console.log(await cond.waitFor(() => ready, 1000)); // true
 * cond.release();
 * ```
 */
export class Condition extends SemLock {
  readonly #handle: Handle<State, typeof OPS>;
  /** The lock object (undefined in a child process's condition). */
  readonly #lock: Lock | RLock | undefined;

  /**
   * Create a condition variable over `lock`.
   *
   * @param lock The lock to use (a `Lock` or an `RLock`; default: a new `RLock`).
   * @throws {TypeError} When `lock` is not a `Lock` or `RLock` of this library made in this
   *   process.
   */
  constructor(lock?: Lock | RLock) {
    super();
    const handle = adopted<State, typeof OPS>();
    this.#lock = handle ? lock : lock ?? new RLock();
    const internals = handle ? undefined : internalsOf(this.#lock);
    if (handle === undefined && internals === undefined) {
      throw new TypeError(
        "Cannot create Condition: 'lock' must be a Lock or RLock created in this process " +
          `(or in its parent's threads), received ${describe(lock)}`,
      );
    }
    this.#handle = handle ?? new Handle(CONDITION, { cells: newCells(3), lock: internals! });
  }

  /**
   * Release the lock, wait for a notification (or the timeout), then take
   * the lock back. Call it holding the lock.
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (`null`/`undefined`: forever;
   *   negative counts as 0).
   * @returns False when the time ran out, else true.
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * console.log(await cond.wait(10)); // false: nobody notified
   * cond.release();
   * ```
   */
  wait(timeout?: TimeoutArg): Promise<boolean> {
    return this.#handle.async.wait(checkWaitTimeout("wait on Condition", timeout));
  }

  /**
   * `wait()` blocking the thread (for worker code).
   *
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns False when the time ran out, else true.
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * cond.acquireSync();
   * console.log(cond.waitSync(10)); // false
   * cond.release();
   * ```
   */
  waitSync(timeout?: TimeoutArg): boolean {
    return this.#handle.sync.wait(checkWaitTimeout("wait on Condition", timeout));
  }

  /**
   * Wait until `predicate()` is truthy (checked first, then after each
   * notification), or the timeout. Call it holding the lock.
   *
   * @param predicate Returns the condition; may return a promise.
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns The predicate's last result.
   * @throws {TypeError} When `predicate` is not a function.
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * console.log(await cond.waitFor(async () => 42, 10)); // 42
   * cond.release();
   * ```
   */
  async waitFor<T>(predicate: () => T | Promise<T>, timeout?: TimeoutArg): Promise<T> {
    const ms = checkWaitTimeout("wait on Condition", timeout);
    return await runAsync(waitFor(predicate, ms, (left) => this.#handle.async.wait(left))) as T;
  }

  /**
   * `waitFor()` blocking the thread (for worker code); the predicate must be
   * synchronous.
   *
   * @param predicate Returns the condition.
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns The predicate's last result.
   * @throws {TypeError} When `predicate` is not a function or returns a promise.
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * cond.acquireSync();
   * console.log(cond.waitForSync(() => 1, 10)); // 1
   * cond.release();
   * ```
   */
  waitForSync<T>(predicate: () => T, timeout?: TimeoutArg): T {
    const ms = checkWaitTimeout("wait on Condition", timeout);
    const wait = (left: number): boolean => this.#handle.sync.wait(left);
    return runSync(waitFor(predicate, ms, wait), "Condition.waitForSync()") as T;
  }

  /**
   * Wake up to `n` waiters (default 1). Call it holding the lock.
   *
   * @param n How many waiters to wake.
   * @throws {RangeError} For a bad `n`.
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * cond.notify(); // nobody waits: nothing happens
   * cond.release();
   * ```
   */
  notify(n: number = 1): void {
    const max = Number.MAX_SAFE_INTEGER;
    this.#handle.sync.notify(checkInteger("notify on Condition", "n", n, { max }));
  }

  /**
   * Wake every waiter. Call it holding the lock.
   *
   * @throws {ProcessError} When the lock is not held.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * cond.notifyAll();
   * cond.release();
   * ```
   */
  notifyAll(): void {
    this.#handle.sync.notify(Infinity);
  }

  static {
    // A thread needs the lock's cells too; a child process calls the owner.
    shareable(this, (c) => c.#handle, (c, context) => context === "thread" ? c.#lock : undefined);
    defineShared(CONDITION, (lock) => new Condition(lock as Lock | RLock));
  }
}
