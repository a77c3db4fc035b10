/**
 * `IMapIterator`: the lazy result stream of `imap` (input order) and
 * `imapUnordered` (completion order). It reads its input (sync or async
 * iterable) lazily with bounded read-ahead, so endless generators work.
 *
 * @module
 */
import { checkTimeout } from "../args.ts";
import { TimeoutError } from "../errors.ts";
import type { ProgressReporter } from "./progress.ts";
import type { IMapControl, IMapFeed, Task, TaskSink } from "./task.ts";

interface Entry {
  readonly ok: boolean;
  readonly value: unknown;
  /** Positions this entry stands for (a failed chunk covers all its items). */
  readonly span: number;
}

interface Waiter {
  resolve(result: IteratorResult<unknown>): void;
  reject(error: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
}

let control: IMapControl;

/**
 * The pool's handle on iterators' internals.
 *
 * @returns The control functions.
 * @example
 * ```ts ignore
 * imapControl().pump(it);
 * ```
 */
export function imapControl(): IMapControl {
  return control;
}

/**
 * Results of `imap`/`imapUnordered`, as an async iterator. `next(timeout)`
 * rejects with `TimeoutError` when no result arrives in time and leaves the
 * iterator usable. Created by the pool.
 *
 * @typeParam T The function's result type.
 * @example
 * ```ts
 * import { Pool } from "../../mod.ts";
 * const pool = new Pool(2);
 * for await (const y of pool.imap((x: number) => x * x, [1, 2, 3])) console.log(y);
 * await pool.terminate();
 * ```
 */
export class IMapIterator<T> implements AsyncIterableIterator<T> {
  readonly #ordered: boolean;
  readonly #chunksize: number;
  readonly #limit: number;
  #feed: IMapFeed | undefined;
  #input: Iterator<unknown> | AsyncIterator<unknown> | undefined;
  #async: boolean;
  #reading = false;
  #inputDone = false;
  #chunk: unknown[] = [];
  #submitted = 0;
  #consumed = 0;
  #total = Infinity;
  #nextIndex = 0;
  #byIndex = new Map<number, Entry>();
  #arrived: Entry[] = [];
  #waiters: Waiter[] = [];
  #fatal: unknown;
  /** Cancelled by its signal: results still arriving are dropped; `#fatal` is reported once. */
  #cancelled = false;
  readonly #progress: ProgressReporter | undefined;
  /** Items handed to workers (the progress total once the input has ended). */
  #items = 0;

  /**
   * Made by `Pool.imap`/`imapUnordered`; not meant to be constructed directly.
   *
   * @param input The iterable to map over.
   * @param ordered `true` for input order (`imap`).
   * @param chunksize Items per task.
   * @param readAhead Items that may be submitted and not yet consumed.
   * @param progress Reports finished items (the `onProgress` option).
   */
  constructor(
    input: Iterable<unknown> | AsyncIterable<unknown>,
    ordered: boolean,
    chunksize: number,
    readAhead: number,
    progress?: ProgressReporter,
  ) {
    this.#ordered = ordered;
    this.#progress = progress;
    this.#chunksize = chunksize;
    this.#limit = Math.max(readAhead, chunksize);
    const asyncIt = (input as AsyncIterable<unknown>)[Symbol.asyncIterator];
    this.#async = typeof asyncIt === "function";
    this.#input = this.#async
      ? asyncIt.call(input)
      : (input as Iterable<unknown>)[Symbol.iterator]();
  }

  static {
    control = {
      start: (it, feed) => {
        it.#feed = feed;
        it.#progress?.start();
        it.#pump();
      },
      pump: (it) => it.#pump(),
      abort: (it, error) => it.#abort(error),
      cancel: (it, reason) => it.#cancel(reason),
    };
  }

  /** Where finished chunks go (the scheduler calls it). */
  #sink: TaskSink = { settleTask: (task, ok, value) => this.#settleTask(task, ok, value) };

  /** Read more input if the read-ahead allows. */
  #pump(): void {
    if (this.#reading || this.#inputDone || this.#feed === undefined) return;
    if (this.#async) void this.#pumpAsync();
    else this.#pumpSync();
  }

  #room(): boolean {
    return this.#feed!.closing || this.#submitted - this.#consumed < this.#limit;
  }

  #pumpSync(): void {
    this.#reading = true;
    const it = this.#input as Iterator<unknown>;
    try {
      while (!this.#inputDone && this.#room()) {
        let r: IteratorResult<unknown>;
        try {
          r = it.next();
        } catch (error) {
          this.#readFailed(error);
          return;
        }
        this.#accept(r);
      }
    } finally {
      this.#reading = false;
    }
  }

