/**
 * `Queue`: Python's `multiprocessing.Queue`, a FIFO shared by the main
 * thread, pool workers and `Process` targets in either context.
 *
 * @module
 */
import { Empty, Full, ProcessError } from "../errors.ts";
import { deserialize } from "../runtime/serialize.ts";
import type { Context } from "../runtime/types.ts";
import { registerReviver, SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { type BlockOptions, checkMaxsize, encodeValue, parseWait } from "./_args.ts";
import type { GetOutcome, PutStatus } from "./_channel.ts";
import {
  adoptCore,
  bindCore,
  coreFromState,
  type QueueCore,
  type QueueState,
  takeJoinable,
} from "./_queue_core.ts";

export type { BlockOptions } from "./_args.ts";

/**
 * A first-in first-out queue that any worker can put on and get from
 * (Python's `multiprocessing.Queue`). Values are copied by the structured
 * clone algorithm when put; a value that cannot be cloned fails `put()` at
 * once. Pass the queue to pool tasks or `Process` targets (also nested in
 * arrays or objects); the other side gets a working `Queue` on the same items.
 *
 * In the thread context the items live in shared memory (a
 * `SharedArrayBuffer` ring that grows as needed) and every thread works on
 * it directly. In the process context the creating process owns the items
 * and serves its children's calls (Python's Manager design): the async forms
 * over the IPC channel, the `...Sync` forms and `qsize()` over a synchronous
 * channel. The two are not ordered with each other, so await an async call
 * before a synchronous one that must see its effect. A child that dies while
 * waiting takes no item. Items of any size travel both ways.
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
  #core: QueueCore;
  #closed = false;
  #name: string;

  /**
   * Create an empty queue.
   *
   * @param maxsize Most items held at once; 0 (the default) for no bound.
   * @throws {TypeError} When `maxsize` is not a number.
   * @throws {RangeError} When `maxsize` is negative or not an integer.
   */
  constructor(maxsize: number = 0) {
    const joinable = takeJoinable();
    this.#name = joinable ? "JoinableQueue" : "Queue";
    this.#core = bindCore(this, checkMaxsize(this.#name, maxsize), joinable);
  }

  /** The bound given at creation (0: none). */
  get maxsize(): number {
    return this.#core.maxsize;
  }

  /**
   * Put an item, waiting for room when the queue is full.
   *
   * @param obj The item (copied).
   * @param block Wait for room (default true); false fails at once when full.
   * @param timeout Most milliseconds to wait; null/undefined waits forever; negative counts as 0.
   * @returns Resolves once the item is in the queue.
   * @throws {Full} (rejects) When no room came in time, or at once with `block` false.
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
  put(obj: T, block?: boolean | BlockOptions, timeout?: number | null): Promise<void> {
    try {
      const bytes = this.#prepare("put()", obj);
      const wait = parseWait("Queue.put()", block, timeout);
      return this.#core.put(bytes, wait.block, wait.timeout).then(checkPut);
    } catch (error) {
      return Promise.reject(error);
    }
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
    const bytes = this.#prepare("putSync()", obj);
    const wait = parseWait("Queue.putSync()", block, timeout);
    checkPut(this.#core.putSync(bytes, wait.block, wait.timeout));
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
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { Queue } from "./queue.ts";
   * const q = new Queue();
   * await q.get({ timeout: 10 }).catch((e) => console.log(e.name)); // Empty
   * ```
   */
  get(block?: boolean | BlockOptions, timeout?: number | null): Promise<T> {
    try {
      this.#checkOpen("get()");
      const wait = parseWait("Queue.get()", block, timeout);
      return this.#core.get(wait.block, wait.timeout).then(takeItem<T>);
    } catch (error) {
      return Promise.reject(error);
    }
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
    this.#checkOpen("getSync()");
    const wait = parseWait("Queue.getSync()", block, timeout);
    return takeItem<T>(this.#core.getSync(wait.block, wait.timeout));
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
    return this.#core.qsize();
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
    return this.#core.empty();
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
    const max = this.#core.maxsize;
    return max > 0 && this.#core.qsize() >= max;
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
    // `[SHAREABLE]` (see `encodeShared()`), defined here rather than as a method
    // because isolatedDeclarations rejects computed method names.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Queue, context: Context): SharedMarker {
        return { __mpShared: `mp.${this.#name}`, state: this.#core.encode(context) };
      },
    });
  }

  #checkOpen(call: string): void {
    if (this.#closed) {
      throw new ProcessError(`Cannot call ${this.#name}.${call}: the queue is closed`);
    }
  }

  #prepare(call: string, obj: T): Uint8Array {
    this.#checkOpen(call);
    return encodeValue(`${this.#name}.${call}`, obj);
  }
}

function checkPut(status: PutStatus): void {
  if (status === "full") throw new Full();
  if (status !== "ok") throw new ProcessError("Queue is closed");
}

function takeItem<T>(out: GetOutcome): T {
  if (out === "empty") throw new Empty();
  if (out === "eof") throw new ProcessError("Queue is closed");
  return deserialize(out) as T;
}

registerReviver("mp.Queue", (state) => {
  adoptCore(coreFromState(state as QueueState));
  return new Queue();
});
