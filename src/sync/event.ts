/**
 * `Event`: a flag threads and processes wait for (Python's
 * `multiprocessing.Event`).
 *
 * @module
 */
import { checkWaitTimeout, deadlineAfter, type TimeoutArg } from "../args.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { ownerGone, wakeBy } from "../share/owner.ts";

/** The event's operations, on its one cell (the flag). */
const OPS = {
  isSet: (cells: Int32Array): boolean => Atomics.load(cells, 0) === 1,
  set(cells: Int32Array): void {
    Atomics.store(cells, 0, 1);
    Atomics.notify(cells, 0);
  },
  clear: (cells: Int32Array): void => void Atomics.store(cells, 0, 0),
  *wait(cells: Int32Array, owner: number, ms: number): Algorithm<boolean> {
    const deadline = deadlineAfter(ms);
    while (Atomics.load(cells, 0) === 0) {
      if (performance.now() >= deadline || ownerGone(owner)) return false;
      yield cell(cells, 0, 0, wakeBy(owner, deadline));
    }
    return true;
  },
};

const EVENT = cellsKind("Event", OPS);

/**
 * A flag, initially false: `set()` makes it true and wakes every waiter,
 * `clear()` makes it false again, `wait()` waits until it is true (Python's
 * `multiprocessing.Event`). It works in both contexts as `Lock` does.
 *
 * @example
 * ```ts
 * import { Event } from "./event.ts";
 * const ready = new Event();
 * setTimeout(() => ready.set(), 10);
 * console.log(await ready.wait()); // true
 * ```
 */
export class Event {
  readonly #handle: Handle<Int32Array, typeof OPS>;

  /** Create an event whose flag is false. */
  constructor() {
    this.#handle = adopted() ?? new Handle(EVENT, newCells(1));
  }

  /**
   * Whether the flag is true.
   *
   * @returns The flag.
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(new Event().isSet()); // false
   * ```
   */
  isSet(): boolean {
    return this.#handle.sync.isSet();
  }

  /**
   * Make the flag true and wake every waiter.
   *
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * const e = new Event();
   * e.set();
   * console.log(e.isSet()); // true
   * ```
   */
  set(): void {
    this.#handle.sync.set();
  }

  /**
   * Make the flag false.
   *
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * const e = new Event();
   * e.set();
   * e.clear();
   * console.log(e.isSet()); // false
   * ```
   */
  clear(): void {
    this.#handle.sync.clear();
  }

  /**
   * Wait until the flag is true.
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (`null`/`undefined`: forever;
   *   negative counts as 0).
   * @returns The flag when the wait ended: false only when the time ran out.
   * @throws {TypeError} For a bad timeout.
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(await new Event().wait(10)); // false
   * ```
   */
  wait(timeout?: TimeoutArg): Promise<boolean> {
    return this.#handle.async.wait(checkWaitTimeout("wait for event", timeout));
  }

  /**
   * `wait()` blocking the thread (for worker code).
   *
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns The flag when the wait ended: false only when the time ran out.
   * @throws {TypeError} For a bad timeout.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(new Event().waitSync(10)); // false
   * ```
   */
  waitSync(timeout?: TimeoutArg): boolean {
    return this.#handle.sync.wait(checkWaitTimeout("wait for event", timeout));
  }

  static {
    shareable(this, (event) => event.#handle);
    defineShared(EVENT, () => new Event());
  }
}
