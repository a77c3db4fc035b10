/**
 * `Lock`: a non-recursive lock shared by threads and processes (Python's
 * `multiprocessing.Lock`).
 *
 * @module
 */
import type { AcquireOptions } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { adopted, cellsKind, defineShared, Handle, newCells, shareable } from "../share/handle.ts";
import { acquire, LOCK_CELLS, lockInternals, tryLock, unlock } from "../share/mutex.ts";
import { ownerId } from "../share/owner.ts";
import { SemLock } from "./sem_lock.ts";

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
export class Lock extends SemLock {
  readonly #handle: Handle<Int32Array, typeof OPS>;
  readonly #cells: Int32Array | undefined; // held here: the uncontended sync path uses only them

  /** Create an unlocked lock. */
  constructor() {
    super();
    this.#handle = adopted() ?? new Handle(LOCK, newCells(LOCK_CELLS));
    this.#cells = this.#handle.local;
  }

  /** {@inheritDoc SemLock.acquireSync} */
  override acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean {
    const cells = this.#cells;
    const free = cells !== undefined && block === undefined && timeout === undefined;
    return (free && tryLock(cells, 0, ownerId())) || super.acquireSync(block, timeout);
  }

  /** {@inheritDoc SemLock.release} */
  override release(): void {
    if (this.#cells === undefined || !unlock(this.#cells, 0)) super.release();
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
    return this.#handle.sync.locked();
  }

  static {
    shareable(this, (lock) => lock.#handle);
    defineShared(LOCK, () => new Lock());
  }
}
