/**
 * `AsyncResult`: the handle `applyAsync`/`mapAsync`/`starmapAsync` return
 * (Python's `multiprocessing.pool.AsyncResult`).
 *
 * @module
 */
import { checkTimeout } from "../args.ts";
import { ProcessError, TimeoutError } from "../errors.ts";

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** Callbacks run once, in the main thread, when a result settles. */
export interface ResultCallbacks<T> {
  /** Called with the value on success. */
  readonly callback?: (value: T) => void;
  /** Called with the error on failure. */
  readonly errorCallback?: (error: unknown) => void;
}

/** What a result knows of its work, for `cancel()` and `running()` (pool internals). */
export interface WorkLink {
  /**
   * Cancel the work if none of it was handed to a worker yet.
   *
   * @returns Whether it was cancelled.
   */
  cancel(): boolean;
  /**
   * Whether some of it is with a worker.
   *
   * @returns True while it is.
   */
  running(): boolean;
}

let settle: (result: AsyncResult<unknown>, ok: boolean, value: unknown) => void;
let link: (result: AsyncResult<unknown>, work: WorkLink) => void;

/**
 * Tell a result what it stands for (pool internals only).
 *
 * @param result The result.
 * @param work Its work.
 * @example
 * ```ts ignore
 * linkResult(result, job);
 * ```
 */
export function linkResult(result: AsyncResult<unknown>, work: WorkLink): void {
  link(result, work);
}

/**
 * Settle an `AsyncResult` (pool internals only).
 *
 * @param result The result to settle.
 * @param ok Whether it succeeded.
 * @param value The value or the error.
 * @example
 * ```ts ignore
 * settleResult(result, true, 42);
 * ```
 */
export function settleResult(result: AsyncResult<unknown>, ok: boolean, value: unknown): void {
  settle(result, ok, value);
}

/**
 * The eventual result of a task submitted with `applyAsync`, `mapAsync` or
 * `starmapAsync`. Created by the pool, not by users.
 *
 * @typeParam T The task's result type.
 * @example
 * ```ts
 * import { Pool } from "../../mod.ts";
 * const pool = new Pool(1);
 * const result = pool.applyAsync((x: number) => x * 2, [21]);
 * console.log(await result.get(10_000)); // 42
 * await pool.terminate();
 * ```
 */
export class AsyncResult<T> {
  #state = PENDING;
  #value: unknown;
  #waiters: (() => void)[] | undefined;
  #promise: Promise<T> | undefined;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #callbacks: ResultCallbacks<T> | undefined;
  #work: WorkLink | undefined;

  static {
    settle = (result, ok, value) => result.#settle(ok, value);
    link = (result, work) => (result.#work = work);
  }

  /**
   * Made by the pool for each submission; not meant to be constructed directly.
   *
   * @param callbacks Success / error callbacks (pool internals pass them).
   */
  constructor(callbacks?: ResultCallbacks<T>) {
    this.#callbacks = callbacks;
  }

  #settle(ok: boolean, value: unknown): void {
    if (this.#state !== PENDING) return;
    this.#state = ok ? FULFILLED : REJECTED;
    this.#value = value;
    this.#work = undefined;
    if (this.#resolve !== undefined) {
      if (ok) this.#resolve(value as T);
      else this.#reject!(value);
      this.#resolve = this.#reject = undefined;
    }
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (waiters !== undefined) { for (const wake of waiters) wake(); }
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    const callback = ok ? callbacks?.callback : callbacks?.errorCallback;
    if (callback !== undefined) {
      try {
        (callback as (v: unknown) => void)(value);
      } catch (error) {
        // A throwing callback must not wedge the pool (CPython's would).
        console.error("Exception in AsyncResult callback (ignored):", error);
      }
    }
  }

  /**
   * Wait until the result is ready or `timeout` ms have passed.
   *
   * @param timeout Milliseconds to wait at most; `null`/`undefined`/`Infinity`
   *   wait forever; negative counts as 0.
   * @returns Resolves either way; check `ready()` afterwards.
   * @throws {TypeError} When `timeout` is not a number, or is `NaN`.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => 1);
   * await r.wait();
   * console.log(r.ready()); // true
   * await pool.terminate();
   * ```
   */
  wait(timeout?: number | null): Promise<void> {
    const ms = checkTimeout("wait", timeout);
    if (this.#state !== PENDING) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      (this.#waiters ??= []).push(wake);
      if (ms !== Infinity) {
        timer = setTimeout(() => {
          const list = this.#waiters;
          const i = list?.indexOf(wake) ?? -1;
          if (i >= 0) list!.splice(i, 1);
          resolve();
        }, ms);
      }
    });
  }

