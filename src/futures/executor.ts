/**
 * `Executor`: Python's `concurrent.futures` executors over this library's
 * `Pool` (no second engine): `ProcessPoolExecutor` runs calls in child
 * processes, `ThreadPoolExecutor` in worker threads.
 *
 * @module
 */
import { checkBoolean, checkInteger, checkTimeout, deadlineAfter, describe } from "../args.ts";
import { ProcessError } from "../errors.ts";
import type { Received, SendableArgs, TaskFunction, TaskInput } from "../pool/call_types.ts";
import { assertFunction, sourceFunction } from "../worker/functions.ts";
import { Pool } from "../pool/pool.ts";
import { cpuCount } from "../process/cpu_count.ts";
import type { Context } from "../runtime/types.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { Future } from "./future.ts";
import { ExecutorMapIterator } from "./map_iterator.ts";

/** Options of `new ProcessPoolExecutor(options)` and `new ThreadPoolExecutor(options)`. */
export interface ExecutorOptions {
  /** Number of workers. Default: `cpuCount()`. */
  readonly maxWorkers?: number | null;
  /** Called as `initializer(...initargs)` once in each worker before its first call. */
  // deno-lint-ignore no-explicit-any
  readonly initializer?: (...args: any[]) => unknown;
  /** Arguments for `initializer`. Default `[]`. */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after this many calls (a `map` chunk counts as one). Default: never. */
  readonly maxTasksPerChild?: number | null;
  /** A module (usually `import.meta.url`) whose exports are called by reference (see `Pool`). */
  readonly module?: string | URL;
}

/** Options of `Executor.map()`, given after the iterables. */
export interface ExecutorMapOptions {
  /** Milliseconds from the `map()` call after which waiting for a result rejects `TimeoutError`. */
  readonly timeout?: number | null;
  /** Argument lists per task (default 1). */
  readonly chunksize?: number;
  /**
   * Python 3.14: tasks (chunks) submitted ahead of the consumer; the input is
   * read lazily, so it may be endless. Default: the whole input at once, as in Python.
   */
  readonly buffersize?: number | null;
}

/** Options of `Executor.shutdown()`. */
export interface ShutdownOptions {
  /** Wait until every pending call is done and the workers have exited (default `true`). */
  readonly wait?: boolean;
  /** Cancel the calls that have not started (default `false`). */
  readonly cancelFutures?: boolean;
}

/** The iterables of `map(fn, ...iterables)` for a function taking `A`. */
export type MapIterables<A extends unknown[]> = { [K in keyof A]: TaskInput<A[K]> };

function isIterable(value: unknown): boolean {
  return value != null && (
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
  );
}

/**
 * The executors' common part (Python's `concurrent.futures.Executor`); use
 * `ProcessPoolExecutor` or `ThreadPoolExecutor`.
 *
 * @example
 * ```ts
 * import { type Executor, ThreadPoolExecutor } from "../../mod.ts";
 * const executor: Executor = new ThreadPoolExecutor({ maxWorkers: 1 });
 * console.log(await executor.submit(() => "hi")); // "hi"
 * await executor.shutdown();
 * ```
 */
export abstract class Executor implements AsyncDisposable {
  /** Number of workers. */
  readonly maxWorkers: number;
  /** Where the calls run. */
  readonly context: Context;
  readonly #dispatcher: Dispatcher;
  #shutdown = false;
  readonly #maps = new Set<ExecutorMapIterator<unknown>>();

  /**
   * Start an executor over a new lazy `Pool` (for the subclasses).
   *
   * @param context Where the calls run.
   * @param options The number of workers, or options.
   * @throws {RangeError} For a `maxWorkers`/`maxTasksPerChild` that is not a positive integer.
   * @throws {TypeError} For an `initializer` that is not a function, or `initargs` that are not an array.
   */
  protected constructor(context: Context, options: number | ExecutorOptions | undefined) {
    const what = `create ${context === "process" ? "ProcessPoolExecutor" : "ThreadPoolExecutor"}`;
    const opts: ExecutorOptions = typeof options === "object" && options !== null
      ? options
      : { maxWorkers: options };
    this.maxWorkers = opts.maxWorkers === undefined || opts.maxWorkers === null
      ? cpuCount()
      : checkInteger(what, "maxWorkers", opts.maxWorkers, { min: 1 });
    const maxtasksperchild = opts.maxTasksPerChild === undefined || opts.maxTasksPerChild === null
      ? undefined
      : checkInteger(what, "maxTasksPerChild", opts.maxTasksPerChild, { min: 1 });
    if (opts.initializer !== undefined) {
      assertFunction(opts.initializer, `Cannot ${what}`, "initializer");
    }
    if (opts.initargs !== undefined && !Array.isArray(opts.initargs)) {
      throw new TypeError(
        `Cannot ${what}: 'initargs' must be an array, received ${describe(opts.initargs)}`,
      );
    }
    this.context = context;
    const pool = new Pool({
      processes: this.maxWorkers,
      context,
      initializer: opts.initializer,
      initargs: opts.initargs,
      maxtasksperchild,
      module: opts.module,
      lazy: true, // as Python's executors, start workers when there is work
    });
    this.#dispatcher = new Dispatcher(pool);
  }

