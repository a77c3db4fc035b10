/**
 * Adaptive sizing, in one place: how much work each worker holds, how the
 * pool measures task time, and what a function's last map measured. Pure
 * functions and plain data; the scheduler and the chunk planners
 * (`chunking.ts`) call them, so they are tested without workers.
 *
 * - Each worker's queue is kept about {@linkcode TARGET_QUEUE_MS} of work deep
 *   ({@linkcode queueWindow}), at a moving average of the worker-measured
 *   task time, so short tasks travel in large batches while long tasks are
 *   handed out one or two at a time (good balance at the end of a run).
 * - Near the end of the queued work each worker holds less: what a worker
 *   holds when the queue runs dry is the imbalance at the finish.
 * - A new map's first chunks go {@linkcode FIRST_CHUNKS_WINDOW} per worker
 *   until one has finished: the task time measured so far belongs to earlier
 *   work (often the small last chunks of the previous map).
 * - `"auto"` chunking sizes chunks from a moving average of the per-item time
 *   ({@linkcode CHUNK_TIME_WEIGHT}), and the next map of the same function
 *   starts from what the last one measured ({@linkcode PerItemMemo}). A map
 *   whose work, at the first per-item time known, is small splits what is left
 *   evenly among the workers ({@linkcode evenShare}).
 *
 * @module
 */
import type { ChunkPlanner } from "./chunking.ts";

/** Work (ms) each worker's queue is kept about this deep. */
export const TARGET_QUEUE_MS = 4;
/** Most tasks a worker holds at once. */
export const MAX_WINDOW = 4096;
/** Tasks per worker while a new map's first chunks are unmeasured. */
export const FIRST_CHUNKS_WINDOW = 2;
/** Weight of a new sample in the pool's task-time average. */
export const TASK_TIME_WEIGHT = 0.3;
/** Weight of a new sample in `"auto"` chunking's per-item average. */
export const CHUNK_TIME_WEIGHT = 0.5;
/**
 * A task with a signal or timeout is sent to a worker holding other tasks only
 * while the pool's tasks take less than this (ms) and that worker answered
 * within {@linkcode RESPONSIVE_MS}: aborting the task before it starts then
 * rarely waits for the worker to reach it.
 */
export const SIGNAL_PIPELINE_MS = 2;
/**
 * A worker that sent results this recently (ms) is not stuck in a long task.
 * Well above the worker's result batching interval, so that a flood of
 * tasks with a signal keeps every worker's queue full on a loaded machine.
 */
export const RESPONSIVE_MS = 25;

/**
 * Whether a task with a signal may wait behind others in a worker: only while
 * the pool's tasks are short and the worker answers (see {@linkcode SIGNAL_PIPELINE_MS}).
 *
 * @param taskMs The pool's task-time average (ms), once measured.
 * @param busy Whether the worker holds unanswered tasks.
 * @param answeredAt When its last results arrived (`performance.now()`).
 * @param now The time now.
 * @returns True when it may.
 * @example
 * ```ts
 * import { signalMayQueue } from "./dispatch_policy.ts";
 * console.log(signalMayQueue(0.01, true, 100, 110)); // true
 * console.log(signalMayQueue(0.01, true, 100, 200)); // false: the worker went quiet
 * ```
 */
export function signalMayQueue(
  taskMs: number | undefined,
  busy: boolean,
  answeredAt: number,
  now: number = performance.now(),
): boolean {
  return taskMs !== undefined && taskMs < SIGNAL_PIPELINE_MS &&
    (!busy || now - answeredAt < RESPONSIVE_MS);
}
/** Tasks shorter than this (ms) go at least two per worker, so workers never wait for the next. */
const SHORT_TASK_MS = 20;

/**
 * An exponential moving average: a first sample that paid for compiling the
 * function, or one heavy item, is forgotten after a few more.
 *
 * @param average The average so far (undefined before the first sample).
 * @param sample The new sample.
 * @param weight The new sample's weight (0 to 1).
 * @returns The new average.
 * @example
 * ```ts
 * import { movingAverage } from "./dispatch_policy.ts";
 * console.log(movingAverage(undefined, 4, 0.5), movingAverage(4, 2, 0.5)); // 4 3
 * ```
 */
export function movingAverage(average: number | undefined, sample: number, weight: number): number {
  return average === undefined ? sample : average + weight * (sample - average);
}

/**
 * The pool's task time after a results message.
 *
 * @param taskMs The average so far (ms), undefined before any result.
 * @param busyMs Worker milliseconds the message's tasks took.
 * @param count How many results the message held.
 * @returns The new average (unchanged for an empty message).
 * @example
 * ```ts
 * import { nextTaskMs } from "./dispatch_policy.ts";
 * console.log(nextTaskMs(undefined, 10, 5)); // 2
 * ```
 */
export function nextTaskMs(
  taskMs: number | undefined,
  busyMs: number,
  count: number,
): number | undefined {
  return count > 0 ? movingAverage(taskMs, busyMs / count, TASK_TIME_WEIGHT) : taskMs;
}

