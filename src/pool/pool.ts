/**
 * `Pool`: Python's `multiprocessing.Pool` for Deno, Bun and Node.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { checkCanStartWorkers } from "../process/bootstrap_guard.ts";
import { checkContext, getStartMethod } from "../process/start_method.ts";
import { logicalCpuCount } from "../runtime/cpu.ts";
import type { Context } from "../runtime/types.ts";
import {
  MODE_APPLY,
  MODE_MAP,
  MODE_STARMAP,
  type SourceFunction,
  type TaskMode,
} from "../transport/protocol.ts";
import { collectLeases, releaseLeases } from "../transport/leases.ts";
import { preloadErrorClasses } from "../transport/error_classes.ts";
import { encodeShared } from "../transport/shareable.ts";
import { packNumbers } from "../transport/numeric_pack.ts";
import { AsyncResult, type ResultCallbacks, settleResult } from "./async_result.ts";
import { planChunks } from "./chunking.ts";
import { assertFunction, functionRef, sourceFunction } from "../worker/functions.ts";
import { imapControl, IMapIterator } from "./imap_iterator.ts";
import { MapJob } from "./map_job.ts";
import { checkProgress, type ProgressCallback, ProgressReporter } from "./progress.ts";
import { forgetOpenPool, trackOpenPool } from "./pool_exit.ts";
import {
  checkChunksize,
  checkResourceLimits,
  type Chunksize,
  type PoolOptions,
  positiveInteger,
} from "./options.ts";
import { Scheduler } from "./scheduler.ts";
import type { Task, TaskSink } from "./task.ts";

/** Options of `map`/`starmap`. */
export interface MapOptions {
  /** Items per task: a positive integer or a strategy. Default `"auto"` (`"python"`: CPython's `ceil(n / 4P)`). */
  readonly chunksize?: Chunksize;
  /**
   * Called in the main thread with `{ done, total }` (items finished, items in
   * all): once at the start with `done` 0, then as chunks finish at most every
   * 100 ms, and always when `done` reaches `total`, before the result settles;
   * never after.
   */
  readonly onProgress?: ProgressCallback;
}

/** Options of `mapAsync`/`starmapAsync`. */
export interface MapAsyncOptions<R> extends MapOptions, ResultCallbacks<R[]> {}

/** Options of `imap`/`imapUnordered`. */
export interface IMapOptions {
  /** Items per task. Default 1. */
  readonly chunksize?: number;
  /**
   * Called in the main thread as results arrive, with `{ done, total }`, as for
   * `map`: once at the start, then at most every 100 ms, and always when `done`
   * reaches `total`, before the iterator ends. `total` is the input's length for
   * an array, typed array, `Set` or `Map`, else `undefined` until the input is
   * exhausted. Not called after `return()` (a `break`) or `terminate()`.
   */
  readonly onProgress?: ProgressCallback;
}

/** A function a pool can run: any arguments, any (possibly async) result. */
// deno-lint-ignore no-explicit-any
export type TaskFunction = (...args: any[]) => unknown;
/**
 * The arguments of `apply` after `fn`: `args` is required when `fn` has
 * required parameters (so `apply((a: number, b: number) => a + b)` does not
 * compile), optional (default `[]`) otherwise.
 *
 * @typeParam F The function's type.
 */
export type ApplyArgs<F extends TaskFunction> = [] extends Parameters<F> ? [args?: Parameters<F>]
  : [args: Parameters<F>];
/**
 * The arguments of `applyAsync` after `fn`: `args` (required as for `apply`),
 * then the optional callbacks.
 *
 * @typeParam F The function's type.
 */
export type ApplyAsyncArgs<F extends TaskFunction> = [] extends Parameters<F>
  ? [args?: Parameters<F>, callbacks?: ResultCallbacks<Awaited<ReturnType<F>>>]
  : [args: Parameters<F>, callbacks?: ResultCallbacks<Awaited<ReturnType<F>>>];
/** The input of `map`-like calls: a sync or async iterable. */
export type TaskInput<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Default chunking of `map`/`starmap`: adaptive (`"auto"`). CPython's fixed
 * `ceil(n / (4 * processes))` (`"python"`) leaves one worker with a heavy
 * last chunk on skewed work: 1.2-1.5x the best strategy's makespan on the
 * benchmark's increasing, bimodal and heavy-at-the-end workloads, where
 * `"auto"` stays within 10% (bench/results/REPORT.md).
 */
const DEFAULT_MAP_CHUNKING: Chunksize = "auto";

const RUN = 0;
const CLOSE = 1;
const TERMINATE = 2;

const APPLY_SINK: TaskSink = {
  settleTask: (task, ok, value) => settleResult(task.target as AsyncResult<unknown>, ok, value),
};

/**
 * A sink that ends the pins of the objects its task's payload served (process
 * context) when the task settles.
 */
