/**
 * `Pool`: Python's `multiprocessing.Pool` for Deno, Bun and Node.
 *
 * @module
 */
import { clusterPool } from "./cluster_hook.ts";
import { checkCanStartWorkers } from "../process/bootstrap_guard.ts";
import type { Context } from "../runtime/types.ts";
import type { AsyncResult } from "./async_result.ts";
import type {
  ApplyArgs,
  ApplyAsyncArgs,
  IMapOptions,
  MapAsyncOptions,
  MapOptions,
  Received,
  TaskFunction,
  TaskInput,
} from "./call_types.ts";
import type { IMapIterator } from "./imap_iterator.ts";
import type { Transfer } from "../transport/transfer.ts";
import { forgetOpenPool, trackOpenPool } from "./pool_exit.ts";
import { checkPoolOptions, type Chunksize, type PoolOptions } from "./options.ts";
import { PoolEngine } from "./pool_engine.ts";

export type * from "./call_types.ts";

/**
 * A pool of worker threads or processes (Python's `multiprocessing.Pool`).
 *
 * @example
 * ```ts
 * import { Pool } from "../../mod.ts";
 * const pool = new Pool(2);
 * console.log(await pool.map((x: number) => x * x, [1, 2, 3])); // [1, 4, 9]
 * pool.close();
 * await pool.join();
 * ```
 */
export class Pool implements AsyncDisposable {
  /** Number of workers. */
  readonly processes!: number;
  /** Where the workers run. */
  readonly context!: Context;
  readonly #engine!: PoolEngine;

  /**
   * Start a pool of `processes` workers (default: the CPU count).
   *
   * @param options The number of workers, or options.
   * @throws {RangeError} For a `processes`/`maxtasksperchild` that is not a positive integer,
   *   a `resourceLimits` cap that is not one, or an `abortGrace` below 0.
   * @throws {TypeError} For an `initializer` that is not a function, or a `resourceLimits`
   *   that is not an object of supported caps.
   * @throws {ProcessError} In a worker that is still importing its task module
   *   (the module lacks the `isMainProcess()` guard), or when workers are
   *   already nested `MAX_NESTING` (8) deep.
   */
  constructor(options?: number | PoolOptions) {
    if (typeof options === "object" && options?.cluster !== undefined) {
      return clusterPool(options) as Pool; // over Redis: see `@seed/multiprocessing/cluster`
    }
    checkCanStartWorkers("create a pool");
    const opts = checkPoolOptions(options, "Cannot create pool");
    this.processes = opts.processes;
    this.context = opts.context;
    this.#engine = new PoolEngine(opts);
    trackOpenPool(this);
  }

  /** OS pids of the current workers (process context; empty for threads). */
  get pids(): number[] {
    return this.#engine.pids;
  }

  /**
   * Run `fn(...args)` in a worker and wait for the result (Python's `apply`).
   *
   * @param fn A self-contained function (sent by source text: no closures,
   *   pass values as `args`; Bun inlines block-scoped constants, Node and Deno
   *   do not) or one the pool's `module` exports.
   * @param args Its arguments; required when `fn` has required parameters.
   * @param options `{ signal, timeout }` (see `CancelOptions`).
   * @returns Its (awaited) result.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws The function's own error, with a `RemoteError` cause.
   * @throws The signal's `reason` when aborted, a `TimeoutError` after `timeout` ms of running.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * console.log(await pool.apply((a: number, b: number) => a + b, [1, 2])); // 3
   * await pool.terminate();
   * ```
   */
  async apply<F extends TaskFunction>(
    fn: F,
    ...[args, options]: ApplyArgs<F>
  ): Promise<Received<ReturnType<F>>> {
    const cancel = options === undefined || options === null
      ? undefined
      : { signal: options.signal, timeout: options.timeout };
    return await this.#engine.apply<Received<ReturnType<F>>>(fn, args, cancel).get();
  }

