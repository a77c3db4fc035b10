/**
 * `Semaphore` and `BoundedSemaphore`, shared by threads and processes
 * (Python's `multiprocessing.Semaphore` / `BoundedSemaphore`).
 *
 * @module
 */
import { checkInteger, deadlineAfter } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { ownerGone, wakeBy } from "../share/owner.ts";
import { SemLock } from "./sem_lock.ts";

/** Cells: the value, the number of sleeping waiters, the bound (-1: none). */
const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;

function tryTake(cells: Int32Array): boolean {
  for (;;) {
    const v = Atomics.load(cells, VALUE);
    if (v <= 0) return false;
    if (Atomics.compareExchange(cells, VALUE, v, v - 1) === v) return true;
  }
}

/** The semaphore's operations. */
const OPS = {
  *acquire(cells: Int32Array, owner: number, ms: number): Algorithm<boolean> {
    if (tryTake(cells)) return true;
    if (ms === 0) return false;
    const deadline = deadlineAfter(ms);
    for (;;) {
      if (performance.now() >= deadline) return false;
      Atomics.add(cells, WAITERS, 1);
      try {
        yield cell(cells, VALUE, 0, wakeBy(owner, deadline));
      } finally {
        Atomics.sub(cells, WAITERS, 1);
      }
      if (ownerGone(owner)) return false; // the child waited for has died
      if (tryTake(cells)) return true;
    }
  },
  release(cells: Int32Array, _owner: number, n: number): void {
    const bound = Atomics.load(cells, BOUND);
    for (let v = Atomics.load(cells, VALUE); bound >= 0; v = Atomics.load(cells, VALUE)) {
      if (v + n > bound) {
        throw new ProcessError("Cannot release BoundedSemaphore: released too many times");
      }
      if (Atomics.compareExchange(cells, VALUE, v, v + n) === v) break;
    }
    if (bound < 0) Atomics.add(cells, VALUE, n);
    if (Atomics.load(cells, WAITERS) > 0) Atomics.notify(cells, VALUE, n);
  },
  getValue: (cells: Int32Array): number => Atomics.load(cells, VALUE),
};

function initial(kind: string, value: number, bounded: boolean): Int32Array {
  const cells = newCells(3);
  cells[VALUE] = checkInteger(`create ${kind}`, "value", value);
  cells[BOUND] = bounded ? value : -1;
  return cells;
}

const SEMAPHORE = cellsKind("Semaphore", OPS);
const BOUNDED = cellsKind("BoundedSemaphore", OPS);

/**
 * A counter of free slots: `acquire()` takes one (waiting while there is
 * none), `release()` gives one back (Python's `multiprocessing.Semaphore`).
 * It works in both contexts as `Lock` does.
 *
 * @example
 * ```ts
 * import { Semaphore } from "./semaphore.ts";
 * const slots = new Semaphore(2);
 * await slots.acquire();
 * console.log(slots.getValue()); // 1
 * slots.release();
 * ```
 */
export class Semaphore extends SemLock {
  readonly #handle: Handle<Int32Array, typeof OPS>;

  /**
   * Create a semaphore with `value` free slots.
   *
   * @param value The initial number of free slots (default 1).
   * @throws {TypeError} When `value` is not a number.
   * @throws {RangeError} When `value` is not a non-negative integer.
   */
  constructor(value: number = 1) {
    super();
    const bounded = new.target === BoundedSemaphore;
    this.#handle = adopted() ??
      new Handle(bounded ? BOUNDED : SEMAPHORE, initial(new.target.name, value, bounded));
  }

  /**
   * Give back `n` slots (default 1), waking as many waiters.
   *
   * @param n How many (a positive integer).
   * @throws {RangeError} For a bad `n`.
   * @throws {ProcessError} For a `BoundedSemaphore` released above its initial value.
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * const s = new Semaphore(0);
   * s.release();
   * console.log(s.getValue()); // 1
   * ```
   */
  override release(n: number = 1): void {
    this.#handle.sync.release(checkInteger(`release ${this.constructor.name}`, "n", n, { min: 1 }));
  }

  /**
   * The number of free slots now.
   *
   * @returns The value.
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * console.log(new Semaphore(3).getValue()); // 3
   * ```
   */
  getValue(): number {
    return this.#handle.sync.getValue();
  }

  static {
    shareable(this, (semaphore) => semaphore.#handle);
    defineShared(SEMAPHORE, () => new Semaphore());
  }
}

/**
 * A `Semaphore` that may not be released above its initial value (Python's
 * `multiprocessing.BoundedSemaphore`): an extra `release()` throws.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "./semaphore.ts";
 * const s = new BoundedSemaphore(1);
 * try {
 *   s.release();
 * } catch (e) {
 *   console.log((e as Error).message); // ... released too many times
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  static {
    defineShared(BOUNDED, () => new BoundedSemaphore());
  }
}
