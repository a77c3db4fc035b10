/**
 * Aborting tasks: a queued task is dropped and settles at once; a task a
 * worker holds is told to abort (`AbortMessage`: its `taskSignal()` aborts,
 * or it is skipped if it has not started) and, once it has run for the
 * pool's `abortGrace` after that without settling, its worker is stopped
 * (the scheduler's `kill`). Also starts each task's timeout when it starts
 * running.
 *
 * What "running" means: in the thread context the worker's shared counters
 * say exactly which task runs. In the process context a worker answers an
 * abort at once, after the results it holds; then the task at the front of
 * its unanswered tasks runs. A worker that has not answered within the grace
 * period is stuck in a task that ignores its signal: the aborted one, or (if
 * the abort came just as that task ended, before its result was sent) the
 * next, which then runs again elsewhere like every other task of the worker.
 *
 * @module
 */
import { TimeoutError } from "../errors.ts";
import { PROGRESS_DONE, PROGRESS_STARTED } from "../transport/protocol.ts";
import type { CancelScope, ScopeCanceller } from "./cancel_scope.ts";
import type { Task } from "./task.ts";
import type { WorkerSlot } from "./worker_slot.ts";

/** How often an aborted task waiting behind others in its worker is looked at (ms, at most). */
const POLL_MS = 50;

/** What the canceller needs from the scheduler. */
export interface CancelHost {
  /** The pool's `abortGrace` (ms; `Infinity`: never stop a worker). */
  readonly grace: number;
  /** Drop a queued task from the queue. */
  drop(task: Task): void;
  /** Stop `slot`'s worker now, settle its aborted tasks and run its others elsewhere. */
  kill(slot: WorkerSlot): void;
}

function isRunning(slot: WorkerSlot, task: Task): boolean {
  if (!slot.ready) return false;
  const progress = slot.progress;
  if (progress === undefined) return slot.front() === task;
  const started = Atomics.load(progress, PROGRESS_STARTED);
  return task.seq === started - 1 && Atomics.load(progress, PROGRESS_DONE) < started;
}

/** Aborts tasks and watches their grace periods and timeouts. */
export class Canceller implements ScopeCanceller {
  readonly #host: CancelHost;

  /** @param host The scheduler's side. */
  constructor(host: CancelHost) {
    this.#host = host;
  }

  /**
   * Abort every unsettled task of a scope.
   *
   * @param scope The scope.
   * @param reason What they reject with.
   */
  abortScope(scope: CancelScope, reason: unknown): void {
    for (const task of scope.live()) this.abort(task, reason, "abort");
  }

  /**
   * Cancel a task that no worker was given yet (`AsyncResult.cancel()`).
   *
   * @param task The task.
   * @param reason What it rejects with.
   * @returns Whether it was cancelled (false once sent, or settled).
   */
  cancelQueued(task: Task, reason: unknown): boolean {
    if (task.sent === true || task.dropped === true || task.cancel?.settled === true) return false;
    if (task.cancel !== undefined) {
      this.abort(task, reason, "abort");
      return true;
    }
    this.#host.drop(task);
    task.sink.settleTask(task, false, reason);
    return true;
  }

  /**
   * Abort one task.
   *
   * @param task A task with a cancellation state.
   * @param reason What it rejects with.
   * @param why What the worker is told.
   */
  abort(task: Task, reason: unknown, why: "abort" | "timeout"): void {
    const c = task.cancel!;
    if (c.settled || c.aborted) return;
    c.aborted = true;
    c.reason = reason;
    if (c.timer !== undefined) clearTimeout(c.timer);
    c.timer = undefined;
    const slot = c.slot;
    if (slot === undefined) {
      this.#host.drop(task);
      task.sink.settleTask(task, false, reason);
      return;
    }
    try {
      slot.handle.post({ t: "abort", seq: task.seq!, why });
      c.told = performance.now();
    } catch {
      // The worker is gone: its exit settles the task.
    }
    this.#watch(slot, task);
  }

  /**
   * The front of `slot`'s unanswered tasks may have changed (tasks sent,
   * results in, worker ready): start its timeout, or its grace period.
   *
   * @param slot The worker.
   */
  advanced(slot: WorkerSlot): void {
    const task = slot.front();
    const c = task?.cancel;
    if (c === undefined || c.settled || !slot.ready) return;
    if (c.aborted) this.#watch(slot, task!);
    else if (!c.timing && c.scope.timeout !== undefined) {
      c.timing = true;
      const ms = c.scope.timeout;
      c.timer = setTimeout(() => {
        c.timer = undefined;
        this.abort(
          task!,
          new TimeoutError(`Task timed out after ${ms} ms of running time`),
          "timeout",
        );
      }, ms);
    }
  }

  /** Stop the worker once the aborted `task` has run `grace` ms without settling. */
  #watch(slot: WorkerSlot, task: Task): void {
    const c = task.cancel!;
    if (c.timer !== undefined) clearTimeout(c.timer);
    c.timer = undefined;
    const grace = this.#host.grace;
    if (c.settled || c.slot !== slot || grace === Infinity) return;
    let wait: number;
    // Not heard from since it was told: stuck in a task (see the module doc).
    const silent = slot.ready && slot.progress === undefined && c.told !== undefined &&
      slot.heardAt < c.told;
    if (silent || isRunning(slot, task)) {
      const now = performance.now();
      c.since ??= silent ? c.told! : now;
      wait = c.since + grace - now;
      if (wait <= 0) {
        this.#host.kill(slot);
        return;
      }
    } else {
      c.since = undefined;
      wait = Math.max(1, Math.min(grace, POLL_MS));
    }
    c.timer = setTimeout(() => {
      c.timer = undefined;
      this.#watch(slot, task);
    }, wait);
  }
}
