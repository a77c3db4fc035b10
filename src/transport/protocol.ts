/**
 * Wire protocol between the main thread and workers (both contexts).
 *
 * Messages are plain structured-clonable objects discriminated by `t`.
 * Tasks and results travel in batches (flat arrays) so that many small tasks
 * cost one message; their layout belongs to `batch_codec.ts`. No TS enums:
 * Node's type stripping forbids them.
 *
 * @module
 */
import type { WireError } from "./error_codec.ts";

/** `fn(...args)` once; the result is the return value. */
export const MODE_APPLY = 0;
/** `fn(item)` for each item of a chunk; the result is the array of returns. */
export const MODE_MAP = 1;
/** `fn(...item)` for each item of a chunk; the result is the array of returns. */
export const MODE_STARMAP = 2;
/** Task application mode. */
export type TaskMode = typeof MODE_APPLY | typeof MODE_MAP | typeof MODE_STARMAP;

/**
 * Flag OR-ed into a task's mode: the task has a signal or a timeout, so the
 * worker opens a `taskSignal()` scope for it and obeys `AbortMessage`s.
 */
export const FLAG_SIGNAL = 4;
/**
 * Flag OR-ed into a task's mode: the worker sends the results it holds before
 * the task starts and the task's own result as soon as it ends, so that the
 * main thread sees the task at the front of the worker's unanswered tasks
 * exactly while it runs (where its timeout counts). Only tasks with a
 * `timeout` need it in the process context: an abort is answered at once
 * (`AbortSeenMessage`) instead, which costs nothing until a signal aborts.
 */
export const FLAG_FLUSH = 8;
/** The bits of a task's mode that are the mode itself. */
export const MODE_MASK = 3;

/** Result status: the task returned a value. */
export const STATUS_OK = 0;
/** Result status: the task threw; the value is a `WireError`. */
export const STATUS_ERROR = 1;
/** Result status: the result could not be cloned; the value is a `WireEncodingFailure`. */
export const STATUS_ENCODING = 2;
/** Result status of one task. */
export type ResultStatus = typeof STATUS_OK | typeof STATUS_ERROR | typeof STATUS_ENCODING;

/** A function key inside a task batch: the id of a function in `TasksMessage.fns`. */
export type FunctionKey = number;

/** A function sent by source: `[id, name, source]`. */
export type SourceFunction = readonly [id: number, name: string, source: string];

/** A function by reference: its own name and source text (see `worker/functions.ts`). */
export interface FunctionRef {
  readonly name: string;
  readonly source: string;
}

/** What a pool worker gets as `workerData`. */
export interface PoolWorkerData {
  readonly role: "pool";
  /** Worker name, e.g. `ThreadPoolWorker-3`. */
  readonly name: string;
  /** Module whose exports may be called by name. */
  readonly module?: string;
  readonly initializer?: FunctionRef;
  readonly initargs: readonly unknown[];
  /**
   * Thread context only: two `Int32` counters the worker keeps up to date,
   * tasks started and tasks finished (see `PROGRESS_STARTED`), so that the
   * main thread knows exactly what a worker that was killed had done.
   */
  readonly progress?: SharedArrayBuffer;
  /** How deep the worker is nested: 1 for a worker of the main program (see `bootstrap_guard.ts`). */
  readonly depth?: number;
}

/** Index in `PoolWorkerData.progress` of the number of tasks the worker has started. */
export const PROGRESS_STARTED = 0;
/** Index in `PoolWorkerData.progress` of the number of tasks the worker has finished. */
export const PROGRESS_DONE = 1;

/** What a `Process` worker gets as `workerData`. */
export interface ProcessWorkerData {
  readonly role: "process";
  readonly name: string;
  readonly module?: string;
  readonly target: FunctionRef;
  readonly args: readonly unknown[];
  /** Whether the `Process` is a daemon (for `currentProcess().daemon`). */
  readonly daemon?: boolean;
  /** Name of the parent (for `parentProcess()`). */
  readonly parentName?: string;
  /** OS pid of the parent (for `parentProcess()`). */
  readonly parentPid?: number;
  /** How deep the worker is nested: 1 for a worker of the main program (see `bootstrap_guard.ts`). */
  readonly depth?: number;
}

/** main → worker: run these tasks (see `batch_codec.ts`). */
export interface TasksMessage {
  readonly t: "tasks";
  /** Functions this worker has not seen yet. */
  readonly fns?: readonly SourceFunction[];
  /** Flat: function key, mode, payload, ...; or its JSON text (see `batch_codec.ts`). */
  readonly batch: readonly unknown[] | string;
}

/** main → worker: finish what you hold, then exit 0. */
export interface StopMessage {
  readonly t: "stop";
}

/**
 * main → worker: abort the task numbered `seq` (counted from 0 in the order
 * received): its `taskSignal()` aborts if it runs, and it is skipped if it has
 * not started.
 */
export interface AbortMessage {
  readonly t: "abort";
  readonly seq: number;
  /** Why: `"abort"` (a signal) or `"timeout"`. */
  readonly why: "abort" | "timeout";
}

/**
 * worker → main: an `AbortMessage` arrived (sent after the results the worker
 * held, so its unanswered tasks are exact). A worker that does not answer
 * within the grace period is busy in a task that ignores its signal.
 */
export interface AbortSeenMessage {
  readonly t: "abortSeen";
}

/** worker → main: module imported and initializer done (or none), ready for tasks. */
export interface ReadyMessage {
  readonly t: "ready";
}

/**
 * worker → main: the worker is ending by itself (`process.exit()`, an
 * uncaught error, ...). Sent after the results it had computed, so every
 * task it held is accounted for: answered, `running`, or never started.
 */
export interface ExitingMessage {
  readonly t: "exiting";
  /** Index (counted from 0 in the order received) of the task running then; -1 when idle. */
  readonly running: number;
  /** The exit code it is about to end with. */
  readonly code: number;
  /** The uncaught error that ends it, if that is why. */
  readonly error?: WireError;
}

/** worker → main: the initializer threw. */
export interface InitErrorMessage {
  readonly t: "initError";
  readonly error: WireError;
}

/** worker → main: results, in the order the worker got the tasks (see `batch_codec.ts`). */
export interface ResultsMessage {
  readonly t: "results";
  /** Flat: status, value, ...; or its JSON text (see `batch_codec.ts`). */
  readonly batch: readonly unknown[] | string;
  /** Worker milliseconds the batch's tasks took. */
  readonly busy?: number;
}

/** A result that could not be cloned (becomes `MaybeEncodingError`). */
export interface WireEncodingFailure {
  readonly error: WireError;
  /** `String(value)`-style description of the value that failed. */
  readonly repr: string;
}

/** Messages the main thread sends. */
export type ToWorker = TasksMessage | StopMessage | AbortMessage;
/** Messages a worker sends. */
export type FromWorker =
  | ReadyMessage
  | InitErrorMessage
  | ResultsMessage
  | ExitingMessage
  | AbortSeenMessage;