  /**
   * Submit `fn(...args)` and return at once (Python's `apply_async`).
   *
   * @param fn The function.
   * @param args Its arguments; required when `fn` has required parameters.
   * @param options `callback(value)` / `errorCallback(error)`, run once in the main thread;
   *   `signal` and `timeout` (see `CancelOptions`).
   * @returns The task's `AsyncResult`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws {TypeError} When `fn` is not a function or cannot be sent, or for a bad `signal`/`timeout`.
   * @throws {RangeError} For a `timeout` that is not positive and finite.
   * @throws The signal's `reason` when it is already aborted.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync((x: number) => x * 10, [4]);
   * console.log(await r.get(10_000)); // 40
   * await pool.terminate();
   * ```
   * @example Cancellation (a task that never settles: its worker is replaced after `abortGrace`)
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool({ processes: 1, abortGrace: 100 });
   * const controller = new AbortController();
   * const r = pool.applyAsync(() => new Promise(() => {}), [], { signal: controller.signal });
   * setTimeout(() => controller.abort(), 50);
   * console.log(await r.get().catch((e) => e.name)); // "AbortError"
   * await pool.terminate();
   * ```
   */
  applyAsync<F extends TaskFunction>(
    fn: F,
    ...[args, options]: ApplyAsyncArgs<F>
  ): AsyncResult<Received<ReturnType<F>>> {
    return this.#engine.apply(fn, args, options);
  }

  /**
   * Apply `fn` to every item, in parallel, keeping input order (Python's `map`).
   * Rejects with the first failure to arrive, once every chunk has finished.
   *
   * @param fn The function.
   * @param iterable The items (sync or async iterable).
   * @param chunksize Items per task (positive integer or strategy), or
   *   `{ chunksize, onProgress, signal, timeout }` (a signal cancels the whole call).
   *   Default `"auto"` (adaptive); `"python"` gives CPython's `ceil(n / (4 * processes))`.
   * @returns The results in input order.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws {RangeError} For a bad `chunksize`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * console.log(await pool.map((x: number) => x + 1, [1, 2, 3], 2)); // [2, 3, 4]
   * await pool.terminate();
   * ```
   * @example Progress
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * const squares = await pool.map((x: number) => x * x, [1, 2, 3, 4], {
   *   chunksize: 1,
   *   onProgress: ({ done, total }) => console.log(`${done}/${total}`), // ... 4/4
   * });
   * console.log(squares); // [1, 4, 9, 16]
   * await pool.terminate();
   * ```
   */
  async map<T, R>(
    fn: (item: T) => R,
    iterable: TaskInput<T | Transfer<T>>,
    chunksize?: Chunksize | MapOptions,
  ): Promise<Received<R>[]> {
    return await this.mapAsync(fn, iterable, chunksize).get();
  }

  /**
   * Like `map`, returning an `AsyncResult` at once (Python's `map_async`).
   *
   * @param fn The function.
   * @param iterable The items.
   * @param chunksize Items per task, or `{ chunksize, callback, errorCallback, onProgress }`.
   * @returns The call's `AsyncResult`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws {RangeError} For a bad `chunksize`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * const r = pool.mapAsync((x: number) => -x, [1, 2]);
   * console.log(await r.get()); // [-1, -2]
   * await pool.terminate();
   * ```
   */
  mapAsync<T, R>(
    fn: (item: T) => R,
    iterable: TaskInput<T | Transfer<T>>,
    chunksize?: Chunksize | MapAsyncOptions<Received<R>>,
  ): AsyncResult<Received<R>[]> {
    return this.#engine.map(fn, iterable, false, chunksize);
  }

  /**
   * Like `map`, unpacking each item as arguments (Python's `starmap`).
   *
   * @param fn The function.
   * @param iterable Argument arrays.
   * @param chunksize Items per task, or `{ chunksize, onProgress }`.
   * @returns The results in input order.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * console.log(await pool.starmap((a: number, b: number) => a * b, [[1, 2], [3, 4]])); // [2, 12]
   * await pool.terminate();
   * ```
   */
  async starmap<F extends TaskFunction>(
    fn: F,
    iterable: TaskInput<Parameters<F> | Transfer<Parameters<F>>>,
    chunksize?: Chunksize | MapOptions,
  ): Promise<Received<ReturnType<F>>[]> {
    return await this.starmapAsync(fn, iterable, chunksize).get();
  }

