/**
 * `SimpleQueue`: Python's `multiprocessing.SimpleQueue`, an unbounded FIFO
 * with just `put`, `get`, `empty` and `close`.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { deserialize } from "../runtime/serialize.ts";
import type { Context } from "../runtime/types.ts";
import { registerReviver, SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { encodeValue } from "./_args.ts";
import type { GetOutcome } from "./_channel.ts";
import {
  adoptCore,
  bindCore,
  coreFromState,
  type QueueCore,
  type QueueState,
} from "./_queue_core.ts";

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
  #core: QueueCore;
  #closed = false;

  /** Create an empty queue. */
  constructor() {
    this.#core = bindCore(this, 0, false);
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
  put(obj: T): Promise<void> {
    try {
      const bytes = this.#prepare("put()", obj);
      return this.#core.put(bytes, true, null).then(() => undefined);
    } catch (error) {
      return Promise.reject(error);
    }
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
    this.#core.putSync(this.#prepare("putSync()", obj), true, null);
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
  get(): Promise<T> {
    try {
      this.#checkOpen("get()");
      return this.#core.get(true, null).then(takeItem<T>);
    } catch (error) {
      return Promise.reject(error);
    }
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
    return takeItem<T>(this.#core.getSync(true, null));
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
    return this.#core.empty();
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
    // `[SHAREABLE]` (see `encodeShared()`), defined here rather than as a method
    // because isolatedDeclarations rejects computed method names.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: SimpleQueue, context: Context): SharedMarker {
        return { __mpShared: "mp.SimpleQueue", state: this.#core.encode(context) };
      },
    });
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

function takeItem<T>(out: GetOutcome): T {
  if (typeof out === "string") throw new ProcessError("SimpleQueue is closed");
  return deserialize(out) as T;
}

registerReviver("mp.SimpleQueue", (state) => {
  adoptCore(coreFromState(state as QueueState));
  return new SimpleQueue();
});
