/**
 * `Lock`: a non-recursive lock shared by threads and processes (Python's
 * `multiprocessing.Lock`).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import type { Context } from "../runtime/types.ts";
import type { RpcTarget } from "../transport/rpc.ts";
import { SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { type AcquireOptions, acquireTimeout, deadlineAfter } from "./_args.ts";
import { type Algorithm, runAsync, runSync } from "../share/drive.ts";
import {
  lock,
  LOCK_INTERNALS,
  type LockInternals,
  MUTEX_CELLS,
  tryLock,
  unlock,
} from "../share/mutex.ts";
import { ownerId } from "../share/owner.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";

let reviving: SharedArrayBuffer | Remote | undefined;

function* acquireAs(cells: Int32Array, owner: number, ms: number): Algorithm<boolean> {
  if (tryLock(cells, 0, owner)) return true;
  if (ms === 0) return false;
  return yield* lock(cells, 0, owner, deadlineAfter(ms));
}

/**
 * A lock: once acquired, others block until it is released; any thread or
 * process may release it (Python's `multiprocessing.Lock`). Pass it to pool
 * tasks and `Process` targets; it is the same lock there.
 *
 * In the thread context it is a futex on a `SharedArrayBuffer`
 * (`Atomics.wait`/`Atomics.waitAsync`).
 * In the process context the parent process holds it; a child process calls
 * it over IPC (async forms) or over a synchronous local-socket channel (the
 * blocking forms and synchronous queries), so every method works there too,
 * at the cost of a round trip to the parent. The parent serves these calls on
 * its event loop: in the parent, use the async forms (a parent blocked in
 * `acquireSync()` can't serve the child that would release the lock).
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
  readonly #cells: Int32Array | undefined;
  readonly #remote: Remote | undefined;

  /** Create an unlocked lock. */
  constructor() {
    const from = reviving;
    reviving = undefined;
    if (from === undefined || from instanceof SharedArrayBuffer) {
      this.#cells = new Int32Array(from ?? new SharedArrayBuffer(MUTEX_CELLS * 4));
    } else {
      this.#remote = from;
    }
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
    const ms = acquireTimeout("acquire lock", block, timeout);
    if (this.#remote !== undefined) {
      return this.#remote.call("acquire", ms) as Promise<boolean>;
    }
    const owner = ownerId();
    if (tryLock(this.#cells!, 0, owner)) return Promise.resolve(true);
    if (ms === 0) return Promise.resolve(false);
    return runAsync(lock(this.#cells!, 0, owner, deadlineAfter(ms)));
  }

  /**
   * Acquire the lock, blocking the thread (for worker code).
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
    const ms = acquireTimeout("acquire lock", block, timeout);
    if (this.#remote !== undefined) return this.#remote.callSync("acquire", ms) as boolean;
    const owner = ownerId();
    if (tryLock(this.#cells!, 0, owner)) return true;
    if (ms === 0) return false;
    return runSync(lock(this.#cells!, 0, owner, deadlineAfter(ms)), "Lock.acquireSync()");
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
    if (this.#remote !== undefined) return void this.#remote.callSync("release");
    if (!unlock(this.#cells!, 0)) {
      throw new ProcessError("Cannot release lock: it is not locked");
    }
  }

  /**
   * Whether the lock is held by anyone.
   *
   * @returns True while it is held.
   * @example
   * ```ts
   * import { Lock } from "./lock.ts";
   * const lock = new Lock();
   * console.log(lock.locked()); // false
   * ```
   */
  locked(): boolean {
    if (this.#remote !== undefined) return this.#remote.callSync("locked") as boolean;
    return Atomics.load(this.#cells!, 0) !== 0;
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
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Lock, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    return marker(this, context, {
      tag: "Lock",
      cells: this.#cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      methods: () => this.#rpcMethods(),
    });
  }

  static {
    Object.defineProperty(this.prototype, LOCK_INTERNALS, {
      value(this: Lock): LockInternals | undefined {
        return this.#lockInternals();
      },
    });
  }

  /** What a `Condition` needs (undefined for a child-process proxy). */
  #lockInternals(): LockInternals | undefined {
    const cells = this.#cells;
    if (cells === undefined) return undefined;
    return {
      isOwned: (owner) => Atomics.load(cells, 0) !== 0 && Atomics.load(cells, 1) === owner,
      releaseSave: () => {
        unlock(cells, 0);
        return 1;
      },
      acquireRestore: (owner) => lock(cells, 0, owner, Infinity),
      acquireAs: (owner, ms) => acquireAs(cells, owner, ms),
      releaseAs: () => this.release(),
    };
  }

  #rpcMethods(): RpcTarget {
    const cells = this.#cells!;
    return {
      acquire: (owner, ms) => runAsync(acquireAs(cells, owner as number, ms as number), false),
      release: () => this.release(),
      locked: () => this.locked(),
    };
  }
}

registerPrimitive(
  "Lock",
  (cells) => {
    reviving = cells;
    return new Lock();
  },
  (remote) => {
    reviving = remote;
    return new Lock();
  },
);
