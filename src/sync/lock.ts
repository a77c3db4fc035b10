/**
 * `Lock`: a non-recursive lock shared by threads and processes (Python's
 * `multiprocessing.Lock`).
 *
 * @module
 */
import { type AcquireOptions, checkBlockTimeout } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { acquire, LOCK_CELLS, lockInternals, unlock } from "../share/mutex.ts";

/** The lock's operations, for its own thread, its threads and its child processes alike. */
const OPS = {
  acquire: (cells: Int32Array, owner: number, ms: number) => acquire(cells, 0, owner, ms),
  release(cells: Int32Array): void {
    if (!unlock(cells, 0)) throw new ProcessError("Cannot release lock: it is not locked");
  },
  locked: (cells: Int32Array): boolean => Atomics.load(cells, 0) !== 0,
};

const LOCK = cellsKind("Lock", OPS, (cells) => lockInternals(cells, OPS));

/**
 * A lock: once acquired, others block until it is released; any thread or
 * process may release it (Python's `multiprocessing.Lock`). Pass it to pool
 * tasks and `Process` targets, and on from there to their own workers; it is
 * the same lock everywhere.
 *
 * In the thread context it is a futex on a `SharedArrayBuffer`
 * (`Atomics.wait`/`Atomics.waitAsync`). In the process context the parent
 * process holds it, and a child process's calls are round trips to the
 * parent: over IPC for the async forms, over a synchronous local-socket
 * channel for the blocking forms and queries. The parent serves them on its
 * event loop, so in the parent use the async forms (a parent blocked in
 * `acquireSync()` can't serve the child that would release the lock). The
 * other primitives, `Value` and `SharedArray` work the same way.
 *
 * The lock records which thread or process holds it. A worker (thread or
 * child process) that ends holding it can't release it: a waiter notices
 * within about 100 ms and releases it, as the OS releases a dead process's
 * file locks (Python would leave it locked). A thread that is only busy is
 * never taken for dead before hours of probes (see `src/share/owner.ts`).
 *
 * @example
 * ```ts
 * import { Lock } from "./lock.ts";
 * const lock = new Lock();
 * await lock.acquire();
 * try {
 *   console.log("only one at a time");
 * } finally {
 *   lock.release();
 * }
 * ```
 */
export class Lock {
  readonly #handle: Handle<Int32Array, typeof OPS>;

  /** Create an unlocked lock. */
  constructor() {
    this.#handle = adopted() ?? Handle.local(LOCK, newCells(LOCK_CELLS));
  }

  /**
   * Acquire the lock (Python's `acquire(block=True, timeout=None)`).
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
   * console.log(await lock.acquire(false)); // true
   * console.log(await lock.acquire({ timeout: 10 })); // false: already held
   * ```
   */
  acquire(block?: boolean | AcquireOptions, timeout?: number | null): Promise<boolean> {
    return this.#handle.run("acquire", checkBlockTimeout("acquire lock", block, timeout));
  }

  /**
   * `acquire()` blocking the thread (for worker code).
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
   * console.log(lock.acquireSync(true, 100)); // true
   * lock.release();
   * ```
   */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    return this.#handle.runSync("acquire", checkBlockTimeout("acquire lock", block, timeout));
  }

  /**
   * Release the lock. Any thread or process may release it.
   *
   * @throws {ProcessError} When it is not locked.
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
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
   * import { Lock } from "./lock.ts";
   * console.log(new Lock().locked()); // false
   * ```
   */
  locked(): boolean {
    return this.#handle.runSync("locked");
  }

  /**
   * Release the lock at the end of a `using` block (`with lock:` in Python):
   * `await lock.acquire(); using _ = lock;`.
   *
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
   * await lock.acquire();
   * lock[Symbol.dispose]();
   * ```
   */
  [Symbol.dispose](): void {
    this.release();
  }

  /**
   * Release the lock at the end of an `await using` block.
   *
   * @returns A resolved promise.
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
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
    defineShared(LOCK, () => new Lock());
  }
}