/**
 * How many tasks each worker may hold now.
 *
 * @param taskMs The measured task time (ms), undefined before any result.
 * @param queued About how many tasks are queued.
 * @param workers How many workers there are.
 * @param unmeasured Whether the next task is a new map's unmeasured chunk.
 * @returns The window, at least 1.
 * @example
 * ```ts
 * import { queueWindow } from "./dispatch_policy.ts";
 * console.log(queueWindow(0.001, 100_000, 2, false)); // 4000
 * console.log(queueWindow(50, 10, 2, false)); // 1
 * ```
 */
export function queueWindow(
  taskMs: number | undefined,
  queued: number,
  workers: number,
  unmeasured: boolean,
): number {
  let window = FIRST_CHUNKS_WINDOW;
  if (taskMs !== undefined) {
    const left = queued * taskMs / (2 * Math.max(1, workers));
    const depth = Math.min(TARGET_QUEUE_MS, left);
    const n = Math.ceil(depth / Math.max(taskMs, 1e-4));
    window = Math.min(MAX_WINDOW, Math.max(taskMs < SHORT_TASK_MS ? 2 : 1, n));
  }
  return unmeasured ? Math.min(FIRST_CHUNKS_WINDOW, window) : window;
}

/**
 * How many tasks to send to the emptiest worker that has room.
 *
 * @param window What {@linkcode queueWindow} allows each worker.
 * @param pending Tasks that worker holds.
 * @param queued About how many tasks are queued.
 * @param accepting How many workers have room (shared out fairly among them).
 * @param room Tasks it may still be given (`maxtasksperchild`), or `Infinity`.
 * @returns The count, at least 1.
 * @example
 * ```ts
 * import { batchSize } from "./dispatch_policy.ts";
 * console.log(batchSize(100, 10, 50, 2, Infinity)); // 25
 * ```
 */
export function batchSize(
  window: number,
  pending: number,
  queued: number,
  accepting: number,
  room: number,
): number {
  const n = Math.min(window - pending, Math.ceil(queued / accepting), room);
  return Math.max(1, n);
}

/**
 * Where the next batch goes: the emptiest worker with room in its window, and
 * how many tasks it gets.
 *
 * @param workers The workers.
 * @param window What {@linkcode queueWindow} allows each worker.
 * @param queued About how many tasks are queued.
 * @param room Tasks a worker may still be given now (`Infinity` for no bound, 0 for none).
 * @returns The worker and the count, or undefined when none has room.
 * @example
 * ```ts
 * import { nextBatch } from "./dispatch_policy.ts";
 * const workers = [{ pending: 3 }, { pending: 1 }];
 * console.log(nextBatch(workers, 8, 100, () => Infinity)); // { worker: { pending: 1 }, count: 7 }
 * ```
 */
export function nextBatch<W extends { readonly pending: number }>(
  workers: readonly W[],
  window: number,
  queued: number,
  room: (worker: W) => number,
): { worker: W; count: number } | undefined {
  let best: W | undefined;
  let accepting = 0;
  for (const worker of workers) {
    if (room(worker) <= 0 || worker.pending >= window) continue;
    accepting++;
    if (best === undefined || worker.pending < best.pending) best = worker;
  }
  if (best === undefined) return undefined;
  return { worker: best, count: batchSize(window, best.pending, queued, accepting, room(best)) };
}

/**
 * `"auto"` chunking's first decision once a per-item time is known: when each
 * worker's even share of what is left holds at most `targetMs` of work, that
 * share is the chunk size. Finer chunks would then cost more in messages than
 * they could win in balance, and a fresh pool's single small map needs no
 * more than one more round trip.
 *
 * @param remaining Items not yet cut (`Infinity` when unknown).
 * @param perItemMs The per-item time (ms).
 * @param workers How many workers there are.
 * @param targetMs The work (ms) a chunk should hold at least.
 * @returns `ceil(remaining / workers)`, or undefined when that is more work than `targetMs`.
 * @example
 * ```ts
 * import { evenShare } from "./dispatch_policy.ts";
 * console.log(evenShare(10_000, 0.0001, 2, 1)); // 5000
 * console.log(evenShare(10_000, 0.01, 2, 1)); // undefined
 * ```
 */
export function evenShare(
  remaining: number,
  perItemMs: number,
  workers: number,
  targetMs: number,
): number | undefined {
  if (!Number.isFinite(remaining) || remaining <= 0) return undefined;
  const share = Math.ceil(remaining / Math.max(1, workers));
  return share * perItemMs <= targetMs ? share : undefined;
}

/**
 * What `"auto"` chunking measured per function, so the next map of the same
 * function starts from it instead of probing.
 *
 * @example
 * ```ts
 * import { PerItemMemo } from "./dispatch_policy.ts";
 * const memo = new PerItemMemo();
 * memo.remember(1, { perItemMs: 0.5 });
 * console.log(memo.get(1)); // 0.5
 * ```
 */
export class PerItemMemo {
  #byKey = new Map<number, number>();

  /**
   * The per-item time the last map of a function measured.
   *
   * @param key The function's source id.
   * @returns Milliseconds, or undefined when none was measured.
   */
  get(key: number): number | undefined {
    return this.#byKey.get(key);
  }

  /**
   * Keep what a finished map's planner measured (nothing when it measured nothing).
   *
   * @param key The function's source id.
   * @param planner The map's planner.
   */
  remember(key: number, planner: Pick<ChunkPlanner, "perItemMs">): void {
    if (planner.perItemMs !== undefined) this.#byKey.set(key, planner.perItemMs);
  }
}
