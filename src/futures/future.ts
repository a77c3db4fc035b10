/**
 * `Future`: the eventual result of a call submitted to an executor (Python's
 * `concurrent.futures.Future`), also usable on its own.
 *
 * @module
 */
import { checkTimeout } from "../args.ts";
import { CancelledError, InvalidStateError, TimeoutError } from "../errors.ts";

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;
const FINISHED = 3;

/** What an executor tells a running future about its task in the pool. */
export interface TaskHooks {
  /** Try to withdraw the task before it starts; true when it will not run. */
  cancel(): boolean;
  /** Whether the task is running now, when the pool knows (undefined: it does not say). */
  running(): boolean | undefined;
}

/** Executor-side access to a future (not part of the public API). */
export interface FutureInternals {
  /** Attach the hooks of the pool task that carries a running future. */
  bind(future: Future<unknown>, hooks: TaskHooks): void;
  /** Call `fn` once when `future` is done; returns a function that forgets `fn`. */
  onDone(future: Future<unknown>, fn: () => void): () => void;
  /** Whether `future` finished by raising (not cancelled). */
  failed(future: Future<unknown>): boolean;
}

let internals: FutureInternals;

/**
 * Executor-side access to futures.
 *
 * @returns The internal functions.
 * @example
 * ```ts ignore
 * futureInternals().failed(future);
 * ```
 */
export function futureInternals(): FutureInternals {
  return internals;
}

