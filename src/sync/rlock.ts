/**
 * `RLock`: a recursive lock shared by threads and processes (Python's
 * `multiprocessing.RLock`).
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

/** Cell of the recursion count, after the mutex's cells. */
const COUNT = MUTEX_CELLS;

let reviving: SharedArrayBuffer | Remote | undefined;

const NOT_HELD = "Cannot release RLock: it is not held by this thread or process";

function* acquireAs(cells: Int32Array, owner: number, ms: number): Algorithm<boolean> {
  if (Atomics.load(cells, 1) === owner && Atomics.load(cells, 0) !== 0) {
    cells[COUNT]++;
    return true;
  }
  const got = tryLock(cells, 0, owner) ||
    (ms !== 0 && (yield* lock(cells, 0, owner, deadlineAfter(ms))));
  if (got) Atomics.store(cells, COUNT, 1);
  return got;
}

function releaseAs(cells: Int32Array, owner: number): void {
  if (Atomics.load(cells, 0) === 0 || Atomics.load(cells, 1) !== owner) {
    throw new ProcessError(NOT_HELD);
  }
  const left = Atomics.sub(cells, COUNT, 1) - 1;
  if (left === 0) unlock(cells, 0);
}

/**
 * A recursive lock: the thread or process that holds it may acquire it again,
 * and must release it as many times; only the holder may release it (Python's
 * `multiprocessing.RLock`). All async code of one thread counts as one holder.
 *
 * In the process context the parent process holds it; a child process calls
 * it over IPC (async forms) or over a synchronous local-socket channel (the
 * blocking forms and synchronous queries), so every method works there too,
 * at the cost of a round trip to the parent.
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
  readonly #cells: Int32Array | undefined;
  readonly #remote: Remote | undefined;
  /** In a child-process proxy: how many times this process holds it. */
  #heldHere = 0;

  /** Create an unlocked recursive lock. */
  constructor() {
    const from = reviving;
    reviving = undefined;
    if (from === undefined || from instanceof SharedArrayBuffer) {
      this.#cells = new Int32Array(from ?? new SharedArrayBuffer((MUTEX_CELLS + 1) * 4));
    } else {
      this.#remote = from;
    }
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
    const ms = acquireTimeout("acquire RLock", block, timeout);
    if (this.#remote !== undefined) {
      return (this.#remote.call("acquire", ms) as Promise<boolean>).then((got) => {
        if (got) this.#heldHere++;
        return got;
      });
    }
    return runAsync(acquireAs(this.#cells!, ownerId(), ms));
  }

  /**
   * Acquire the lock, blocking the thread (for worker code).
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
    const ms = acquireTimeout("acquire RLock", block, timeout);
    if (this.#remote !== undefined) {
      const got = this.#remote.callSync("acquire", ms) as boolean;
      if (got) this.#heldHere++;
      return got;
    }
    return runSync(acquireAs(this.#cells!, ownerId(), ms), "RLock.acquireSync()");
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
    if (this.#remote === undefined) return releaseAs(this.#cells!, ownerId());
    if (this.#heldHere === 0) throw new ProcessError(NOT_HELD);
    this.#heldHere--;
    this.#remote.callSync("release");
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
    if (this.#remote !== undefined) return this.#remote.callSync("locked") as boolean;
    return Atomics.load(this.#cells!, 0) !== 0;
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
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: RLock, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    return marker(this, context, {
      tag: "RLock",
      cells: this.#cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      methods: () => this.#rpcMethods(),
    });
  }

  static {
    Object.defineProperty(this.prototype, LOCK_INTERNALS, {
      value(this: RLock): LockInternals | undefined {
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
        const count = Atomics.exchange(cells, COUNT, 0);
        unlock(cells, 0);
        return count;
      },
      acquireRestore: function* (owner, saved) {
        yield* lock(cells, 0, owner, Infinity);
        Atomics.store(cells, COUNT, saved);
        return true;
      },
      acquireAs: (owner, ms) => acquireAs(cells, owner, ms),
      releaseAs: (owner) => releaseAs(cells, owner),
    };
  }

  #rpcMethods(): RpcTarget {
    const cells = this.#cells!;
    return {
      acquire: (owner, ms) => runAsync(acquireAs(cells, owner as number, ms as number), false),
      release: (owner) => releaseAs(cells, owner as number),
      locked: () => this.locked(),
    };
  }
}

registerPrimitive(
  "RLock",
  (cells) => {
    reviving = cells as SharedArrayBuffer;
    return new RLock();
  },
  (remote) => {
    reviving = remote;
    return new RLock();
  },
);