  #checkOpen(what: string, fn: unknown): void {
    if (this.#shutdown) {
      throw new ProcessError(`Cannot ${what}: the executor has been shut down`);
    }
    assertFunction(fn, `Cannot ${what}`, "fn");
    sourceFunction(fn); // a function that cannot travel fails here, not later in its future
  }

  /**
   * Schedule `fn(...args)` (Python's `submit`).
   *
   * @param fn A self-contained function (sent by source text, as for `Pool`)
   *   or one the executor's `module` exports.
   * @param args Its arguments (each may be a `Transfer`, as for `Pool.apply`).
   * @returns The call's future (a returned `Transfer` resolves to its value).
   * @throws {ProcessError} After `shutdown()` (Python: `RuntimeError`).
   * @throws {TypeError} When `fn` is not a function or cannot be sent.
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "../../mod.ts";
   * await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
   * const future = executor.submit((x: number) => x ** 2, 12);
   * console.log(await future.result()); // 144
   * ```
   */
  submit<F extends TaskFunction>(
    fn: F,
    ...args: SendableArgs<Parameters<F>>
  ): Future<Received<ReturnType<F>>> {
    this.#checkOpen("submit", fn);
    return this.#dispatcher.submit(fn, args, false) as Future<Received<ReturnType<F>>>;
  }

  /**
   * `fn` applied to the items of the iterables taken together, as Python's
   * `map(fn, *iterables)`: results in input order, as an async iterator.
   * The input is read at once (or, with `buffersize`, lazily); the calls run
   * in parallel. A failure is thrown at its position and ends the iterator,
   * cancelling the calls that have not started.
   *
   * @param fn The function; it receives one item of each iterable.
   * @param rest The iterables (sync or async), then optionally `{ timeout, chunksize, buffersize }`.
   * @returns An async iterator of results.
   * @throws {ProcessError} After `shutdown()`.
   * @throws {TypeError} When an iterable is not iterable or `fn` cannot be sent.
   * @throws {RangeError} For a `chunksize` or `buffersize` that is not a positive integer.
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "../../mod.ts";
   * await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
   * const out: number[] = [];
   * for await (const y of executor.map((a: number, b: number) => a ** b, [2, 3], [5, 2])) out.push(y);
   * console.log(out); // [32, 9]
   * ```
   */
  map<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...rest: [...MapIterables<NoInfer<A>>] | [...MapIterables<NoInfer<A>>, ExecutorMapOptions]
  ): ExecutorMapIterator<Awaited<R>> {
    this.#checkOpen("map", fn);
    const last = rest.at(-1);
    const hasOptions = rest.length > 0 && typeof last === "object" && last !== null &&
      !isIterable(last);
    const opts = (hasOptions ? last : {}) as ExecutorMapOptions;
    const inputs = (hasOptions ? rest.slice(0, -1) : rest) as TaskInput<unknown>[];
    for (const input of inputs) {
      if (!isIterable(input)) {
        throw new TypeError(
          `Cannot map: each iterable must be iterable, received ${describe(input)}`,
        );
      }
    }
    const deadline = deadlineAfter(checkTimeout("map", opts.timeout));
    const chunksize = opts.chunksize === undefined
      ? 1
      : checkInteger("map", "chunksize", opts.chunksize, { min: 1 });
    const buffersize = opts.buffersize === undefined || opts.buffersize === null
      ? Infinity
      : checkInteger("map", "buffersize", opts.buffersize, { min: 1 });
    const dispatcher = this.#dispatcher;
    const maps = this.#maps;
    const it = new ExecutorMapIterator<Awaited<R>>(
      {
        submit: (chunk) => dispatcher.submit(fn, chunk, true) as Future<unknown[]>,
        ended: (it) => maps.delete(it),
      },
      inputs,
      chunksize,
      buffersize,
      deadline,
    );
    maps.add(it as ExecutorMapIterator<unknown>);
    return it;
  }

  /**
   * Accept no more calls and free the workers once the pending calls are
   * done (Python's `shutdown`). Calls already submitted still run, unless
   * `cancelFutures`; a `map` still reading its input (with `buffersize`, or
   * from an async iterable) stops reading: its consumer gets a `ProcessError`
   * where the unread input would be.
   * Calling it again is harmless.
   *
   * @param options `{ wait = true, cancelFutures = false }`.
   * @returns With `wait`, once every pending call is done and the workers
   *   have exited; otherwise at once.
   * @throws {TypeError} When an option is not a boolean.
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "../../mod.ts";
   * const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
   * const future = executor.submit(() => 1);
   * await executor.shutdown();
   * console.log(future.done()); // true
   * ```
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const wait = checkBoolean("shut down the executor", "wait", options?.wait, true);
    const cancel = checkBoolean(
      "shut down the executor",
      "cancelFutures",
      options?.cancelFutures,
      false,
    );
    this.#stop();
    this.#dispatcher.close(cancel);
    if (wait) await this.#dispatcher.ended();
  }

  /**
   * Stop the workers now (Python 3.14's `terminate_workers`): the calls that
   * have not started are cancelled, and the running ones fail with a
   * `ProcessError` at once. The executor is shut down.
   *
   * @returns Once the workers have ended.
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "../../mod.ts";
   * const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
   * const future = executor.submit(() => new Promise(() => {})); // never ends
   * await executor.terminateWorkers();
   * console.log(future.done()); // true
   * ```
   */
  async terminateWorkers(): Promise<void> {
    this.#stop();
    await this.#dispatcher.terminate();
  }

  /**
   * Python 3.14's `kill_workers`: the same as `terminateWorkers()` here (the
   * pool stops its workers one way; a child process that ignores SIGTERM is
   * killed).
   *
   * @returns Once the workers have ended.
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "../../mod.ts";
   * const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
   * await executor.killWorkers();
   * ```
   */
  async killWorkers(): Promise<void> {
    await this.terminateWorkers();
  }

  /** Shut down: no more calls; lazy maps stop reading. */
  #stop(): void {
    this.#shutdown = true;
    const error = new ProcessError("Cannot schedule new futures after shutdown");
    for (const it of [...this.#maps]) it.stop(error);
  }

  /**
   * `await using executor = ...`: `shutdown({ wait: true })` on scope exit, as
   * Python's `with` block does.
   *
   * @returns Once the executor has shut down.
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from "../../mod.ts";
   * const executor = new ThreadPoolExecutor(1);
   * await executor[Symbol.asyncDispose]();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }
}

/**
 * An executor whose calls run in child processes (Python's
 * `concurrent.futures.ProcessPoolExecutor`), over a process-context `Pool`.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor } from "../../mod.ts";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * console.log(await executor.submit(() => 6 * 7)); // 42
 * ```
 */
export class ProcessPoolExecutor extends Executor {
  /**
   * Create the executor; its workers start with the first call.
   *
   * @param options The number of workers, or options.
   * @throws {RangeError} For a `maxWorkers`/`maxTasksPerChild` that is not a positive integer.
   * @throws {TypeError} For an `initializer` that is not a function.
   */
  constructor(options?: number | ExecutorOptions) {
    super("process", options);
  }
}

/**
 * An executor whose calls run in worker threads (Python's
 * `concurrent.futures.ThreadPoolExecutor`), over a thread-context `Pool`.
 * Unlike Python's threads, the workers do not share the caller's variables:
 * functions travel as for `Pool`.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "../../mod.ts";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * console.log(await executor.submit((s: string) => s.toUpperCase(), "hi")); // "HI"
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  /**
   * Create the executor; its workers start with the first call.
   *
   * @param options The number of workers, or options.
   * @throws {RangeError} For a `maxWorkers`/`maxTasksPerChild` that is not a positive integer.
   * @throws {TypeError} For an `initializer` that is not a function.
   */
  constructor(options?: number | ExecutorOptions) {
    super("thread", options);
  }
}
