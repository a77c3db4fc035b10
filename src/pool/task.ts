/**
 * What the pool queues and sends: one task, plus where its result goes.
 *
 * @module
 */
import type { FunctionKey, SourceFunction, TaskMode } from "../transport/protocol.ts";

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
}

/** One unit of work for one worker: an `apply`, or one chunk of a map. */
export interface Task {
  /** Which function: a source id or an export name. */
  readonly key: FunctionKey;
  /** The function's source, for workers that have not seen it yet. */
  readonly source: SourceFunction | undefined;
  readonly mode: TaskMode;
  /** Arguments (apply) or the chunk's items (map/starmap), already encoded. */
  payload: unknown;
  readonly sink: TaskSink;
  /** Sink-specific: the result object, or the chunk's first item index. */
  readonly target: unknown;
  readonly index: number;
}
