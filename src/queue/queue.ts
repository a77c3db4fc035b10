/**
 * `Queue`: Python's `multiprocessing.Queue`, a FIFO shared by the main
 * thread, pool workers and `Process` targets in either context.
 *
 * @module
 */
import { type BlockOptions, checkBlockTimeout, checkBoolean, checkInteger } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { adopted, defineShared, Handle, shareable } from "../share/handle.ts";
import { Channel } from "./_channel.ts";
import { checkPut, encodeValue, takeItem } from "./_items.ts";
import {
  JOINABLE_QUEUE,
  KIND,
  QUEUE,
  type QueueHandle,
  type QueueKind,
  type QueueOps,
} from "./_ops.ts";

export type { BlockOptions } from "../args.ts";

/**
 * A first-in first-out queue that any worker can put on and get from
 * (Python's `multiprocessing.Queue`). Values are copied by the structured
 * clone algorithm when put; a value that cannot be cloned fails `put()` at
 * once. Pass the queue to pool tasks or `Process` targets (also nested in
 * arrays or objects); the other side gets a working `Queue` on the same items.
 *
 * In the thread context the items live in shared memory (a growable
 * `SharedArrayBuffer` ring) that every thread works on directly. In the
 * process context the creating process owns them and serves its children's
 * calls, as for `Lock` (await an async call before a synchronous one that
 * must see its effect). A child that dies while waiting takes no item.
 *
 * `close()` affects only this handle (as in Python, per process).
 *
 * @typeParam T The type of the items.
 * @example
 * ```ts
 * import { Queue } from "./queue.ts";
 * const q = new Queue<number>();
 * await q.put(1);
 * console.log(await q.get()); // 1
 * ```
 */
export class Queue<T = unknown> {
  readonly #handle: QueueHandle;
  readonly #maxsize: number;
  readonly #name: string;
  #closed = false;

