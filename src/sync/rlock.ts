/**
 * `RLock`: a recursive lock shared by threads and processes (Python's
 * `multiprocessing.RLock`).
 *
 * @module
 */
import { type AcquireOptions, checkBlockTimeout } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { type Algorithm } from "../share/drive.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { acquire, holds, LOCK_CELLS, lockInternals, MUTEX_CELLS, unlock } from "../share/mutex.ts";

/** Cell of the recursion count, after the mutex's cells. */
const COUNT = MUTEX_CELLS;

/** The recursive lock's operations. */
const OPS = {
  *acquire(cells: Int32Array, owner: number, ms: number): Algorithm<boolean> {
    if (holds(cells, 0, owner)) {
      cells[COUNT]++; // only the holder writes it
      return true;
    }
    const got = yield* acquire(cells, 0, owner, ms);
    if (got) Atomics.store(cells, COUNT, 1);
    return got;
  },
  release(cells: Int32Array, owner: number): void {
    if (!holds(cells, 0, owner)) {
      throw new ProcessError("Cannot release RLock: it is not held by this thread or process");
    }
    if (Atomics.sub(cells, COUNT, 1) === 1) unlock(cells, 0);
  },
  locked: (cells: Int32Array): boolean => Atomics.load(cells, 0) !== 0,
};

const RLOCK = cellsKind("RLock", OPS, (cells) => lockInternals(cells, OPS));

/**
 * A recursive lock: the thread or process that holds it may acquire it again,
 * and must release it as many times; only the holder may release it (Python's
 * `multiprocessing.RLock`). All async code of one thread counts as one holder.
 * It works in both contexts as `Lock` does.
 *
 * @example
 * ```ts
 * import { RLock } from "./rlock.ts";
 * const lock = new RLock();
 * await lock.acquire();
 * await lock.acquire(); // again, from the same holder
 * lock.release();
 * lock.release();
 * ```
 */
export class RLock {
  readonly #handle: Handle<Int32Array, typeof OPS>;

  /** Create an unlocked recursive lock. */
  constructor() {
    this.#handle = adopted() ?? Handle.local(RLOCK, newCells(LOCK_CELLS));
  }

  /**
   * Acquire the lock, or acquire it once more when this thread holds it.
   *
   * @param block `false` to return at once when another holds it, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * const lock = new RLock();
   * console.log(await lock.acquire(), await lock.acquire(false)); // true true
   * ```
   */
  acquire(block?: boolean | AcquireOptions, timeout?: number | null): Promise<boolean> {
    return this.#handle.run("acquire", checkBlockTimeout("acquire RLock", block, timeout));
  }

  /**
   * `acquire()` blocking the thread (for worker code).
   *
   * @param block `false` to return at once when another holds it, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * const lock = new RLock();
   * console.log(lock.acquireSync(), lock.acquireSync()); // true true
   * ```
   */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    return this.#handle.runSync("acquire", checkBlockTimeout("acquire RLock", block, timeout));
  }

  /**
   * Release the lock once; it is free when released as often as acquired.
   *
   * @throws {ProcessError} When this thread or process does not hold it.
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * const lock = new RLock();
   * await lock.acquire();
   * lock.release();
   * ```
   */
  release(): void {
    this.#handle.runSync("release");
  }

  /**
   * Whether the lock is held by anyone.
   *
   * @returns True while it is held.
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * console.log(new RLock().locked()); // false
   * ```
   */
  locked(): boolean {
    return this.#handle.runSync("locked");
  }

  /**
   * Release the lock once at the end of a `using` block.
   *
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * const lock = new RLock();
   * await lock.acquire();
   * lock[Symbol.dispose]();
   * ```
   */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Release the lock once at the end of an `await using` block.
   *
   * @returns A resolved promise.
   * @example
   * ```ts
   * import { RLock } from "./rlock.ts";
   * const lock = new RLock();
   * await lock.acquire();
   * await lock[Symbol.asyncDispose]();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  static {
    shareable(this, (lock) => lock.#handle);
    defineShared(RLOCK, () => new RLock());
  }
}
