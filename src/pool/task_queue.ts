/**
 * The pool's queue of work not yet sent: plain tasks, and sources that cut
 * their tasks lazily (a `map` call), in submission order.
 *
 * @module
 */
import { FLAG_SIGNAL } from "../transport/protocol.ts";
import type { Task, TaskSource } from "./task.ts";

/**
 * Which tasks with a signal or timeout a take may include: `"any"`, only
 * `"first"` (as the first task, ending the take), or `"none"`.
 */
export type SignalTake = "any" | "first" | "none";

/** Whether a task has a signal or timeout. */
function flagged(task: Task): boolean {
  return ((task.flags ?? 0) & FLAG_SIGNAL) !== 0;
}

function isSource(entry: Task | TaskSource): entry is TaskSource {
  return typeof (entry as TaskSource).nextTask === "function";
}

/**
 * First in, first out; taking from a source cuts its next task. Tasks sent
 * back by a worker that died go first; a task that may have killed a worker
 * (a suspect) is only ever taken alone.
 */
export class TaskQueue {
  /** Tasks to send again, oldest first; ahead of everything else. */
  #retry: Task[] = [];
  #entries: (Task | TaskSource)[] = [];
  #head = 0;
  #plain = 0;
  #sources = new Set<TaskSource>();
  /** Plain tasks still in the queue that were dropped (skipped when reached). */
  #dropped = 0;

  /** Number of entries (a source counts once, whatever it has left). */
  get size(): number {
    return this.#retry.length + this.#entries.length - this.#head - this.#dropped;
  }

  /**
   * Drop a queued task (it was cancelled and is settled already): it is
   * skipped when reached, and no longer counts.
   *
   * @param task A task in this queue, not yet taken.
   */
  drop(task: Task): void {
    if (task.dropped === true) return;
    task.dropped = true;
    this.#dropped++;
  }

  /**
   * Put tasks back at the front, ahead of everything queued (a dead worker's
   * tasks, in the order they were first sent).
   *
   * @param tasks The tasks.
   */
  requeue(tasks: readonly Task[]): void {
    for (const task of tasks) if (task.cancel !== undefined) task.cancel.slot = undefined;
    if (tasks.length > 0) this.#retry = [...tasks, ...this.#retry];
  }

  /**
   * Whether the next task is a suspect: it was unanswered by a worker that
   * died without saying why, so it goes alone to a worker holding nothing.
   *
   * @returns True for a suspect at the front.
   */
  frontSuspect(): boolean {
    while (this.#retry.length > 0 && this.#retry[0].dropped === true) {
      this.#skip(this.#retry.shift()!);
    }
    return this.#retry.length > 0 && this.#retry[0].losses > 0;
  }

  /**
   * Add a task or a source at the end.
   *
   * @param entry The task or source.
   */
  push(entry: Task | TaskSource): void {
    this.#entries.push(entry);
    if (isSource(entry)) this.#sources.add(entry);
    else this.#plain++;
  }

  /**
   * About how many tasks are queued, counting what sources have left to cut.
   *
   * @returns The estimate.
   */
  estimate(): number {
    let n = this.#plain + this.#retry.length - this.#dropped;
    for (const source of this.#sources) n += Math.max(1, source.estimate());
    return n;
  }

  /**
   * Take up to `n` tasks from the front.
   *
   * @param n How many at most.
   * @param signals Which tasks with a signal or timeout it may include.
   * @returns The tasks, in order (fewer when the queue runs dry, or at a task with a signal).
   */
  take(n: number, signals: SignalTake = "any"): Task[] {
    const tasks: Task[] = [];
    /** Whether `task` may not be taken now; a task with a signal taken first ends the take. */
    const held = (task: Task): boolean =>
      signals !== "any" && flagged(task) && (signals === "none" || tasks.length > 0);
    const last = (task: Task): boolean => signals === "first" && flagged(task);
    const retry = this.#retry;
    while (retry.length > 0 && tasks.length < n) {
      if (retry[0].dropped === true) {
        this.#skip(retry.shift()!);
        continue;
      }
      if (retry[0].losses > 0) {
        if (tasks.length === 0) tasks.push(retry.shift()!);
        return tasks;
      }
      if (held(retry[0])) return tasks;
      tasks.push(retry.shift()!);
      if (last(tasks[tasks.length - 1])) return tasks;
    }
    const entries = this.#entries;
    while (tasks.length < n && this.#head < entries.length) {
      const entry = entries[this.#head];
      if (isSource(entry)) {
        const task = entry.nextTask();
        if (task !== undefined) {
          if (held(task)) {
            // Cut already: it goes first next time.
            this.#retry.unshift(task);
            return tasks;
          }
          tasks.push(task);
          if (last(task)) return tasks;
          continue;
        }
        this.#sources.delete(entry);
      } else if (entry.dropped === true) {
        this.#dropped--;
        this.#plain--;
      } else {
        if (held(entry)) return tasks;
        tasks.push(entry);
        this.#plain--;
        if (last(entry)) {
          entries[this.#head++] = undefined as unknown as Task;
          break;
        }
      }
      entries[this.#head++] = undefined as unknown as Task;
    }
    if (this.#head === entries.length) this.#reset();
    return tasks;
  }

  /**
   * Whether the next task comes from a source none of whose tasks has finished
   * yet: the task time the pool measured on earlier work says nothing about it.
   *
   * @returns True for such a source at the front.
   */
  frontUnmeasured(): boolean {
    if (this.#retry.length > 0) return false;
    const entry = this.#entries[this.#head];
    return entry !== undefined && isSource(entry) && entry.measured === false;
  }

  /**
   * Settle everything queued with `error` and empty the queue.
   *
   * @param error The reason.
   */
  fail(error: unknown): void {
    const entries = [...this.#retry, ...this.#entries.slice(this.#head)];
    this.#retry = [];
    this.#reset();
    for (const entry of entries) {
      if (isSource(entry)) entry.abandon(error);
      else if (entry.dropped !== true) entry.sink.settleTask(entry, false, error);
    }
  }

  #skip(task: Task): void {
    if (task.dropped === true) this.#dropped--;
  }

  #reset(): void {
    this.#entries = [];
    this.#head = 0;
    this.#plain = 0;
    // Dropped tasks still counted are those waiting to be sent again.
    this.#dropped = 0;
    for (const task of this.#retry) if (task.dropped === true) this.#dropped++;
    this.#sources.clear();
  }
}
