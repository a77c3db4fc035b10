/**
 * What the pool queues and sends: one task, plus where its result goes.
 *
 * @module
 */
import type { FunctionKey, SourceFunction, TaskMode } from "../transport/protocol.ts";
import type { TaskCancel } from "./cancel_scope.ts";
import type { IMapIterator } from "./imap_iterator.ts";

/** Receives the outcome of tasks (a map collector, an imap iterator, ...). */
export interface TaskSink {
  /**
   * One task finished.
   *
   * @param task The task.
   * @param ok Whether it succeeded.
   * @param value Its value (a chunk's array of values), or the error.
   */
  settleTask(task: Task, ok: boolean, value: unknown): void;
  /**
   * Optional feedback: the task took about `ms` of worker time.
   *
   * @param task The task.
   * @param ms Worker-measured milliseconds.
   */
  observe?(task: Task, ms: number): void;
}

/**
 * A queue entry that cuts its tasks lazily, when a worker has room (a `map`
 * call: chunk sizes may depend on what earlier chunks measured).
 */
export interface TaskSource {
  /**
   * The next task, or undefined once there are no more.
   *
   * @returns A task, or undefined when exhausted.
   */
  nextTask(): Task | undefined;
  /**
   * Whether one of its tasks has finished, so the pool's measured task time
   * applies to it; until then the pool sends its tasks two per worker.
   */
  readonly measured?: boolean;
  /**
   * About how many tasks are left to cut (for sharing them out fairly).
   *
   * @returns An estimate, at least 1 while not exhausted.
   */
  estimate(): number;
  /**
   * Settle everything not yet cut with `error` (pool terminated or broken).
   *
   * @param error The reason.
   */
  abandon(error: unknown): void;
}

/** One unit of work for one worker: an `apply`, or one chunk of a map. */
export interface Task {
  /** Which function: a source id or an export name. */
  readonly key: FunctionKey;
  /** The function's source, for workers that have not seen it yet. */
  readonly source: SourceFunction | undefined;
  readonly mode: TaskMode;
  /**
   * Arguments (apply) or the chunk's items (map/starmap), already encoded.
   * Kept until the task is answered: a task whose worker died unanswered may
   * be sent again.
   */
  payload: unknown;
  /**
   * The chunk's items when `payload` packs them into a `Float64Array`, whose
   * buffer moves to the worker (thread context): what a resend packs again.
   */
  readonly items: unknown[] | undefined;
  /** What moves with the payload instead of being copied (`Transfer`, thread context). */
  readonly transfer?: readonly object[];
  /** How many workers died while holding this task unanswered, not knowing whether it ran. */
  losses: number;
  readonly sink: TaskSink;
  /** Sink-specific: the result object, or the chunk's first item index. */
  readonly target: unknown;
  readonly index: number;
  /** Whether it was ever handed to a worker (it can no longer be cancelled). */
  sent?: boolean;
  /** Its number on the worker holding it (counted from 0 in the order sent to it). */
  seq?: number;
  /** Cancelled while queued: settled already, skipped when taken. */
  dropped?: boolean;
  /** `FLAG_SIGNAL`/`FLAG_FLUSH` bits (see `protocol.ts`), for tasks with a signal or timeout. */
  readonly flags?: number;
  /** Its cancellation state, for tasks with a signal or timeout. */
  readonly cancel?: TaskCancel;
}

/** What an `imap` iterator needs from its pool. */
export interface IMapFeed {
  /** Submit one chunk starting at input position `index`. */
  submit(items: unknown[], index: number, sink: TaskSink): void;
  /** Whether the pool is closing (read the input to the end). */
  readonly closing: boolean;
  /** Reading the input has finished. */
  done(): void;
}

/** Pool-side control of an iterator (not part of the public API). */
export interface IMapControl {
  /** Start reading into `feed`. */
  start(it: IMapIterator<unknown>, feed: IMapFeed): void;
  /** Read more input if the read-ahead allows. */
  pump(it: IMapIterator<unknown>): void;
  /** Fail everything not yet delivered (pool terminated). */
  abort(it: IMapIterator<unknown>, error: unknown): void;
  /** Its signal aborted: stop reading, reject the next `next()` once, then end. */
  cancel(it: IMapIterator<unknown>, reason: unknown): void;
}