/**
 * The eventual result of a call (Python's `concurrent.futures.Future`).
 * Executors make them (`submit()`); `wait()` and `asCompleted()` take them.
 * A future is also a thenable: `await future` is `await future.result()`.
 *
 * The `set...` methods are for executors and tests, as in Python.
 *
 * @typeParam T The call's result type.
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from "../../mod.ts";
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
 * const future = executor.submit((a: number, b: number) => a + b, 1, 2);
 * console.log(await future); // 3
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T> {
  #state = PENDING;
  #ok = false;
  #value: unknown;
  /** Done callbacks, as closures (so that the type stays covariant in `T`). */
  #callbacks: (() => void)[] = [];
  #internal = new Set<() => void>();
  #hooks: TaskHooks | undefined;

  static {
    internals = {
      bind: (future, hooks) => {
        future.#hooks = hooks;
      },
      onDone: (future, fn) => {
        if (future.done()) {
          fn();
          return () => {};
        }
        future.#internal.add(fn);
        return () => future.#internal.delete(fn);
      },
      failed: (future) => future.#state === FINISHED && !future.#ok,
    };
  }

  /**
   * Cancel the call if it has not started (Python's `cancel`).
   *
   * @returns `true` when the future is (now) cancelled; `false` when it is
   *   running or finished.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future();
   * console.log(future.cancel(), future.cancelled()); // true true
   * ```
   */
  cancel(): boolean {
    if (this.#state === CANCELLED) return true;
    if (this.#state === FINISHED) return false;
    if (this.#state === RUNNING && this.#hooks?.cancel() !== true) return false;
    this.#state = CANCELLED;
    this.#notify();
    return true;
  }

  /**
   * Whether the future was cancelled (Python's `cancelled`).
   *
   * @returns `true` after a successful `cancel()`.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * console.log(new Future().cancelled()); // false
   * ```
   */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /**
   * Whether the call is running and can no longer be cancelled (Python's `running`).
   *
   * @returns `true` from the moment an executor handed the call to a worker until it is done.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future();
   * future.setRunningOrNotifyCancel();
   * console.log(future.running()); // true
   * ```
   */
  running(): boolean {
    return this.#state === RUNNING && this.#hooks?.running() !== false;
  }

  /**
   * Whether the future is finished or cancelled (Python's `done`).
   *
   * @returns `true` once it has a result, an error, or was cancelled.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future<number>();
   * future.setResult(1);
   * console.log(future.done()); // true
   * ```
   */
  done(): boolean {
    return this.#state === CANCELLED || this.#state === FINISHED;
  }

  /**
   * The call's result (Python's `result`).
   *
   * @param timeout Milliseconds to wait at most; `null`/`undefined`/`Infinity` wait forever.
   * @returns The value.
   * @throws {TypeError} When `timeout` is not a number, or is `NaN`.
   * @throws {TimeoutError} When not done within `timeout` (the future stays usable).
   * @throws {CancelledError} When the future was cancelled.
   * @throws The call's own error when it failed.
   * @example
   * ```ts
   * import { Future, TimeoutError } from "../../mod.ts";
   * const future = new Future<string>();
   * await future.result(10).catch((e) => console.log(e instanceof TimeoutError)); // true
   * future.setResult("ok");
   * console.log(await future.result()); // "ok"
   * ```
   */
  result(timeout?: number | null): Promise<T> {
    const ms = checkTimeout("get the future's result", timeout);
    return this.#settled(ms).then(() => {
      if (this.#state === CANCELLED) throw new CancelledError("The future was cancelled");
      if (!this.#ok) throw this.#value;
      return this.#value as T;
    });
  }

  /**
   * The error the call raised, or `undefined` when it succeeded (Python's `exception`).
   *
   * @param timeout Milliseconds to wait at most; `null`/`undefined`/`Infinity` wait forever.
   * @returns The error, or `undefined`.
   * @throws {TypeError} When `timeout` is not a number, or is `NaN`.
   * @throws {TimeoutError} When not done within `timeout`.
   * @throws {CancelledError} When the future was cancelled.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future();
   * future.setException(new Error("boom"));
   * console.log(((await future.exception()) as Error).message); // "boom"
   * ```
   */
  exception(timeout?: number | null): Promise<unknown> {
    const ms = checkTimeout("get the future's exception", timeout);
    return this.#settled(ms).then(() => {
      if (this.#state === CANCELLED) throw new CancelledError("The future was cancelled");
      return this.#ok ? undefined : this.#value;
    });
  }

  /**
   * Call `fn(future)` once the future is done, or now if it already is
   * (Python's `add_done_callback`). Callbacks run in the order added; one
   * that throws is reported with `console.error` and the others still run.
   *
   * @param fn The callback.
   * @throws {TypeError} When `fn` is not a function.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future<number>();
   * future.addDoneCallback((f) => console.log("done", f.done())); // done true
   * future.setResult(1);
   * ```
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot add a done callback: 'fn' must be a function, received ${typeof fn}`,
      );
    }
    if (this.done()) this.#call(fn);
    else this.#callbacks.push(() => this.#call(fn));
  }

  /**
   * Mark the future running, unless it was cancelled (Python's
   * `set_running_or_notify_cancel`, for executors).
   *
   * @returns `false` when it was cancelled (do not run the call), `true` otherwise.
   * @throws {InvalidStateError} When it is already running or finished.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future();
   * console.log(future.setRunningOrNotifyCancel()); // true
   * ```
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === CANCELLED) return false;
    if (this.#state !== PENDING) {
      throw new InvalidStateError(
        `Cannot mark the future running: it is already ${this.#describe()}`,
      );
    }
    this.#state = RUNNING;
    return true;
  }

  /**
   * Finish the future with a value (Python's `set_result`, for executors).
   *
   * @param value The result.
   * @throws {InvalidStateError} When the future is already done.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future<number>();
   * future.setResult(42);
   * console.log(await future); // 42
   * ```
   */
  setResult(value: T): void {
    this.#finish(true, value, "result");
  }

  /**
   * Finish the future with an error (Python's `set_exception`, for executors).
   *
   * @param error The error.
   * @throws {InvalidStateError} When the future is already done.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future();
   * future.setException(new RangeError("no"));
   * await future.result().catch((e) => console.log(e.name)); // RangeError
   * ```
   */
  setException(error: unknown): void {
    this.#finish(false, error, "exception");
  }

  /**
   * `await future`: settles with `result()`.
   *
   * @param onFulfilled Called with the value.
   * @param onRejected Called with the error (`CancelledError` when cancelled).
   * @returns A promise of what the handler returns.
   * @example
   * ```ts
   * import { Future } from "../../mod.ts";
   * const future = new Future<number>();
   * future.setResult(2);
   * console.log(await future.then((x) => x * 2)); // 4
   * ```
   */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onFulfilled, onRejected);
  }

  #describe(): string {
    return this.#state === RUNNING ? "running" : this.#state === CANCELLED ? "cancelled" : "done";
  }

  #finish(ok: boolean, value: unknown, what: string): void {
    if (this.done()) {
      throw new InvalidStateError(
        `Cannot set the future's ${what}: it is already ${this.#describe()}`,
      );
    }
    this.#state = FINISHED;
    this.#ok = ok;
    this.#value = value;
    this.#notify();
  }

  /** Resolves once done, or after `ms` (then rejects `TimeoutError`). */
  #settled(ms: number): Promise<void> {
    if (this.done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const forget = internals.onDone(this as Future<unknown>, () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      });
      if (ms !== Infinity) {
        timer = setTimeout(() => {
          forget();
          reject(new TimeoutError(`Future not done within ${ms} ms`));
        }, ms);
      }
    });
  }

  #notify(): void {
    this.#hooks = undefined;
    const internal = [...this.#internal];
    this.#internal.clear();
    for (const fn of internal) fn();
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const fn of callbacks) fn();
  }

  #call(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      // As Python logs and goes on: one callback must not stop the others or the executor.
      console.error("Exception in Future done callback (ignored):", error);
    }
  }
}
