/**
 * `JoinableQueue`: a `Queue` that counts unfinished tasks (Python's
 * `multiprocessing.JoinableQueue`).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { defineShared, handleOf } from "../share/handle.ts";
import { JOINABLE_QUEUE, KIND, type QueueHandle } from "./_ops.ts";
import { Queue } from "./queue.ts";

const queueHandle = (queue: Queue): QueueHandle => handleOf(queue) as unknown as QueueHandle;

/**
 * A `Queue` whose consumers report each item done with `taskDone()`, so that
 * `join()` can wait until every item put has been processed. Every `put`
 * counts one unfinished task, in whichever worker it happens.
 *
 * @typeParam T The type of the items.
 * @example
 * ```ts
 * import { JoinableQueue } from "./joinable_queue.ts";
 * const q = new JoinableQueue<number>();
 * await q.put(1);
 * await q.get();
 * q.taskDone();
 * await q.join(); // resolves: nothing unfinished
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Create an empty queue.
   *
   * @param maxsize Most items held at once; 0 (the default) for no bound.
   * @throws {TypeError} When `maxsize` is not a number.
   * @throws {RangeError} When `maxsize` is negative or not an integer.
   */
  constructor(maxsize: number = 0) {
    super(maxsize);
  }

  /**
   * Report that one item taken from the queue has been processed.
   *
   * @throws {ProcessError} When called more times than items were put.
   * @example
   * ```ts
   * import { JoinableQueue } from "./joinable_queue.ts";
   * const q = new JoinableQueue();
   * try {
   *   q.taskDone();
   * } catch (e) {
   *   console.log((e as Error).message); // taskDone() called too many times
   * }
   * ```
   */
  taskDone(): void {
    if (!queueHandle(this).sync.taskDone()) {
      throw new ProcessError("taskDone() called too many times");
    }
  }

  /**
   * Wait until every item put on the queue has been reported done.
   *
   * @returns Resolves when no task is unfinished.
   * @example
   * ```ts
   * import { JoinableQueue } from "./joinable_queue.ts";
   * await new JoinableQueue().join(); // nothing was put: resolves at once
   * ```
   */
  join(): Promise<void> {
    return queueHandle(this).async.join();
  }

  /**
   * `join()` that blocks the thread (for worker code).
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "./joinable_queue.ts";
   * new JoinableQueue().joinSync();
   * ```
   */
  joinSync(): void {
    queueHandle(this).sync.join();
  }

  static {
    Object.defineProperty(this, KIND, { value: JOINABLE_QUEUE });
  }
}

defineShared(JOINABLE_QUEUE, (maxsize) => new JoinableQueue(maxsize as number));