  /**
   * Create an empty queue.
   *
   * @param maxsize Most items held at once; 0 (the default) for no bound.
   * @throws {TypeError} When `maxsize` is not a number.
   * @throws {RangeError} When `maxsize` is negative or not an integer.
   */
  constructor(maxsize: number = 0) {
    const handle = adopted<Channel, QueueOps>();
    const kind = (new.target as unknown as { [KIND]: QueueKind })[KIND];
    this.#name = kind.tag;
    this.#maxsize = checkInteger(`create ${kind.tag}`, "maxsize", maxsize, {
      hint: "(0 for no bound)",
    });
    this.#handle = handle ??
      new Handle(kind, Channel.create(this.#maxsize, kind === JOINABLE_QUEUE));
  }

  /** The bound given at creation (0: none). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * Put an item, waiting for room when the queue is full.
   *
   * @param obj The item (copied).
   * @param block Wait for room (default true); false fails at once when full.
   * @param timeout Most milliseconds to wait; null/undefined waits forever; negative counts as 0.
   * @returns Resolves once the item is in the queue.
   * @throws {Full} (rejects) When no room came in time, or at once with `block` false.
   * @throws {ShutDown} (rejects) When the queue was shut down.
   * @throws {TypeError} When the item cannot be cloned, or an argument has the wrong type.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue(1);
   * await q.put("a");
   * await q.put("b", { timeout: 10 }).catch((e) => console.log(e.name)); // Full
   * ```
   */
  async put(obj: T, block?: boolean | BlockOptions, timeout?: number | null): Promise<void> {
    const ms = this.#wait("put()", block, timeout);
    checkPut(await this.#handle.async.put(encodeValue(`${this.#name}.put()`, obj), ms));
  }

  /**
   * `put()` that blocks the thread while waiting (for worker code).
   *
   * @param obj The item (copied).
   * @param block Wait for room (default true).
   * @param timeout Most milliseconds to wait; null/undefined waits forever.
   * @throws {Full} When no room came in time.
   * @throws {TypeError} When the item cannot be cloned.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue<number>();
   * q.putSync(1);
   * console.log(q.getSync()); // 1
   * ```
   */
  putSync(obj: T, block?: boolean | BlockOptions, timeout?: number | null): void {
    const ms = this.#wait("putSync()", block, timeout);
    checkPut(this.#handle.sync.put(encodeValue(`${this.#name}.putSync()`, obj), ms));
  }

  /**
   * `put(obj, false)`: put only if there is room now.
   *
   * @param obj The item (copied).
   * @returns Resolves once the item is in the queue.
   * @throws {Full} (rejects) When the queue is full.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue<number>(1);
   * await q.putNowait(1);
   * ```
   */
  putNowait(obj: T): Promise<void> {
    return this.put(obj, false);
  }

  /**
   * Take the oldest item, waiting for one when the queue is empty.
   *
   * @param block Wait for an item (default true); false fails at once when empty.
   * @param timeout Most milliseconds to wait; null/undefined waits forever; negative counts as 0.
   * @returns The item.
   * @throws {Empty} (rejects) When no item came in time, or at once with `block` false.
   * @throws {ShutDown} (rejects) When the queue was shut down and is empty.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * await q.get({ timeout: 10 }).catch((e) => console.log(e.name)); // Empty
   * ```
   */
  async get(block?: boolean | BlockOptions, timeout?: number | null): Promise<T> {
    const ms = this.#wait("get()", block, timeout);
    return takeItem<T>(await this.#handle.async.get(ms));
  }

  /**
   * `get()` that blocks the thread while waiting (for worker code).
   *
   * @param block Wait for an item (default true).
   * @param timeout Most milliseconds to wait; null/undefined waits forever.
   * @returns The item.
   * @throws {Empty} When no item came in time.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue<string>();
   * q.putSync("x");
   * console.log(q.getSync(true, 100)); // "x"
   * ```
   */
  getSync(block?: boolean | BlockOptions, timeout?: number | null): T {
    return takeItem<T>(this.#handle.sync.get(this.#wait("getSync()", block, timeout)));
  }

  /**
   * `get(false)`: take an item only if one is there now.
   *
   * @returns The item.
   * @throws {Empty} (rejects) When the queue is empty.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * await q.getNowait().catch((e) => console.log(e.name)); // Empty
   * ```
   */
  getNowait(): Promise<T> {
    return this.get(false);
  }

  /**
   * The number of items in the queue (a snapshot: other workers may change it at once).
   *
   * @returns The count.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * await q.put(1);
   * console.log(q.qsize()); // 1
   * ```
   */
  qsize(): number {
    return this.#handle.sync.qsize();
  }

  /**
   * Whether the queue is empty (a snapshot).
   *
   * @returns True when it holds no item.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * console.log(new Queue().empty()); // true
   * ```
   */
  empty(): boolean {
    return this.#handle.sync.empty();
  }

  /**
   * Whether the queue is full (a snapshot; never true without `maxsize`).
   *
   * @returns True when it holds `maxsize` items.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue(1);
   * await q.put(1);
   * console.log(q.full()); // true
   * ```
   */
  full(): boolean {
    return this.#maxsize > 0 && this.qsize() >= this.#maxsize;
  }

  /**
   * Shut the queue down for every handle, in every worker (Python 3.13's
   * `Queue.shutdown`): `put()` then throws `ShutDown`, and `get()` takes
   * what is left and then throws `ShutDown`. With `immediate`, what is left
   * is dropped (each item counting as a task done for `JoinableQueue.join()`).
   * Every blocked `get()` and `put()` wakes: a getter finds the items left,
   * or `ShutDown`; a putter gets `ShutDown`.
   *
   * @param immediate Drop the items left (default `false`).
   * @throws {TypeError} When `immediate` is not a boolean.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue<number>();
   * await q.put(1);
   * q.shutdown();
   * console.log(await q.get()); // 1
   * await q.get().catch((e) => console.log(e.name)); // ShutDown
   * ```
   */
  shutdown(immediate: boolean = false): void {
    this.#handle.sync.shutdown(
      checkBoolean(`call ${this.#name}.shutdown()`, "immediate", immediate, false),
    );
  }

  /**
   * Whether `shutdown()` was called on the queue, from any handle (Python's `is_shutdown`).
   *
   * @returns True after `shutdown()`.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * q.shutdown(true);
   * console.log(q.isShutdown); // true
   * ```
   */
  get isShutdown(): boolean {
    return this.#handle.sync.isShutDown();
  }

  /**
   * Stop using the queue from this handle: later `put`/`get` calls on it
   * throw. Other handles (other workers) are not affected.
   *
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * q.close();
   * await q.put(1).catch((e) => console.log(e.message));
   * ```
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * Python's `join_thread()`: nothing to wait for here, since an item is in
   * the queue once `put()` has resolved (there is no feeder thread).
   *
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * q.close();
   * q.joinThread();
   * ```
   */
  joinThread(): void {}

  /**
   * Python's `cancel_join_thread()`: nothing to cancel (see `joinThread()`).
   *
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * new Queue().cancelJoinThread();
   * ```
   */
  cancelJoinThread(): void {}

  static {
    shareable(this, (q) => q.#handle, (q) => q.#maxsize);
    Object.defineProperty(this, KIND, { value: QUEUE });
  }

  /** Check that this handle is open; the wait in ms from `(block, timeout)`. */
  #wait(call: string, block: unknown, timeout: unknown): number {
    if (this.#closed) {
      throw new ProcessError(`Cannot call ${this.#name}.${call}: the queue is closed`);
    }
    return checkBlockTimeout(`call ${this.#name}.${call}`, block, timeout);
  }
}

defineShared(QUEUE, (maxsize) => new Queue(maxsize as number));
