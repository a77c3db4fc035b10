/**
 * The results of `Executor.map()`: an async iterator in input order over
 * futures of chunks. It reads its inputs (sync or async iterables, zipped as
 * Python's `zip`) all at once by default, as Python does, or with
 * `buffersize` (Python 3.14) at most that many chunks ahead of the consumer,
 * so an endless input works.
 *
 * @module
 */
import { remainingMs } from "../args.ts";
import { TimeoutError } from "../errors.ts";
import type { TaskInput } from "../pool/call_types.ts";
import type { Future } from "./future.ts";

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** Python's `zip(*iterables)` over sync or async iterables. */
class ZipReader {
  readonly sync: boolean;
  readonly #its: AnyIterator[];

  constructor(inputs: readonly TaskInput<unknown>[]) {
    this.#its = inputs.map((input) => {
      const asyncIt = (input as AsyncIterable<unknown>)[Symbol.asyncIterator];
      return typeof asyncIt === "function"
        ? asyncIt.call(input)
        : (input as Iterable<unknown>)[Symbol.iterator]();
    });
    this.sync = inputs.every((input) =>
      typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function"
    );
  }

  /** The next tuple, or undefined at the end of the shortest input. */
  nextSync(): unknown[] | undefined {
    if (this.#its.length === 0) return undefined;
    const tuple: unknown[] = [];
    for (const it of this.#its) {
      const r = (it as Iterator<unknown>).next();
      if (r.done) return undefined;
      tuple.push(r.value);
    }
    return tuple;
  }

  /** The next tuple, awaiting async inputs. */
  async next(): Promise<unknown[] | undefined> {
    if (this.#its.length === 0) return undefined;
    const tuple: unknown[] = [];
    for (const it of this.#its) {
      const r = await it.next();
      if (r.done) return undefined;
      tuple.push(r.value);
    }
    return tuple;
  }

  /** Stop early: let the inputs clean up (their errors have nobody to go to). */
  close(): void {
    for (const it of this.#its) {
      try {
        void Promise.resolve(it.return?.()).catch(() => {});
      } catch {
        // the input's own cleanup failed
      }
    }
  }
}

/** What the map needs from its executor. */
export interface MapHost {
  /** Submit `fn` over one chunk of argument lists. */
  submit(chunk: unknown[][]): Future<unknown[]>;
  /** The iterator has ended (consumed, failed or stopped early). */
  ended(it: ExecutorMapIterator<unknown>): void;
}

/**
 * Results of `Executor.map()` in input order. A failure (the call's error, a
 * `TimeoutError`, the input's error) is thrown once, at its position; the
 * iterator then ends and cancels the calls that have not started, as
 * Python's does.
 *
 * @typeParam R The function's result type.
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "../../mod.ts";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * for await (const y of executor.map((x: number) => x * x, [1, 2, 3])) console.log(y);
 * ```
 */
export class ExecutorMapIterator<R> implements AsyncIterableIterator<R> {
  readonly #host: MapHost;
  readonly #reader: ZipReader;
  readonly #chunksize: number;
  readonly #buffer: number;
  readonly #deadline: number;
  readonly #futures: Future<unknown[]>[] = [];
  #current: unknown[] = [];
  #pos = 0;
  /** Tuples read for the next chunk. */
  #chunk: unknown[][] = [];
  #reading = false;
  #inputDone = false;
  #inputError: { error: unknown } | undefined;
  #ended = false;
  #wake: (() => void) | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Made by `Executor.map()`; not meant to be constructed directly.
   *
   * @param host The executor's side.
   * @param inputs The iterables (already checked).
   * @param chunksize Argument lists per task.
   * @param buffersize Chunks submitted ahead of the consumer (`Infinity`: all).
   * @param deadline When waiting for a result rejects (`performance.now()` time, or `Infinity`).
   */
  constructor(
    host: MapHost,
    inputs: readonly TaskInput<unknown>[],
    chunksize: number,
    buffersize: number,
    deadline: number,
  ) {
    this.#host = host;
    this.#reader = new ZipReader(inputs);
    this.#chunksize = chunksize;
    this.#buffer = buffersize;
    this.#deadline = deadline;
    this.#pump();
  }

  /**
   * Stop reading input (the executor was shut down): the consumer gets what
   * was submitted, then `error`.
   *
   * @param error What the consumer gets where the unread input would be.
   */
  stop(error: unknown): void {
    if (this.#inputDone) return;
    this.#inputFailed(error);
    this.#reader.close();
  }

  #room(): boolean {
    return !this.#inputDone && !this.#ended && this.#futures.length < this.#buffer;
  }

  #pump(): void {
    if (this.#reading || !this.#room()) return;
    this.#reading = true;
    if (!this.#reader.sync) {
      void this.#pumpAsync();
      return;
    }
    try {
      while (this.#room()) this.#add(this.#reader.nextSync());
    } catch (error) {
      this.#inputFailed(error);
    }
    this.#reading = false;
  }

  async #pumpAsync(): Promise<void> {
    try {
      while (this.#room()) {
        const tuple = await this.#reader.next();
        if (!this.#inputDone) this.#add(tuple); // else stopped while reading: dropped
      }
    } catch (error) {
      this.#inputFailed(error);
    }
    this.#reading = false;
  }

  /** One tuple of input (undefined at its end): full chunks are submitted. */
  #add(tuple: unknown[] | undefined): void {
    if (tuple !== undefined) this.#chunk.push(tuple);
    if (tuple !== undefined && this.#chunk.length < this.#chunksize) return;
    const chunk = this.#chunk;
    this.#chunk = [];
    if (chunk.length > 0) this.#futures.push(this.#host.submit(chunk));
    if (tuple === undefined) this.#inputDone = true;
    this.#signal();
  }

  /** The input threw (or the executor stopped it): the error comes after what was submitted. */
  #inputFailed(error: unknown): void {
    if (this.#inputDone) return;
    this.#inputDone = true;
    this.#inputError = { error };
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * The next result.
   *
   * @returns The next result in input order, or `{ done: true }` after the last.
   * @throws {TimeoutError} When the map's `timeout` (counted from the `map()` call) passes first.
   * @throws The call's own error, or the input's, at its position.
   */
  next(): Promise<IteratorResult<R>> {
    // One at a time: a second next() must not take the next chunk before the first has its item.
    const next = this.#tail.then(() => this.#next());
    this.#tail = next.catch(() => {});
    return next;
  }

  async #next(): Promise<IteratorResult<R>> {
    for (;;) {
      if (this.#ended) return { value: undefined, done: true };
      if (this.#pos < this.#current.length) {
        return { value: this.#current[this.#pos++] as R, done: false };
      }
      const head = this.#futures.shift();
      if (head !== undefined) {
        this.#pump(); // Python 3.14: submit the next one before waiting for this one
        try {
          this.#current = await head.result(remainingMs(this.#deadline));
        } catch (error) {
          head.cancel();
          this.#end();
          throw error;
        }
        this.#pos = 0;
        continue;
      }
      if (this.#inputError !== undefined) {
        this.#end();
        throw this.#inputError.error;
      }
      if (this.#inputDone) return this.#end();
      await this.#inputArrives();
    }
  }

  /** Wait for the async input to give the next chunk, within the deadline. */
  async #inputArrives(): Promise<void> {
    const ms = remainingMs(this.#deadline);
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = ms === Infinity ? undefined : setTimeout(() => resolve(false), ms);
      this.#wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
      this.#pump();
    });
    if (!arrived) {
      this.#end();
      throw new TimeoutError(`No result within the map's timeout`);
    }
  }

  #end(): IteratorResult<R> {
    if (!this.#ended) {
      this.#ended = true;
      const wasReading = !this.#inputDone;
      this.#inputDone = true;
      for (const f of this.#futures) f.cancel();
      this.#futures.length = 0;
      this.#current = [];
      if (wasReading) this.#reader.close();
      this.#host.ended(this as ExecutorMapIterator<unknown>);
    }
    return { value: undefined, done: true };
  }

  /**
   * Stop early (a `break` out of `for await`): no more input is read and the
   * calls that have not started are cancelled.
   *
   * @returns `{ done: true }`.
   */
  return(): Promise<IteratorResult<R>> {
    return Promise.resolve(this.#end());
  }

  /**
   * The iterator itself (`for await` support).
   *
   * @returns This iterator.
   */
  [Symbol.asyncIterator](): ExecutorMapIterator<R> {
    return this;
  }
}
