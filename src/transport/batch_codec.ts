/**
 * How a task travels, and how its result comes back: the one owner of the
 * layout of task and result batches (both contexts, both directions).
 *
 * - A task batch (main → worker, `TasksMessage.batch`) is flat:
 *   {@linkcode TASK_STRIDE} entries per task, the function key at
 *   {@linkcode TASK_KEY}, the mode at {@linkcode TASK_MODE}, the payload
 *   (arguments of an apply, items of a chunk) at {@linkcode TASK_PAYLOAD}.
 * - A result batch (worker → main, `ResultsMessage.batch`) is flat:
 *   {@linkcode RESULT_STRIDE} entries per result, the status at
 *   {@linkcode RESULT_STATUS}, the value at {@linkcode RESULT_VALUE}. Results
 *   carry no task id: a worker answers its tasks in the order it got them.
 * - A map chunk of plain numbers, and a chunk result of plain numbers, travel
 *   as a `Float64Array` whose buffer is transferred, not copied
 *   (`numeric_pack.ts`).
 * - Where the channel's structured clone is slow (`Backend.jsonBatches`,
 *   `ParentPort.jsonBatches`), a whole batch travels as JSON text when JSON
 *   carries it exactly (`json_batch.ts`); otherwise by structured clone.
 * - What a `Transfer` lists moves with the batch (`transfer.ts`); the
 *   worker's side of results is `result_outbox.ts`.
 * - When a batch cannot be cloned, its entries go one by one, so only the
 *   task whose arguments cannot be sent fails (a `TypeError` naming the
 *   culprit), or only the result that cannot be sent (a `MaybeEncodingError`).
 *
 * @module
 */
import { MaybeEncodingError } from "../errors.ts";
import { findUncloneable } from "./clone_check.ts";
import { decodeError, type WireError } from "./error_codec.ts";
import { jsonBatch, readBatch } from "./json_batch.ts";
import { packedBuffers, packNumbers, unpackNumbers } from "./numeric_pack.ts";
import { joinTransfers, transferProblem } from "./transfer.ts";
import {
  type FunctionKey,
  MODE_APPLY,
  MODE_MAP,
  type ResultsMessage,
  type SourceFunction,
  STATUS_ENCODING,
  STATUS_OK,
  type TaskMode,
  type TasksMessage,
  type WireEncodingFailure,
} from "./protocol.ts";

/** Entries per task in a task batch. */
export const TASK_STRIDE = 3;
/** Offset of the function key within a task. */
export const TASK_KEY = 0;
/** Offset of the mode within a task. */
export const TASK_MODE = 1;
/** Offset of the payload within a task (an array the protocol built: see `jsonBatch`). */
export const TASK_PAYLOAD = 2;
/** Entries per result in a result batch. */
export const RESULT_STRIDE = 2;
/** Offset of the status within a result. */
export const RESULT_STATUS = 0;
/** Offset of the value within a result. */
export const RESULT_VALUE = 1;

/** Posts one message, with buffers to transfer. May throw when something cannot be cloned. */
export type Post = (message: unknown, transfer?: object[]) => void;

/** What of a task travels. */
export interface WireTask {
  /** Which function: a source id or an export name. */
  readonly key: FunctionKey;
  /** Its source, sent again with a task that must travel alone. */
  readonly source: SourceFunction | undefined;
  readonly mode: TaskMode;
  /** `FLAG_SIGNAL`/`FLAG_FLUSH` bits sent with the mode (see `protocol.ts`). */
  readonly flags?: number;
  /** What {@linkcode encodeChunk} (or the arguments' own encoding) made. */
  readonly payload: unknown;
  /** What moves with the payload (a `Transfer`'s list), if anything. */
  readonly transfer?: readonly object[];
}

/**
 * Main side: the packed form of a map chunk of plain numbers, whose buffer
 * moves to the worker instead of being copied.
 *
 * @param mode The task's mode (only `MODE_MAP` chunks are packed).
 * @param items The chunk's items.
 * @returns A `Float64Array`, or undefined when the chunk travels as it is.
 * @example
 * ```ts
 * import { packChunk } from "./batch_codec.ts";
 * import { MODE_MAP } from "./protocol.ts";
 * console.log(packChunk(MODE_MAP, Array.from({ length: 100 }, (_, i) => i))?.length); // 100
 * ```
 */
