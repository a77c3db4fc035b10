/**
 * The argument and option types of the pool's calls (`apply`, `map`, `imap`, ...).
 *
 * @module
 */
import type { ResultCallbacks } from "./async_result.ts";
import type { CancelOptions } from "./cancel_scope.ts";
import type { Chunksize } from "./options.ts";
import type { ProgressCallback } from "./progress.ts";
import type { Transfer } from "../transport/transfer.ts";

export type { CancelOptions } from "./cancel_scope.ts";

/** Options of `applyAsync`: the callbacks, a `signal` and a `timeout`. */
export interface ApplyAsyncOptions<R> extends ResultCallbacks<R>, CancelOptions {}

/** Options of `map`/`starmap`. */
export interface MapOptions extends CancelOptions {
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
export interface IMapOptions extends CancelOptions {
  /** Items per task. Default 1. */
  readonly chunksize?: number;
  /**
   * How many tasks (chunks of `chunksize` items) are read from the input and
   * submitted ahead of the consumer (Python 3.15's `buffersize`): a positive
   * integer. Default: `max(1024 / chunksize, 4 * processes)` tasks.
   */
  readonly buffersize?: number;
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
 * compile), optional (default `[]`) otherwise; then `{ signal, timeout }`.
 *
 * @typeParam F The function's type.
 */
export type ApplyArgs<F extends TaskFunction> = [] extends Parameters<F>
  ? [args?: SendableArgs<Parameters<F>>, options?: CancelOptions]
  : [args: SendableArgs<Parameters<F>>, options?: CancelOptions];
/**
 * The arguments of `applyAsync` after `fn`: `args` (required as for `apply`),
 * then the optional callbacks, `signal` and `timeout`.
 *
 * @typeParam F The function's type.
 */
export type ApplyAsyncArgs<F extends TaskFunction> = [] extends Parameters<F>
  ? [args?: SendableArgs<Parameters<F>>, options?: ApplyAsyncOptions<Received<ReturnType<F>>>]
  : [args: SendableArgs<Parameters<F>>, options?: ApplyAsyncOptions<Received<ReturnType<F>>>];
/** The input of `map`-like calls: a sync or async iterable. */
export type TaskInput<T> = Iterable<T> | AsyncIterable<T>;
/**
 * A task's arguments, each of which may come wrapped in a `Transfer` (its
 * buffers then move to the worker in the thread context).
 *
 * @typeParam P The function's parameters.
 */
export type SendableArgs<P extends readonly unknown[]> = {
  [K in keyof P]: P[K] | Transfer<P[K]>;
};
/**
 * What the caller receives from a task returning `R` (or a promise of it):
 * a `Transfer`'s value, not the `Transfer`.
 *
 * @typeParam R The task's return type.
 */
export type Received<R> = Awaited<R> extends Transfer<infer V> ? V : Awaited<R>;
