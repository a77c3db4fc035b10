/**
 * `SemLock`: what `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore` and
 * `Condition` have in common (Python's `multiprocessing.synchronize.SemLock`).
 *
 * @module
 */
import { type AcquireOptions, checkBlockTimeout } from "../args.ts";
import { handleOf } from "../share/handle.ts";

/** What a lock-like class's handle offers, in both forms. */
interface LockOps<R> {
  acquire(ms: number): R;
  release(): void;
}

/** The wait `(block, timeout)` asks for (checked; the message names the class). */
function waitOf(object: SemLock, block: unknown, timeout: unknown): number {
  if (block === undefined && timeout === undefined) return Infinity; // no check on the hot path
  return checkBlockTimeout(`acquire ${object.constructor.name}`, block, timeout);
}

/**
 * The base of the lock-like primitives (Python's `SemLock`, the base of its
 * `Lock`, `RLock`, `Semaphore` and `BoundedSemaphore`; here `Condition`, whose
 * `acquire()`/`release()` are its lock's, shares it too). It is not made
 * directly: use a subclass. Every method works in the main thread, in pool
 * workers and in `Process` targets, in both contexts.
 *
 * @example
 * ```ts
 * import { SemLock } from "./sem_lock.ts";
 * import { Lock } from "./lock.ts";
 * const lock: SemLock = new Lock();
 * await lock.acquire();
 * lock.release();
 * ```
 */
export abstract class SemLock {
  // The subclass's handle's runners, found once (a lock is taken in hot loops).
  #sync: LockOps<boolean> | undefined;
  #async: LockOps<Promise<boolean>> | undefined;

  /**
   * Acquire (Python's `acquire(block=True, timeout=None)`): wait until it is
   * free, or at most `timeout` ms.
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether it was acquired.
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
    const ms = waitOf(this, block, timeout);
    return (this.#async ??= handleOf(this)!.async as unknown as LockOps<Promise<boolean>>)
      .acquire(ms);
  }

  /**
   * `acquire()` blocking the thread (for worker code).
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether it was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { Semaphore } from "./semaphore.ts";
   * const slots = new Semaphore(1);
   * console.log(slots.acquireSync(true, 100)); // true
   * slots.release();
   * ```
   */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    return (this.#sync ??= handleOf(this)!.sync as unknown as LockOps<boolean>)
      .acquire(waitOf(this, block, timeout));
  }

  /**
   * Release (once, for an `RLock`).
   *
   * @throws {ProcessError} When it is not held (by this holder, for an `RLock` or a
   *   `Condition` over one), or a `BoundedSemaphore` is released too often.
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
   * await lock.acquire();
   * lock.release();
   * ```
   */
  release(): void {
    (this.#sync ??= handleOf(this)!.sync as unknown as LockOps<boolean>).release();
  }

  /**
   * Release at the end of a `using` block (`with lock:` in Python):
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
   * Release at the end of an `await using` block.
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
}