function leasedSink(sink: TaskSink, ids: string[]): TaskSink {
  let pinned = true;
  const leased: TaskSink = {
    settleTask: (task, ok, value) => {
      if (pinned) releaseLeases(ids);
      pinned = false;
      sink.settleTask(task, ok, value);
    },
  };
  if (sink.observe !== undefined) leased.observe = (task, ms) => sink.observe!(task, ms);
  return leased;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** The length of an input that has one without being read (for `imap` progress). */
function knownLength(input: unknown): number | undefined {
  if (Array.isArray(input)) return input.length;
  if (ArrayBuffer.isView(input)) return (input as unknown as ArrayLike<unknown>).length;
  if (input instanceof Set || input instanceof Map) return input.size;
  return undefined;
}

function chunkOptions<O extends object>(
  arg: number | Chunksize | O | undefined,
): O & { chunksize?: Chunksize } {
  return (typeof arg === "object" && arg !== null ? arg : { chunksize: arg }) as O & {
    chunksize?: Chunksize;
  };
}

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
  readonly processes: number;
  /** Where the workers run. */
  readonly context: Context;
  #state = RUN;
  #scheduler: Scheduler;
  #iterators = new Set<IMapIterator<unknown>>();
  /** Per-item time (ms) the last `"auto"` map of each function measured, by function id. */
  #perItemMs = new Map<number, number>();
  /** Objects the initargs served (process context): pinned for the pool's life. */
  #initLeases: string[] | undefined;
  /** Objects the last `#encode()` served, for its caller to pin. */
  #leased: string[] | undefined;

  /**
   * Start a pool of `processes` workers (default: the CPU count).
   *
   * @param options The number of workers, or options.
   * @throws {RangeError} For a `processes`/`maxtasksperchild` that is not a positive integer,
   *   or a `resourceLimits` cap that is not one.
   * @throws {TypeError} For an `initializer` that is not a function, or a `resourceLimits`
   *   that is not an object of supported caps.
   * @throws {ProcessError} In a worker that is still importing its task module
   *   (the module lacks the `isMainProcess()` guard), or when workers are
   *   already nested `MAX_NESTING` (8) deep.
   */
  constructor(options?: number | PoolOptions) {
    const what = "Cannot create pool";
    checkCanStartWorkers("create a pool");
    const opts: PoolOptions = typeof options === "object" && options !== null
      ? options
      : { processes: options };
    this.processes = opts.processes === undefined || opts.processes === null
      ? logicalCpuCount()
      : positiveInteger(opts.processes, what, "processes");
    const max = opts.maxtasksperchild === undefined || opts.maxtasksperchild === null
      ? undefined
      : positiveInteger(opts.maxtasksperchild, what, "maxtasksperchild");
    if (opts.initializer !== undefined && opts.initializer !== null) {
      assertFunction(opts.initializer, what, "initializer");
    }
    const initargs = opts.initargs ?? [];
    if (!Array.isArray(initargs)) {
      throw new TypeError(`${what}: 'initargs' must be an array, received ${typeof initargs}`);
    }
    this.context = opts.context === undefined ? getStartMethod() : checkContext(opts.context, what);
    const init = collectLeases(() => encodeShared(initargs, this.context) as unknown[]);
    this.#initLeases = init.ids;
    const module = opts.module === undefined ? undefined : String(opts.module);
    if (module !== undefined) preloadErrorClasses(module);
    this.#scheduler = new Scheduler({
      processes: this.processes,
      context: this.context,
      module,
      initializer: opts.initializer ? functionRef(opts.initializer) : undefined,
      initargs: init.value,
      maxtasksperchild: max,
      lazy: opts.lazy === true,
      resourceLimits: checkResourceLimits(opts.resourceLimits, what),
    });
    trackOpenPool(this);
  }

  /** OS pids of the current workers (process context; empty for threads). */
  get pids(): number[] {
    return this.#scheduler.slots.flatMap((s) => (s.handle.pid === undefined ? [] : [s.handle.pid]));
  }

  #check(fn: unknown, what: string): void {
    if (this.#state !== RUN) throw new ProcessError("Pool not running");
    assertFunction(fn, what, "fn");
  }

  /**
   * What a task's arguments or chunk travel as. The objects it served to the
   * children are left in `#leased` for the caller (`#takeLeases()`).
   */
  #encode(mode: TaskMode, payload: unknown[]): unknown {
    const packed = mode === MODE_MAP ? packNumbers(payload) : undefined;
    if (packed !== undefined) return packed;
    if (this.context === "thread") return encodeShared(payload, "thread");
    const { value, ids } = collectLeases(() => encodeShared(payload, "process"));
    this.#leased = ids;
    return value;
  }

  #takeLeases(): string[] | undefined {
    const ids = this.#leased;
    this.#leased = undefined;
    return ids;
  }

  /** The pool has ended: what its initargs served is no longer pinned by it. */
  #ended(): void {
    const ids = this.#initLeases;
    this.#initLeases = undefined;
    if (ids !== undefined) releaseLeases(ids);
  }

  #submit(
    fn: TaskFunction,
    mode: TaskMode,
    payload: unknown,
    sink: TaskSink,
    target: unknown,
    index: number,
  ): void {
    const source = sourceFunction(fn);
    const encoded = this.#encode(mode, payload as unknown[]);
    const ids = this.#takeLeases();
    const task: Task = {
      key: source[0],
      source,
      mode,
      payload: encoded,
      items: encoded instanceof Float64Array ? payload as unknown[] : undefined,
      losses: 0,
      sink: ids === undefined ? sink : leasedSink(sink, ids),
      target,
      index,
    };
    this.#scheduler.submit(task);
  }

  /**
   * Run `fn(...args)` in a worker and wait for the result (Python's `apply`).
   *
   * @param fn A self-contained function (sent by source text: no closures,
   *   pass values as `args`; Bun inlines block-scoped constants, Node and Deno
   *   do not) or one the pool's `module` exports.
   * @param args Its arguments; required when `fn` has required parameters.
   * @returns Its (awaited) result.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws The function's own error, with a `RemoteError` cause.
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
    ...[args]: ApplyArgs<F>
  ): Promise<Awaited<ReturnType<F>>> {
    return await this.#applyAsync(fn, args, undefined).get();
  }

  /**
   * Submit `fn(...args)` and return at once (Python's `apply_async`).
   *
   * @param fn The function.
   * @param args Its arguments; required when `fn` has required parameters.
   * @param callbacks `callback(value)` / `errorCallback(error)`, run once in the main thread.
   * @returns The task's `AsyncResult`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @throws {TypeError} When `fn` is not a function or cannot be sent.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync((x: number) => x * 10, [4]);
   * console.log(await r.get(10_000)); // 40
   * await pool.terminate();
   * ```
   */
  applyAsync<F extends TaskFunction>(
    fn: F,
    ...[args, callbacks]: ApplyAsyncArgs<F>
  ): AsyncResult<Awaited<ReturnType<F>>> {
    return this.#applyAsync(fn, args, callbacks);
  }

  #applyAsync<F extends TaskFunction>(
    fn: F,
    args: Parameters<F> | undefined,
    callbacks: ResultCallbacks<Awaited<ReturnType<F>>> | undefined,
  ): AsyncResult<Awaited<ReturnType<F>>> {
    this.#check(fn, "Cannot submit task");
    const list = args ?? [];
    if (!Array.isArray(list)) {
      throw new TypeError(`Cannot submit task: 'args' must be an array, received ${typeof list}`);
    }
    const result = new AsyncResult<Awaited<ReturnType<F>>>(callbacks);
    this.#submit(fn, MODE_APPLY, list, APPLY_SINK, result, 0);
    return result;
  }

  #mapAsync<R>(
    fn: TaskFunction,
    input: TaskInput<unknown>,
    mode: TaskMode,
    arg: unknown,
    what: string,
  ): AsyncResult<R[]> {
    this.#check(fn, what);
    const opts = chunkOptions<MapAsyncOptions<R>>(arg as MapAsyncOptions<R>);
    const chunksize = checkChunksize(opts.chunksize, what);
    const onProgress = checkProgress(opts.onProgress, what);
    const source = sourceFunction(fn);
    const job = new MapJob<R>(
      opts,
      onProgress === undefined ? undefined : new ProgressReporter(onProgress),
    );
    if (isAsyncIterable(input)) {
      const scheduler = this.#scheduler;
      scheduler.addProducer();
      void (async () => {
        const items: unknown[] = [];
        try {
          for await (const item of input) items.push(item);
          this.#startJob(job, items, source, mode, chunksize);
        } catch (error) {
          job.fail(error);
        } finally {
          scheduler.removeProducer();
        }
      })();
      return job.result;
    }
    if (input == null || typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(`${what}: 'iterable' must be iterable, received ${String(input)}`);
    }
    const items = Array.isArray(input) ? input.slice() : Array.from(input as Iterable<unknown>);
    this.#startJob(job, items, source, mode, chunksize);
    return job.result;
  }

  #startJob<R>(
    job: MapJob<R>,
    items: unknown[],
    source: SourceFunction,
    mode: TaskMode,
    chunksize: Chunksize | undefined,
  ): void {
    const key = source[0];
    const planner = planChunks(chunksize ?? DEFAULT_MAP_CHUNKING, items.length, this.processes, {
      perItemMs: this.#perItemMs.get(key),
    });
    const leases: string[] = [];
    const encode = (chunk: unknown[]) => {
      const encoded = this.#encode(mode, chunk);
      const ids = this.#takeLeases();
      if (ids !== undefined) leases.push(...ids);
      return encoded;
    };
    job.start(items, { source, mode, planner, encode });
    // What its chunks served stays pinned until the whole map has settled.
    const release = () => releaseLeases(leases);
    void job.result.wait().then(release, release);
    // Remember what "auto" measured, so the next map of this function starts from it.
    void job.result.wait().then(() => {
      if (planner.perItemMs !== undefined) this.#perItemMs.set(key, planner.perItemMs);
    });
    if (items.length > 0) this.#scheduler.submitSource(job);
  }

  /**
   * Apply `fn` to every item, in parallel, keeping input order (Python's `map`).
   * Rejects with the first failure to arrive, once every chunk has finished.
   *
   * @param fn The function.
   * @param iterable The items (sync or async iterable).
   * @param chunksize Items per task (positive integer or strategy), or `{ chunksize, onProgress }`.
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
    iterable: TaskInput<T>,
    chunksize?: Chunksize | MapOptions,
  ): Promise<Awaited<R>[]> {
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
    iterable: TaskInput<T>,
    chunksize?: Chunksize | MapAsyncOptions<Awaited<R>>,
  ): AsyncResult<Awaited<R>[]> {
    return this.#mapAsync(fn, iterable, MODE_MAP, chunksize, "Cannot map");
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
    iterable: TaskInput<Parameters<F>>,
    chunksize?: Chunksize | MapOptions,
  ): Promise<Awaited<ReturnType<F>>[]> {
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
    iterable: TaskInput<Parameters<F>>,
    chunksize?: Chunksize | MapAsyncOptions<Awaited<ReturnType<F>>>,
  ): AsyncResult<Awaited<ReturnType<F>>[]> {
    return this.#mapAsync(fn, iterable, MODE_STARMAP, chunksize, "Cannot starmap");
  }

  #imap<R>(
    fn: TaskFunction,
    input: TaskInput<unknown>,
    ordered: boolean,
    arg: unknown,
  ): IMapIterator<R> {
    const what = ordered ? "Cannot imap" : "Cannot imapUnordered";
    this.#check(fn, what);
    const opts = chunkOptions<IMapOptions>(arg as IMapOptions);
    const chunksize = opts.chunksize === undefined || opts.chunksize === null
      ? 1
      : positiveInteger(opts.chunksize, what, "chunksize");
    const onProgress = checkProgress(opts.onProgress, what);
    if (
      input == null ||
      (typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function" &&
        !isAsyncIterable(input))
    ) {
      throw new TypeError(`${what}: 'iterable' must be iterable, received ${String(input)}`);
    }
    sourceFunction(fn);
    const readAhead = Math.max(1024, 4 * this.processes * chunksize);
    const progress = onProgress === undefined
      ? undefined
      : new ProgressReporter(onProgress, knownLength(input));
    const it = new IMapIterator<R>(input, ordered, chunksize, readAhead, progress);
    const scheduler = this.#scheduler;
    const iterators = this.#iterators;
    iterators.add(it as IMapIterator<unknown>);
    scheduler.addProducer();
    imapControl().start(it as IMapIterator<unknown>, {
      submit: (items, index, sink) => this.#submit(fn, MODE_MAP, items, sink, items.length, index),
      get closing() {
        return scheduler.closing;
      },
      done: () => {
        iterators.delete(it as IMapIterator<unknown>);
        scheduler.removeProducer();
      },
    });
    return it;
  }

  /**
   * Lazily apply `fn` to each item, yielding results in input order (Python's `imap`).
   *
   * @param fn The function.
   * @param iterable The items (sync or async iterable, may be endless).
   * @param chunksize Items per task (default 1), or `{ chunksize, onProgress }`.
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
    iterable: TaskInput<T>,
    chunksize?: number | IMapOptions,
  ): IMapIterator<Awaited<R>> {
    return this.#imap(fn, iterable, true, chunksize);
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
    iterable: TaskInput<T>,
    chunksize?: number | IMapOptions,
  ): IMapIterator<Awaited<R>> {
    return this.#imap(fn, iterable, false, chunksize);
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
    if (this.#state === RUN) this.#state = CLOSE;
    this.#scheduler.close();
    for (const it of this.#iterators) imapControl().pump(it);
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
    this.#state = TERMINATE;
    const error = new ProcessError("Pool terminated before the task finished");
    for (const it of this.#iterators) imapControl().abort(it, error);
    await this.#scheduler.terminate();
    forgetOpenPool(this);
    this.#ended();
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
    if (this.#state === RUN) throw new ProcessError("Pool is still running");
    await this.#scheduler.join();
    forgetOpenPool(this);
    this.#ended();
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
