/**
 * The pool's queue of work not yet sent: plain tasks, and sources that cut
 * their tasks lazily (a `map` call), in submission order.
 *
 * @module
 */
import type { Task, TaskSource } from "./task.ts";

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

  /** Number of entries (a source counts once, whatever it has left). */
  get size(): number {
    return this.#retry.length + this.#entries.length - this.#head;
  }

  /**
   * Put tasks back at the front, ahead of everything queued (a dead worker's
   * tasks, in the order they were first sent).
   *
   * @param tasks The tasks.
   */
  requeue(tasks: readonly Task[]): void {
    if (tasks.length > 0) this.#retry = [...tasks, ...this.#retry];
  }

  /**
   * Whether the next task is a suspect: it was unanswered by a worker that
   * died without saying why, so it goes alone to a worker holding nothing.
   *
   * @returns True for a suspect at the front.
   */
  frontSuspect(): boolean {
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
    let n = this.#plain + this.#retry.length;
    for (const source of this.#sources) n += Math.max(1, source.estimate());
    return n;
  }

  /**
   * Take up to `n` tasks from the front.
   *
   * @param n How many at most.
   * @returns The tasks, in order (fewer when the queue runs dry).
   */
  take(n: number): Task[] {
    const tasks: Task[] = [];
    const retry = this.#retry;
    while (retry.length > 0 && tasks.length < n) {
      if (retry[0].losses > 0) {
        if (tasks.length === 0) tasks.push(retry.shift()!);
        return tasks;
      }
      tasks.push(retry.shift()!);
    }
    const entries = this.#entries;
    while (tasks.length < n && this.#head < entries.length) {
      const entry = entries[this.#head];
      if (isSource(entry)) {
        const task = entry.nextTask();
        if (task !== undefined) {
          tasks.push(task);
          continue;
        }
        this.#sources.delete(entry);
      } else {
        tasks.push(entry);
        this.#plain--;
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
      else entry.sink.settleTask(entry, false, error);
    }
  }

  #reset(): void {
    this.#entries = [];
    this.#head = 0;
    this.#plain = 0;
    this.#sources.clear();
  }
}