  /**
   * The result, once it arrives (Python's `get`).
   *
   * @param timeout Milliseconds to wait at most; `null`/`undefined`/`Infinity` wait forever.
   * @returns The task's value.
   * @throws {TypeError} When `timeout` is not a number, or is `NaN`.
   * @throws {TimeoutError} When not ready within `timeout` (the result stays usable).
   * @throws The task's own error when it failed.
   * @example
   * ```ts
   * import { Pool, TimeoutError } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => new Promise((ok) => setTimeout(ok, 300, "late")));
   * try {
   *   await r.get(10);
   * } catch (e) {
   *   console.log(e instanceof TimeoutError); // true
   * }
   * console.log(await r.get()); // "late"
   * await pool.terminate();
   * ```
   */
  get(timeout?: number | null): Promise<T> {
    const ms = checkTimeout("get the result", timeout);
    if (this.#state === FULFILLED) return Promise.resolve(this.#value as T);
    if (this.#state === REJECTED) return Promise.reject(this.#value);
    if (ms === Infinity) {
      // One promise per result, made on first demand and settled with it.
      return this.#promise ??= new Promise<T>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    }
    return this.#getWithin(ms);
  }

  async #getWithin(ms: number): Promise<T> {
    await this.wait(ms);
    if (this.#state === PENDING) throw new TimeoutError(`Result not ready within ${ms} ms`);
    if (this.#state === REJECTED) throw this.#value;
    return this.#value as T;
  }

  /**
   * Whether the task has finished (Python's `ready`).
   *
   * @returns `true` once it succeeded or failed.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => 1);
   * console.log(r.ready()); // false
   * await pool.terminate();
   * ```
   */
  ready(): boolean {
    return this.#state !== PENDING;
  }

  /**
   * Cancel the task if it has not been handed to a worker yet (as
   * `concurrent.futures.Future.cancel()`): the result then rejects with a
   * `CancelledError`. For `mapAsync`, only while none of its chunks was sent.
   *
   * @returns `true` when cancelled; `false` once it runs or has finished.
   * @example
   * ```ts
   * import { CancelledError, Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * pool.applyAsync(() => new Promise((ok) => setTimeout(ok, 200)));
   * const queued = pool.applyAsync(() => 1);
   * console.log(queued.cancel()); // true
   * console.log(await queued.get().catch((e) => e instanceof CancelledError)); // true
   * await pool.terminate();
   * ```
   */
  cancel(): boolean {
    return this.#state === PENDING && this.#work !== undefined && this.#work.cancel();
  }

  /**
   * Whether the task is with a worker and has not finished (as
   * `concurrent.futures.Future.running()`: a task handed to a worker counts,
   * even while it waits there behind another).
   *
   * @returns `true` while it runs.
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => 1);
   * console.log(r.running()); // false (not sent yet)
   * await r.get();
   * console.log(r.running()); // false
   * await pool.terminate();
   * ```
   */
  running(): boolean {
    return this.#state === PENDING && this.#work !== undefined && this.#work.running();
  }

  /**
   * Whether the task finished without error (Python's `successful`).
   *
   * @returns `true` on success.
   * @throws {ProcessError} When the result is not ready yet (Python: ValueError).
   * @example
   * ```ts
   * import { Pool } from "../../mod.ts";
   * const pool = new Pool(1);
   * const r = pool.applyAsync(() => 1);
   * await r.wait();
   * console.log(r.successful()); // true
   * await pool.terminate();
   * ```
   */
  successful(): boolean {
    if (this.#state === PENDING) throw new ProcessError("AsyncResult is not ready");
    return this.#state === FULFILLED;
  }
}