  /**
   * Like `starmap`, returning an `AsyncResult` at once (Python's `starmap_async`).
   *
   * @param fn The function.
   * @param iterable Argument arrays.
   * @param chunksize Items per task, or `{ chunksize, callback, errorCallback, onProgress }`.
   * @returns The call's `AsyncResult`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * const r = pool.starmapAsync((a: number, b: number) => a - b, [[3, 1]]);
   * console.log(await r.get()); // [2]
   * await pool.terminate();
   * ```
   */
  starmapAsync<F extends TaskFunction>(
    fn: F,
    iterable: TaskInput<Parameters<F> | Transfer<Parameters<F>>>,
    chunksize?: Chunksize | MapAsyncOptions<Received<ReturnType<F>>>,
  ): AsyncResult<Received<ReturnType<F>>[]> {
    return this.#engine.map(fn, iterable, true, chunksize);
  }

  /**
   * Lazily apply `fn` to each item, yielding results in input order (Python's `imap`).
   *
   * @param fn The function.
   * @param iterable The items (sync or async iterable, may be endless).
   * @param chunksize Items per task (default 1), or `{ chunksize, buffersize, onProgress,
   *   signal, timeout }` (a signal cancels the whole call: the iterator rejects once, then ends).
   * @returns An async iterator of results; `next(timeout)` may reject `TimeoutError`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * const out: number[] = [];
   * for await (const y of pool.imap((x: number) => x * 2, [1, 2, 3])) out.push(y);
   * console.log(out); // [2, 4, 6]
   * await pool.terminate();
   * ```
   * @example Progress over a lazy input (`total` is undefined until it ends)
   * ```ts
   * import { Pool, type Progress } from "../../mod.ts";
   * const pool = new Pool(2);
   * function* items(): Generator<number> {
   *   for (let i = 0; i < 3; i++) yield i;
   * }
   * const onProgress = ({ done, total }: Progress) => console.log(done, total); // ..., then 3 3
   * for await (const y of pool.imap((x: number) => x * 2, items(), { onProgress })) console.log(y);
   * await pool.terminate();
   * ```
   */
  imap<T, R>(
    fn: (item: T) => R,
    iterable: TaskInput<T | Transfer<T>>,
    chunksize?: number | IMapOptions,
  ): IMapIterator<Received<R>> {
    return this.#engine.imap(fn, iterable, true, chunksize);
  }

  /**
   * Like `imap`, yielding results as they complete (Python's `imap_unordered`).
   *
   * @param fn The function.
   * @param iterable The items.
   * @param chunksize Items per task (default 1), or `{ chunksize, onProgress }`.
   * @returns An async iterator of results in completion order.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(2);
   * const out: number[] = [];
   * for await (const y of pool.imapUnordered((x: number) => x, [1, 2, 3])) out.push(y);
   * console.log(out.sort()); // [1, 2, 3]
   * await pool.terminate();
   * ```
   */
  imapUnordered<T, R>(
    fn: (item: T) => R,
    iterable: TaskInput<T | Transfer<T>>,
    chunksize?: number | IMapOptions,
  ): IMapIterator<Received<R>> {
    return this.#engine.imap(fn, iterable, false, chunksize);
  }

  /**
   * Accept no more tasks; queued ones still run (Python's `close`).
   *
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * pool.close();
   * await pool.join();
   * ```
   */
  close(): void {
    this.#engine.close();
  }

  /**
   * Stop the workers now; every unsettled result and iterator rejects
   * (Python's `terminate`, which would leave them pending).
   *
   * @returns Once every worker has ended.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * await pool.terminate();
   * ```
   */
  async terminate(): Promise<void> {
    await this.#engine.terminate();
    forgetOpenPool(this);
  }

  /**
   * Wait for the workers to finish and exit (Python's `join`); call `close()`
   * or `terminate()` first.
   *
   * @returns Once all work is done and every worker has exited.
   * @throws {ProcessError} "Pool is still running" before `close()`/`terminate()`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => "done");
   * pool.close();
   * await pool.join();
   * console.log(await r.get()); // "done"
   * ```
   */
  async join(): Promise<void> {
    await this.#engine.join();
    forgetOpenPool(this);
  }

  /**
   * `await using pool = new Pool()`: terminates on scope exit, as Python's
   * `with Pool() as pool:` does.
   *
   * @returns Once the workers have ended.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * await pool[Symbol.asyncDispose]();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }
}
