/**
 * What becomes of the tasks a dead worker held unanswered: which one fails,
 * and which run again on other workers.
 *
 * - The worker ended by itself (`process.exit()`, an uncaught error) and said
 *   so: it had sent every result it had, and named the task it was running.
 *   That task fails; the others never started and run elsewhere. Nothing
 *   runs twice (at-most-once).
 * - It was killed from outside (SIGKILL, out of memory, a native crash), in
 *   the thread context: its shared counters tell which tasks it started and
 *   finished. Those it never started run elsewhere; those it finished run
 *   again, since their results were lost; the one running is a suspect.
 * - Killed from outside in the process context: nothing is known, so every
 *   unanswered task is a suspect.
 *
 * A suspect runs again, alone on a worker, and fails once a second worker has
 * died holding it unanswered (the rule dask calls `KilledWorker`). Tasks that
 * ran again may have run twice (at-least-once).
 *
 * @module
 */
import { WorkerLostError } from "../errors.ts";
import type { ExitInfo } from "../runtime/types.ts";
import { packChunk } from "../transport/batch_codec.ts";
import { decodeError } from "../transport/error_codec.ts";
import { type ExitingMessage, PROGRESS_DONE, PROGRESS_STARTED } from "../transport/protocol.ts";
import type { Task } from "./task.ts";
import type { WorkerSlot } from "./worker_slot.ts";

/** Workers that may die holding one task unanswered before it fails. */
const MAX_LOSSES = 2;

/** The verdict on a dead worker's unanswered tasks. */
export interface LostTasks {
  /** Tasks to fail with `WorkerLostError`. */
  readonly failed: Task[];
  /** Tasks to run again, in the order they were first sent. */
  readonly retry: Task[];
}

/** How a worker ended, for messages. */
export interface WorkerEnd {
  /** `"was killed by SIGKILL"`, `"exited with code 1"`. */
  readonly how: string;
  /** The error that ended it, if known. */
  readonly cause: unknown;
  /** Its unanswered tasks that run again, in the order they were first sent. */
  readonly retry: Task[];
}

/**
 * Settle a dead worker's unanswered tasks: those that must fail fail with
 * `WorkerLostError`; the others are returned, to run again.
 *
 * @param slot The dead worker.
 * @param info How it ended.
 * @param first How many tasks it had answered.
 * @returns How it ended, and the tasks to run again.
 * @example
 * ```ts ignore
 * const { retry } = settleLostTasks(slot, info, slot.completed);
 * ```
 */
export function settleLostTasks(slot: WorkerSlot, info: ExitInfo, first: number): WorkerEnd {
  const unanswered = slot.drain();
  const code = slot.report?.code ?? info.code;
  const how = info.signal !== undefined
    ? `was killed by ${info.signal}`
    : `exited with code ${code}`;
  const cause = slot.report?.error !== undefined ? decodeError(slot.report.error) : info.error;
  if (unanswered.length === 0) return { how, cause, retry: [] };
  const { failed, retry } = sortLostTasks(unanswered, first, slot.report, slot.progress);
  for (const task of failed) {
    const what = task.losses > 1
      ? "holding this task unanswered, the second worker to die that way"
      : "while running this task";
    const error = new WorkerLostError(`Worker ${slot.name} ${how} ${what}`, {
      code,
      signal: info.signal,
      cause,
    });
    task.sink.settleTask(task, false, error);
  }
  return { how, cause, retry };
}

/**
 * Settle the unanswered tasks of a worker the pool stops because an aborted
 * task did not end within its grace period: the aborted tasks fail with
 * their reason; the others (which had not started, or had finished with
 * their results still in the worker) are returned, to run elsewhere.
 *
 * @param slot The worker being stopped.
 * @returns The tasks to run again, in the order they were first sent.
 * @example
 * ```ts ignore
 * queue.requeue(settleKilledTasks(slot));
 * ```
 */
export function settleKilledTasks(slot: WorkerSlot): Task[] {
  const retry: Task[] = [];
  for (const task of slot.drain()) {
    if (task.cancel?.aborted === true) task.sink.settleTask(task, false, task.cancel.reason);
    else retry.push(restore(task));
  }
  return retry;
}

/**
 * Sort out a dead worker's unanswered tasks.
 *
 * @param unanswered Its unanswered tasks, in the order it received them.
 * @param first How many tasks it had answered (the index of `unanswered[0]`).
 * @param report What it said when it ended by itself, if it did.
 * @param progress Its shared counters (thread context).
 * @returns Which tasks fail and which run again.
 * @example
 * ```ts ignore
 * const { failed, retry } = sortLostTasks(slot.drain(), slot.completed, slot.report, undefined);
 * ```
 */
export function sortLostTasks(
  unanswered: readonly Task[],
  first: number,
  report: ExitingMessage | undefined,
  progress: Int32Array | undefined,
): LostTasks {
  const failed: Task[] = [];
  const retry: Task[] = [];
  const started = progress === undefined ? -1 : Atomics.load(progress, PROGRESS_STARTED);
  const done = progress === undefined ? -1 : Atomics.load(progress, PROGRESS_DONE);
  for (let i = 0; i < unanswered.length; i++) {
    const task = unanswered[i];
    const index = first + i;
    let suspect: boolean;
    if (report !== undefined) {
      if (index === report.running) {
        failed.push(task);
        continue;
      }
      suspect = false;
    } else if (progress !== undefined) {
      suspect = index >= done && index < started;
    } else suspect = true;
    if (suspect && ++task.losses >= MAX_LOSSES) failed.push(task);
    else retry.push(restore(task));
  }
  return { failed, retry };
}

/** A packed chunk's buffer moved to the dead worker: pack its items again. */
function restore(task: Task): Task {
  if (task.items !== undefined) task.payload = packChunk(task.mode, task.items) ?? task.payload;
  return task;
}