export function packChunk(mode: TaskMode, items: readonly unknown[]): Float64Array | undefined {
  return mode === MODE_MAP ? packNumbers(items) : undefined;
}

/**
 * Main side: send tasks to one worker in one message, or one by one when the
 * batch cannot be cloned.
 *
 * @param post Posts to the worker.
 * @param tasks The tasks, in the order the worker will run them.
 * @param fns Functions the worker has not seen yet.
 * @param json Whether the channel prefers JSON text.
 * @param sent Called for each task posted, in order.
 * @param failed Called for each task whose arguments cannot be sent.
 * @example
 * ```ts
 * import { sendTasks } from "./batch_codec.ts";
 * import { MODE_APPLY } from "./protocol.ts";
 * const task = { key: 1, source: undefined, mode: MODE_APPLY, payload: [2] } as const;
 * sendTasks((m) => console.log(m), [task], [], false, () => {}, () => {});
 * ```
 */
export function sendTasks<T extends WireTask>(
  post: Post,
  tasks: readonly T[],
  fns: readonly SourceFunction[],
  json: boolean,
  sent: (task: T) => void,
  failed: (task: T, error: TypeError) => void,
): void {
  const batch: unknown[] = [];
  let moves: object[] | undefined;
  let broken = false;
  for (const task of tasks) {
    batch.push(task.key, task.mode | (task.flags ?? 0), task.payload);
    if (task.transfer !== undefined) {
      // Repeats (one buffer named by two tasks) are dropped once, when posting.
      (moves ??= []).push(...task.transfer);
      broken ||= transferProblem(task.transfer) !== undefined;
    }
  }
  if (!broken && postBatch(post, batch, fns, json, moves)) {
    for (const task of tasks) sent(task);
    return;
  }
  // Something could not be cloned: send one by one and fail only those.
  for (const task of tasks) sendTask(post, task, sent, failed);
}

/** Post a whole batch; false when something in it cannot be cloned. */
function postBatch(
  post: Post,
  batch: unknown[],
  fns: readonly SourceFunction[],
  json: boolean,
  moves: object[] | undefined,
): boolean {
  try {
    const text = json && moves === undefined
      ? jsonBatch(batch, TASK_STRIDE, TASK_PAYLOAD)
      : undefined;
    const wire = text ?? batch;
    const message: TasksMessage = fns.length > 0
      ? { t: "tasks", fns, batch: wire }
      : { t: "tasks", batch: wire };
    post(
      message,
      text === undefined
        ? joinTransfers(packedBuffers(batch, TASK_STRIDE, TASK_PAYLOAD), moves)
        : undefined,
    );
    return true;
  } catch {
    return false;
  }
}

function sendTask<T extends WireTask>(
  post: Post,
  task: T,
  sent: (task: T) => void,
  failed: (task: T, error: TypeError) => void,
): void {
  const fns = task.source !== undefined ? [task.source] : undefined;
  // A listed buffer moved already: structured clone would send an empty view to a process.
  const moved = task.transfer === undefined ? undefined : transferProblem(task.transfer);
  if (moved !== undefined) {
    failed(task, new TypeError(`Cannot send the task's arguments to the worker: ${moved}`));
    return;
  }
  try {
    const batch = [task.key, task.mode | (task.flags ?? 0), task.payload];
    const message: TasksMessage = { t: "tasks", fns, batch };
    post(message, joinTransfers(packedBuffers(batch, TASK_STRIDE, TASK_PAYLOAD), task.transfer));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const culprit = findUncloneable(task.payload, task.mode === MODE_APPLY ? "args" : "items");
    const detail = culprit === undefined ? reason : `${culprit} could not be cloned (${reason})`;
    failed(
      task,
      new TypeError(`Cannot send the task's arguments to the worker: ${detail}`, { cause: error }),
    );
    return;
  }
  sent(task);
}

/** One received task, as the worker runs it. */
export interface ReceivedTask {
  readonly key: FunctionKey;
  readonly mode: number;
  /** Still encoded (see `worker/revive.ts`). */
  readonly payload: unknown;
}

