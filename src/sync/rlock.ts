/**
 * `RLock`: a recursive lock shared by threads and processes (Python's
 * `multiprocessing.RLock`).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { type Algorithm } from "../share/drive.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { acquire, holds, LOCK_CELLS, lockInternals, MUTEX_CELLS, unlock } from "../share/mutex.ts";
import { SemLock } from "./sem_lock.ts";

/** Cell of the recursion count, after the mutex's cells. */
const COUNT = MUTEX_CELLS;

/** The wait for the lock, then the first count. */
function* counted(wait: Algorithm<boolean>, cells: Int32Array): Algorithm<boolean> {
  const got = yield* wait;
  if (got) Atomics.store(cells, COUNT, 1);
  return got;
}

/** The recursive lock's operations. */
const OPS = {
  acquire(cells: Int32Array, owner: number, ms: number): boolean | Algorithm<boolean> {
    if (holds(cells, 0, owner)) {
      cells[COUNT]++; // only the holder writes it
      return true;
    }
    const got = acquire(cells, 0, owner, ms);
    if (typeof got !== "boolean") return counted(got, cells);
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
export class RLock extends SemLock {
  readonly #handle: Handle<Int32Array, typeof OPS>;

  /** Create an unlocked recursive lock. */
  constructor() {
    super();
    this.#handle = adopted() ?? new Handle(RLOCK, newCells(LOCK_CELLS));
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
    return this.#handle.sync.locked();
  }

  static {
    shareable(this, (lock) => lock.#handle);
    defineShared(RLOCK, () => new RLock());
  }
}
