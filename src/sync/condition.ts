/**
 * `Condition`: wait for a notification while holding a lock (Python's
 * `multiprocessing.Condition`).
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import type { RpcTarget } from "../transport/rpc.ts";
import {
  decodeShared,
  encodeShared,
  SHAREABLE,
  type SharedMarker,
} from "../transport/shareable.ts";
import {
  type AcquireOptions,
  acquireTimeout,
  deadlineAfter,
  describe,
  type TimeoutArg,
  waitTimeout,
} from "./_args.ts";
import { CELLS, checkN, checkPredicate, notifyAs, waitAs, waitForAs } from "./_condition.ts";
import { runAsync, runSync } from "../share/drive.ts";
import { LOCK_INTERNALS, type LockInternals } from "../share/mutex.ts";
import { ownerId } from "../share/owner.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";
import type { Lock } from "./lock.ts";
import { RLock } from "./rlock.ts";

let reviving: { cells: SharedArrayBuffer; lock: Lock | RLock } | Remote | undefined;

/**
 * A condition variable: holding its lock, `wait()` releases the lock until
 * another holder calls `notify()`, then takes it back (Python's
 * `multiprocessing.Condition`). The lock is an `RLock` unless one is given;
 * as an `RLock` counts all async code of one thread as one holder, give it a
 * `Lock` when several async tasks of one thread wait on the same condition.
 * Pass it to pool tasks and `Process` targets; it is the same condition there.
 *
 * In the process context the parent process holds it; a child process calls
 * it over IPC (async forms) or over a synchronous local-socket channel (the
 * blocking forms and synchronous queries), so every method works there too,
 * at the cost of a round trip to the parent.
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
export class Condition {
  readonly #cells: Int32Array | undefined;
  readonly #lock: Lock | RLock | undefined;
  readonly #internals: LockInternals | undefined;
  readonly #remote: Remote | undefined;

  /**
   * Create a condition variable over `lock`.
   *
   * @param lock The lock to use (a `Lock` or an `RLock`; default: a new `RLock`).
   * @throws {TypeError} When `lock` is not a `Lock` or `RLock` of this library made in this
   *   process.
   */
  constructor(lock?: Lock | RLock) {
    const from = reviving;
    reviving = undefined;
    if (from !== undefined && !(from as { cells?: unknown }).cells) {
      this.#remote = from as Remote;
      return;
    }
    const given = from !== undefined ? (from as { lock: Lock | RLock }).lock : lock ?? new RLock();
    const internals =
      typeof (given as { [LOCK_INTERNALS]?: unknown })?.[LOCK_INTERNALS] === "function"
        ? (given as unknown as { [LOCK_INTERNALS](): LockInternals | undefined })[LOCK_INTERNALS]()
        : undefined;
    if (internals === undefined) {
      throw new TypeError(
        "Cannot create Condition: 'lock' must be a Lock or RLock created in this process " +
          `(or in its parent's threads), received ${describe(lock)}`,
      );
    }
    this.#lock = given;
    this.#internals = internals;
    this.#cells = new Int32Array(
      from !== undefined
        ? (from as { cells: SharedArrayBuffer }).cells
        : new SharedArrayBuffer(CELLS * 4),
    );
  }

  /**
   * Acquire the underlying lock.
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @throws {TypeError} For a bad `block` or `timeout`.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * console.log(await cond.acquire()); // true
   * cond.release();
   * ```
   */
  acquire(block?: boolean | AcquireOptions, timeout?: number | null): Promise<boolean> {
    if (this.#remote !== undefined) {
      const ms = acquireTimeout("acquire Condition", block, timeout);
      return this.#remote.call("acquire", ms) as Promise<boolean>;
    }
    return this.#lock!.acquire(block, timeout);
  }

  /**
   * Acquire the underlying lock, blocking the thread (for worker code).
   *
   * @param block `false` to return at once when it is taken, or `{ block, timeout }`.
   * @param timeout Longest wait in ms (`null`/`undefined`: forever; negative counts as 0).
   * @returns Whether the lock was acquired.
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * console.log(cond.acquireSync()); // true
   * cond.release();
   * ```
   */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    if (this.#remote !== undefined) {
      const ms = acquireTimeout("acquire Condition", block, timeout);
      return this.#remote.callSync("acquire", ms) as boolean;
    }
    return this.#lock!.acquireSync(block, timeout);
  }

  /**
   * Release the underlying lock.
   *
   * @throws {ProcessError} When it is not held (by this holder, for an `RLock`).
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * cond.release();
   * ```
   */
  release(): void {
    if (this.#remote !== undefined) return void this.#remote.callSync("release");
    this.#lock!.release();
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
    const ms = waitTimeout("wait on Condition", timeout);
    if (this.#remote !== undefined) return this.#remote.call("wait", ms) as Promise<boolean>;
    return runAsync(waitAs(this.#cells!, this.#internals!, ownerId(), ms));
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
    const ms = waitTimeout("wait on Condition", timeout);
    if (this.#remote !== undefined) return this.#remote.callSync("wait", ms) as boolean;
    return runSync(waitAs(this.#cells!, this.#internals!, ownerId(), ms), "Condition.waitSync()");
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
    const ms = waitTimeout("wait on Condition", timeout);
    checkPredicate(predicate);
    if (this.#remote === undefined) {
      return await runAsync(
        waitForAs(this.#cells!, this.#internals!, ownerId(), predicate, ms),
      ) as T;
    }
    const deadline = deadlineAfter(ms);
    let result = await predicate();
    while (!result) {
      const left = deadline === Infinity ? Infinity : deadline - performance.now();
      if (left <= 0) break;
      await this.#remote.call("wait", left);
      result = await predicate();
    }
    return result;
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
    const ms = waitTimeout("wait on Condition", timeout);
    checkPredicate(predicate);
    if (this.#remote !== undefined) return this.#waitForRemoteSync(predicate, ms);
    const algorithm = waitForAs(this.#cells!, this.#internals!, ownerId(), predicate, ms);
    return runSync(algorithm, "Condition.waitForSync()") as T;
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
    checkN(n);
    if (this.#remote !== undefined) return void this.#remote.callSync("notify", n);
    notifyAs(this.#cells!, this.#internals!, ownerId(), n);
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
    this.notify(Infinity);
  }

  /**
   * Release the lock at the end of a `using` block.
   *
   * @example
   * ```ts
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * cond[Symbol.dispose]();
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
   * import { Condition } from "./condition.ts";
   * const cond = new Condition();
   * await cond.acquire();
   * await cond[Symbol.asyncDispose]();
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
      value(this: Condition, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    return marker(this, context, {
      tag: "Condition",
      cells: this.#cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      methods: () => this.#rpcMethods(),
      extra: context === "thread" && this.#lock !== undefined
        ? encodeShared(this.#lock, "thread")
        : undefined,
    });
  }

  #waitForRemoteSync<T>(predicate: () => T, ms: number): T {
    const check = (): T => {
      const result = predicate();
      if (result instanceof Promise) {
        result.catch(() => {});
        throw new TypeError(
          "Cannot run Condition.waitForSync(): the predicate returned a promise, which a " +
            "blocking call cannot await; use waitFor()",
        );
      }
      return result;
    };
    const deadline = deadlineAfter(ms);
    let result = check();
    while (!result) {
      const left = deadline === Infinity ? Infinity : deadline - performance.now();
      if (left <= 0) break;
      this.#remote!.callSync("wait", left);
      result = check();
    }
    return result;
  }

  #rpcMethods(): RpcTarget {
    const cells = this.#cells!;
    const lock = this.#internals!;
    return {
      acquire: (owner, ms) => runAsync(lock.acquireAs(owner as number, ms as number), false),
      release: (owner) => lock.releaseAs(owner as number),
      wait: (owner, ms) => runAsync(waitAs(cells, lock, owner as number, ms as number), false),
      notify: (owner, n) => notifyAs(cells, lock, owner as number, n as number),
    };
  }
}

registerPrimitive(
  "Condition",
  (cells, extra) => {
    reviving = { cells: cells as SharedArrayBuffer, lock: decodeShared(extra) as Lock | RLock };
    return new Condition();
  },
  (remote) => {
    reviving = remote;
    return new Condition();
  },
);