/**
 * Worker side: the tasks a worker holds, in the order received.
 *
 * @example
 * ```ts
 * import { TaskInbox } from "./batch_codec.ts";
 * const inbox = new TaskInbox();
 * inbox.add({ t: "tasks", batch: [1, 0, [2]] });
 * console.log(inbox.take()); // { key: 1, mode: 0, payload: [2] }
 * ```
 */
export class TaskInbox {
  #queue: unknown[] = [];
  #head = 0;

  /** Whether some task is waiting. */
  get waiting(): boolean {
    return this.#head < this.#queue.length;
  }

  /**
   * Queue the tasks of one message.
   *
   * @param message The message.
   */
  add(message: TasksMessage): void {
    const batch = readBatch(message.batch);
    const queue = this.#queue;
    for (let i = 0; i < batch.length; i++) queue.push(batch[i]);
  }

  /**
   * The next task (its payload is dropped from the queue).
   *
   * @returns The task, or undefined when none is waiting.
   */
  take(): ReceivedTask | undefined {
    const queue = this.#queue;
    const at = this.#head;
    if (at >= queue.length) {
      this.#clear();
      return undefined;
    }
    const task: ReceivedTask = {
      key: queue[at + TASK_KEY] as FunctionKey,
      mode: queue[at + TASK_MODE] as number,
      payload: queue[at + TASK_PAYLOAD],
    };
    queue[at + TASK_PAYLOAD] = undefined;
    this.#head = at + TASK_STRIDE;
    return task;
  }

  /** Forget what was taken (when the worker has run everything it held). */
  #clear(): void {
    this.#queue = [];
    this.#head = 0;
  }
}

/**
 * Main side: the outcomes of a results message.
 *
 * @param message The message.
 * @returns The flat batch (read it with {@linkcode resultCount} and {@linkcode readResult}).
 * @example
 * ```ts
 * import { readResult, resultBatch, resultCount } from "./batch_codec.ts";
 * const batch = resultBatch({ t: "results", batch: "[0,42]" });
 * console.log(resultCount(batch), readResult(batch, 0)); // 1 { ok: true, value: 42 }
 * ```
 */
export function resultBatch(message: ResultsMessage): readonly unknown[] {
  return readBatch(message.batch);
}

/**
 * The number of results in a batch.
 *
 * @param batch What {@linkcode resultBatch} returned.
 * @returns The count.
 * @example
 * ```ts
 * import { resultCount } from "./batch_codec.ts";
 * console.log(resultCount([0, 1, 0, 2])); // 2
 * ```
 */
export function resultCount(batch: readonly unknown[]): number {
  return batch.length / RESULT_STRIDE;
}

/** One decoded result. */
export interface Outcome {
  /** Whether the task succeeded. */
  readonly ok: boolean;
  /** Its value, or its error (rebuilt). */
  readonly value: unknown;
}

/**
 * Result `i` of a batch, decoded: packed numbers unpacked, errors rebuilt.
 *
 * @param batch What {@linkcode resultBatch} returned.
 * @param i The result's index (0 to `resultCount(batch) - 1`).
 * @param chunk Whether its task was a chunk (only a chunk's results travel
 *   packed: an apply's `Float64Array` stays one).
 * @returns The outcome.
 * @example
 * ```ts
 * import { readResult } from "./batch_codec.ts";
 * console.log(readResult([0, "x"], 0)); // { ok: true, value: "x" }
 * ```
 */
export function readResult(batch: readonly unknown[], i: number, chunk = true): Outcome {
  const at = i * RESULT_STRIDE;
  const status = batch[at + RESULT_STATUS];
  const value = batch[at + RESULT_VALUE];
  if (status === STATUS_OK) {
    return {
      ok: true,
      value: chunk && value instanceof Float64Array ? unpackNumbers(value) : value,
    };
  }
  if (status === STATUS_ENCODING) {
    const failure = value as WireEncodingFailure;
    return { ok: false, value: new MaybeEncodingError(decodeError(failure.error), failure.repr) };
  }
  return { ok: false, value: decodeError(value as WireError) };
}
