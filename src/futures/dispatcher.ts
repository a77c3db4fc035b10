/**
 * What is behind an executor: its `Pool`, and the calls submitted to it but
 * not yet handed to the pool. The pool gets one call per worker at a time,
 * as an idle thread of Python's `ThreadPoolExecutor` takes the next call: a
 * call never waits behind a long one on a busy worker while another is free,
 * `running()` is true while a worker has the call, and `cancel()` takes any
 * call that has not started out of this queue for certain. (The pool, left
 * to itself, may queue a second call on a worker.)
 *
 * @module
 */
import type { AsyncResult } from "../pool/async_result.ts";
import type { TaskFunction } from "../pool/call_types.ts";
import type { Pool } from "../pool/pool.ts";
import { Future, futureInternals } from "./future.ts";

/** Calls handed to the pool at once, per worker. */
const IN_FLIGHT_PER_WORKER = 1;

/** One submitted call: `fn(...args)`, or `fn` over a chunk of argument lists (`map`). */
interface WorkItem {
  readonly future: Future<unknown>;
  readonly fn: TaskFunction;
  readonly args: unknown[];
  readonly chunk: boolean;
}

/** Hands an executor's calls to its pool, oldest first. */
export class Dispatcher {
  readonly #pool: Pool;
  readonly #limit: number;
  #queue: WorkItem[] = [];
  #head = 0;
  #inFlight = 0;
  readonly #running = new Set<Future<unknown>>();
  #closing = false;
  #poolClosed = false;
  readonly #ended: Promise<void>;
  #resolveEnded!: () => void;
  #stopped: Promise<void> | undefined;

  /** @param pool The executor's pool. */
  constructor(pool: Pool) {
    this.#pool = pool;
    this.#limit = pool.processes * IN_FLIGHT_PER_WORKER;
    this.#ended = new Promise<void>((resolve) => (this.#resolveEnded = resolve));
  }

  /**
   * Queue a call.
   *
   * @param fn The function (already checked).
   * @param args Its arguments, or (with `chunk`) a list of argument lists.
   * @param chunk Whether `args` is a chunk (the result is then the list of results).
   * @returns Its future.
   */
  submit(fn: TaskFunction, args: unknown[], chunk: boolean): Future<unknown> {
    const future = new Future<unknown>();
    this.#queue.push({ future, fn, args, chunk });
    this.#dispatch();
    return future;
  }

  /**
   * Accept no more calls: once the queue has drained, close the pool.
   *
   * @param cancel Cancel every call not handed to the pool (and, where the pool
   *   can withdraw them, those it has not started).
   */
  close(cancel: boolean): void {
    this.#closing = true;
    if (cancel) this.#cancelAll();
    this.#dispatch();
  }

  /** Resolves once the pool has ended (after `close()` has drained the queue, or `terminate()`). */
  ended(): Promise<void> {
    return this.#ended;
  }

  /**
   * Cancel what has not been handed over and stop the workers now: every
   * running future fails.
   *
   * @returns Once the workers have ended.
   */
  terminate(): Promise<void> {
    this.#closing = true;
    this.#cancelAll();
    this.#stopped ??= this.#pool.terminate().then(() => this.#resolveEnded());
    return this.#stopped;
  }

  #cancelAll(): void {
    const queue = this.#queue;
    const head = this.#head;
    this.#queue = [];
    this.#head = 0;
    for (let i = head; i < queue.length; i++) queue[i].future.cancel();
    for (const future of [...this.#running]) future.cancel();
  }

  #dispatch(): void {
    while (this.#inFlight < this.#limit && this.#head < this.#queue.length) {
      const item = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined as unknown as WorkItem;
      if (item.future.setRunningOrNotifyCancel()) this.#start(item);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#closing && this.#head === this.#queue.length && !this.#poolClosed) {
      this.#poolClosed = true;
      this.#pool.close();
      const ended = () => this.#resolveEnded();
      void this.#pool.join().then(ended, ended);
    }
  }

  #start(item: WorkItem): void {
    const { future } = item;
    let result: AsyncResult<unknown> | AsyncResult<unknown[]>;
    try {
      result = item.chunk
        ? this.#pool.starmapAsync(item.fn, item.args as unknown[][], {
          chunksize: Math.max(1, item.args.length),
        })
        : this.#pool.applyAsync(item.fn, item.args);
    } catch (error) {
      // Arguments that cannot be sent, or a pool that is no longer running: this call fails.
      future.setException(error);
      return;
    }
    this.#inFlight++;
    this.#running.add(future);
    // The pool gets at most one call per worker, so a call handed over starts at
    // once: it counts as running (Python's meaning) and can no longer be cancelled.
    futureInternals().bind(future, { cancel: () => false, running: () => true });
    let settled = false;
    const finish = (ok: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      this.#running.delete(future);
      if (!future.done()) {
        if (ok) future.setResult(value);
        else future.setException(value);
      }
      this.#dispatch();
    };
    (result.get() as Promise<unknown>).then(
      (value) => finish(true, value),
      (error) => finish(false, error),
    );
  }
}