  async #pumpAsync(): Promise<void> {
    this.#reading = true;
    const it = this.#input as AsyncIterator<unknown>;
    try {
      while (!this.#inputDone && this.#room()) {
        let r: IteratorResult<unknown>;
        try {
          r = await it.next();
        } catch (error) {
          this.#readFailed(error);
          return;
        }
        this.#accept(r);
      }
    } finally {
      this.#reading = false;
    }
  }

  /** One read of the input: collect it; submit full chunks; finish at the end. */
  #accept(r: IteratorResult<unknown>): void {
    if (r.done) {
      this.#flushChunk();
      this.#endInput();
      return;
    }
    this.#chunk.push(r.value);
    if (this.#chunk.length >= this.#chunksize) this.#flushChunk();
  }

  /**
   * The input threw. CPython's rule: the chunk being cut fails whole (its items
   * already read never run) and the error takes that chunk's position; chunks
   * submitted before still run.
   */
  #readFailed(error: unknown): void {
    this.#chunk = [];
    this.#inputFailed(error);
  }

  #flushChunk(): void {
    const chunk = this.#chunk;
    if (chunk.length === 0) return;
    this.#chunk = [];
    if (this.#fatal !== undefined) return;
    const index = this.#submitted;
    this.#submitted += chunk.length;
    this.#items += chunk.length;
    try {
      this.#feed!.submit(chunk, index, this.#sink);
    } catch (error) {
      // The chunk could not be sent (an item that can't be cloned): it fails at its position.
      this.#store(index, { ok: false, value: error, span: chunk.length });
      this.#progress?.add(chunk.length);
      this.#wake();
    }
  }

  #endInput(): void {
    if (this.#inputDone) return;
    this.#inputDone = true;
    this.#total = this.#submitted;
    this.#input = undefined;
    this.#feed?.done();
    this.#progress?.setTotal(this.#items);
    this.#wake();
  }

  #inputFailed(error: unknown): void {
    const at = this.#submitted;
    this.#submitted++;
    this.#store(at, { ok: false, value: error, span: 1 });
    this.#endInput();
  }

  /** A chunk finished: its values, or its error at its first position. */
  #settleTask(task: Task, ok: boolean, value: unknown): void {
    if (this.#cancelled) return;
    const count = task.target as number;
    if (ok) {
      const values = value as unknown[];
      for (let i = 0; i < values.length; i++) {
        this.#store(task.index + i, { ok: true, value: values[i], span: 1 });
      }
    } else this.#store(task.index, { ok: false, value, span: count });
    // Before the results are delivered: the last progress call precedes the end of iteration.
    this.#progress?.add(count);
    this.#wake();
  }

  #store(index: number, entry: Entry): void {
    if (this.#ordered) this.#byIndex.set(index, entry);
    else this.#arrived.push(entry);
  }

  #take(): Entry | undefined {
    if (this.#ordered) {
      const entry = this.#byIndex.get(this.#nextIndex);
      if (entry === undefined) return undefined;
      this.#byIndex.delete(this.#nextIndex);
      this.#nextIndex += entry.span;
      this.#consumed += entry.span;
      return entry;
    }
    const entry = this.#arrived.shift();
    if (entry !== undefined) this.#consumed += entry.span;
    return entry;
  }

  #deliver(waiter: Waiter): boolean {
    const entry = this.#take();
    if (entry !== undefined) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      if (entry.ok) waiter.resolve({ value: entry.value, done: false });
      else waiter.reject(entry.value);
      return true;
    }
    if (this.#consumed >= this.#total) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve({ value: undefined, done: true });
      return true;
    }
    if (this.#fatal !== undefined) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(this.#fatal);
      if (this.#cancelled) this.#total = this.#consumed;
      return true;
    }
    return false;
  }

  #wake(): void {
    while (this.#waiters.length > 0 && this.#deliver(this.#waiters[0])) this.#waiters.shift();
    this.#pump();
  }

  /** Fail everything not yet delivered (pool terminated). */
  #abort(error: unknown): void {
    if (this.#fatal !== undefined) return;
    this.#progress?.close();
    this.#fatal = error;
    if (!this.#inputDone) {
      this.#inputDone = true;
      this.#feed?.done();
    }
    this.#wake();
  }

  #cancel(reason: unknown): void {
    if (this.#fatal !== undefined || this.#consumed >= this.#total) return;
    this.#progress?.close();
    this.#cancelled = true;
    this.#byIndex.clear();
    this.#arrived = [];
    this.#stopReading();
    this.#abort(reason);
  }

  /** Read no more input, and let the input clean up. */
  #stopReading(): void {
    if (this.#inputDone) return;
    const it = this.#input;
    this.#endInput();
    void (async () => {
      try {
        await it?.return?.();
      } catch {
        // the input's own cleanup failed; nothing to report to
      }
    })();
  }

  /**
   * The next result (Python's `next(timeout)`).
   *
   * @param timeout Milliseconds to wait at most; `null`/`undefined`/`Infinity` wait forever.
   * @returns The next result, or `{ done: true }` after the last.
   * @throws {TypeError} When `timeout` is not a number, or is `NaN`.
   * @throws {TimeoutError} When none arrives in time (the iterator stays usable).
   * @throws The task's error at its position.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const it = pool.imap((x: number) => x + 1, [1, 2]);
   * console.log((await it.next(10_000)).value); // 2
   * await pool.terminate();
   * ```
   */
  next(timeout?: number | null): Promise<IteratorResult<T>> {
    const ms = checkTimeout("get the next result", timeout);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as Waiter["resolve"], reject };
      if (this.#waiters.length === 0 && this.#deliver(waiter)) {
        this.#pump();
        return;
      }
      this.#waiters.push(waiter);
      if (ms !== Infinity) {
        waiter.timer = setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new TimeoutError(`No result within ${ms} ms`));
        }, ms);
      }
      this.#pump();
    });
  }

  /**
   * Stop early (a `break` out of `for await`): no more input is read.
   *
   * @returns `{ done: true }`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const it = pool.imap((x: number) => x, [1, 2, 3]);
   * await it.return();
   * await pool.terminate();
   * ```
   */
  return(): Promise<IteratorResult<T>> {
    this.#progress?.close();
    this.#stopReading();
    this.#total = this.#consumed;
    this.#byIndex.clear();
    this.#arrived = [];
    this.#wake();
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * The iterator itself (`for await` support).
   *
   * @returns This iterator.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const it = pool.imapUnordered((x: number) => x, [1]);
   * console.log(it[Symbol.asyncIterator]() === it); // true
   * await pool.terminate();
   * ```
   */
  [Symbol.asyncIterator](): IMapIterator<T> {
    return this;
  }
}
