/**
 * `SimpleQueue`: Python's `multiprocessing.SimpleQueue`, an unbounded FIFO
 * with just `put`, `get`, `empty` and `close`.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { adopted, defineShared, Handle, shareable } from "../share/handle.ts";
import { Channel } from "./_channel.ts";
import { encodeValue, takeItem } from "./_items.ts";
import { type QueueHandle, type QueueOps, SIMPLE_QUEUE } from "./_ops.ts";

/**
 * An unbounded first-in first-out queue shared by workers, with the small
 * API of Python's `SimpleQueue`. Works like `Queue` (same storage, same
 * passing to workers), without sizes, timeouts or task counting.
 *
 * @typeParam T The type of the items.
 * @example
 * ```ts
 * import { SimpleQueue } from "./simple_queue.ts";
 * const q = new SimpleQueue<string>();
 * await q.put("hello");
 * console.log(await q.get()); // "hello"
 * ```
 */
export class SimpleQueue<T = unknown> {
  readonly #handle: QueueHandle;
  #closed = false;

  /** Create an empty queue. */
  constructor() {
    this.#handle = adopted<Channel, QueueOps>() ??
      new Handle(SIMPLE_QUEUE, Channel.create(0, false));
  }

  /**
   * Put an item (copied). Never waits for room.
   *
   * @param obj The item.
   * @returns Resolves once the item is in the queue.
   * @throws {TypeError} (rejects) When the item cannot be cloned.
   * @throws {ProcessError} (rejects) When this handle was closed.
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * await new SimpleQueue().put({ a: 1 });
   * ```
   */
  async put(obj: T): Promise<void> {
    await this.#handle.async.put(this.#prepare("put()", obj), Infinity);
  }

  /**
   * `put()` for worker code, synchronous.
   *
   * @param obj The item.
   * @throws {TypeError} When the item cannot be cloned.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * new SimpleQueue().putSync(1);
   * ```
   */
  putSync(obj: T): void {
    this.#handle.sync.put(this.#prepare("putSync()", obj), Infinity);
  }

  /**
   * Take the oldest item, waiting as long as it takes.
   *
   * @returns The item.
   * @throws {ProcessError} (rejects) When this handle was closed.
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * const q = new SimpleQueue<number>();
   * await q.put(7);
   * console.log(await q.get()); // 7
   * ```
   */
  async get(): Promise<T> {
    this.#checkOpen("get()");
    return takeItem<T>(await this.#handle.async.get(Infinity));
  }

  /**
   * `get()` that blocks the thread (for worker code).
   *
   * @returns The item.
   * @throws {ProcessError} When this handle was closed.
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * const q = new SimpleQueue<number>();
   * q.putSync(7);
   * console.log(q.getSync()); // 7
   * ```
   */
  getSync(): T {
    this.#checkOpen("getSync()");
    return takeItem<T>(this.#handle.sync.get(Infinity));
  }

  /**
   * Whether the queue is empty (a snapshot).
   *
   * @returns True when it holds no item.
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * console.log(new SimpleQueue().empty()); // true
   * ```
   */
  empty(): boolean {
    return this.#handle.sync.empty();
  }

  /**
   * Stop using the queue from this handle (others are not affected).
   *
   * @example
   * ```ts
   * import { SimpleQueue } from "./simple_queue.ts";
   * new SimpleQueue().close();
   * ```
   */
  close(): void {
    this.#closed = true;
  }

  static {
    shareable(this, (q) => q.#handle);
  }

  #checkOpen(call: string): void {
    if (this.#closed) {
      throw new ProcessError(`Cannot call SimpleQueue.${call}: the queue is closed`);
    }
  }

  #prepare(call: string, obj: T): Uint8Array {
    this.#checkOpen(call);
    return encodeValue(`SimpleQueue.${call}`, obj);
  }
}

defineShared(SIMPLE_QUEUE, () => new SimpleQueue());
