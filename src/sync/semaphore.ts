/**
 * `Semaphore` and `BoundedSemaphore`, shared by threads and processes
 * (Python's `multiprocessing.Semaphore` / `BoundedSemaphore`).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import type { Context } from "../runtime/types.ts";
import type { RpcTarget } from "../transport/rpc.ts";
import { SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { type AcquireOptions, acquireTimeout, deadlineAfter, describe } from "./_args.ts";
import { type Algorithm, cell, runAsync, runSync } from "../share/drive.ts";
import { ownerGone, wakeBy } from "../share/liveness.ts";
import { ownerId } from "../share/owner.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";

/** Cells: the value, the number of sleeping waiters, the bound (-1: none). */
const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;
const CELLS = 3;

let reviving: SharedArrayBuffer | Remote | undefined;

function tryTake(cells: Int32Array): boolean {
  for (;;) {
    const v = Atomics.load(cells, VALUE);
    if (v <= 0) return false;
    if (Atomics.compareExchange(cells, VALUE, v, v - 1) === v) return true;
  }
}

function* take(cells: Int32Array, ms: number, owner: number): Algorithm<boolean> {
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
}

function give(cells: Int32Array, n: number, what: string): void {
  const bound = Atomics.load(cells, BOUND);
  if (bound < 0) {
    Atomics.add(cells, VALUE, n);
  } else {
    for (;;) {
      const v = Atomics.load(cells, VALUE);
      if (v + n > bound) throw new ProcessError(`Cannot ${what}: released too many times`);
      if (Atomics.compareExchange(cells, VALUE, v, v + n) === v) break;
    }
  }
  if (Atomics.load(cells, WAITERS) > 0) Atomics.notify(cells, VALUE, n);
}

function checkCount(what: string, name: string, n: unknown, min: number): number {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`Cannot ${what}: '${name}' must be an integer, received ${describe(n)}`);
  }
  if (n < min || n > 2 ** 31 - 1) {
    throw new RangeError(
      `Cannot ${what}: '${name}' must be an integer from ${min} to 2147483647, received ${n}`,
    );
  }
  return n;
}

/**
 * A counter of free slots: `acquire()` takes one (waiting while there is
 * none), `release()` gives one back (Python's `multiprocessing.Semaphore`).
 * Pass it to pool tasks and `Process` targets; it is the same semaphore there.
 *
 * In the process context the parent process holds it; a child process calls
 * it over IPC (async forms) or over a synchronous local-socket channel (the
 * blocking forms and synchronous queries), so every method works there too,
 * at the cost of a round trip to the parent.
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
export class Semaphore {
  readonly #cells: Int32Array | undefined;
  readonly #remote: Remote | undefined;

  /**
   * Create a semaphore with `value` free slots.
   *
   * @param value The initial number of free slots (default 1).
   * @throws {TypeError} When `value` is not an integer.
   * @throws {RangeError} When `value` is negative.
   */
  constructor(value: number = 1) {
    const from = reviving;
    reviving = undefined;
    if (from instanceof SharedArrayBuffer) {
      this.#cells = new Int32Array(from);
    } else if (from !== undefined) {
      this.#remote = from;
    } else {
      const kind = new.target === BoundedSemaphore ? "BoundedSemaphore" : "Semaphore";
      checkCount(`create ${kind}`, "value", value, 0);
      this.#cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
      this.#cells[VALUE] = value;
      this.#cells[BOUND] = this instanceof BoundedSemaphore ? value : -1;
    }
  }

  /**
   * Take a slot (Python's `acquire(block=True, timeout=None)`).
   *
   * @param block `false` to return at once when there is none, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether a slot was taken.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * const s = new Semaphore(1);
   * console.log(await s.acquire(), await s.acquire(false)); // true false
   * ```
   */
  acquire(block?: boolean | AcquireOptions, timeout?: number | null): Promise<boolean> {
    const ms = acquireTimeout("acquire semaphore", block, timeout);
    if (this.#remote !== undefined) return this.#remote.call("acquire", ms) as Promise<boolean>;
    if (tryTake(this.#cells!)) return Promise.resolve(true);
    return runAsync(take(this.#cells!, ms, ownerId()));
  }

  /**
   * Take a slot, blocking the thread (for worker code).
   *
   * @param block `false` to return at once when there is none, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether a slot was taken.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * console.log(new Semaphore(0).acquireSync(true, 10)); // false
   * ```
   */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    const ms = acquireTimeout("acquire semaphore", block, timeout);
    if (this.#remote !== undefined) return this.#remote.callSync("acquire", ms) as boolean;
    return runSync(take(this.#cells!, ms, ownerId()), `${this.constructor.name}.acquireSync()`);
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
  release(n: number = 1): void {
    const what = `release ${this.constructor.name}`;
    checkCount(what, "n", n, 1);
    if (this.#remote !== undefined) return void this.#remote.callSync("release", n);
    give(this.#cells!, n, what);
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
    if (this.#remote !== undefined) return this.#remote.callSync("getValue") as number;
    return Atomics.load(this.#cells!, VALUE);
  }

  /**
   * Give the slot back at the end of a `using` block.
   *
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * const s = new Semaphore();
   * await s.acquire();
   * s[Symbol.dispose]();
   * ```
   */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Give the slot back at the end of an `await using` block.
   *
   * @returns A resolved promise.
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * const s = new Semaphore();
   * await s.acquire();
   * await s[Symbol.asyncDispose]();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  static {
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Semaphore, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    const cells = this.#cells;
    return marker(this, context, {
      tag: this instanceof BoundedSemaphore ? "BoundedSemaphore" : "Semaphore",
      cells: cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      methods: (): RpcTarget => ({
        acquire: (owner, ms) => runAsync(take(cells!, ms as number, owner as number), false),
        release: (_owner, n) => this.release(n as number),
        getValue: () => this.getValue(),
      }),
    });
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
export class BoundedSemaphore extends Semaphore {}

for (const Class of [Semaphore, BoundedSemaphore]) {
  registerPrimitive(
    Class.name,
    (cells) => {
      reviving = cells as SharedArrayBuffer;
      return new Class();
    },
    (remote) => {
      reviving = remote;
      return new Class();
    },
  );
}
