/**
 * Collects the chunks of one `map`/`starmap` call into one `AsyncResult`
 * with CPython's rules: values in input order; on failure, the first error
 * to arrive, reported only once every chunk has finished.
 *
 * @module
 */
import { AsyncResult, type ResultCallbacks, settleResult } from "./async_result.ts";
import type { Task, TaskSink } from "./task.ts";

/** The sink of one map call. */
export class MapCollector<R> implements TaskSink {
  /** The result handed to the caller. */
  readonly result: AsyncResult<R[]>;
  #values: R[];
  #left = 0;
  #failed = false;
  #error: unknown;
  #sealed = false;

  /**
   * @param total Number of items.
   * @param callbacks Caller's callbacks.
   */
  constructor(total: number, callbacks?: ResultCallbacks<R[]>) {
    this.result = new AsyncResult<R[]>(callbacks);
    this.#values = new Array(total);
  }

  /** One more chunk was submitted. */
  addChunk(): void {
    this.#left++;
  }

  /** All chunks are submitted; settles at once when there were none. */
  seal(): void {
    this.#sealed = true;
    this.#finishIfDone();
  }

  /**
   * Fail the whole call (e.g. the input could not be read).
   *
   * @param error The error.
   */
  fail(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
    }
  }

  /**
   * @param task The finished chunk.
   * @param ok Whether it succeeded.
   * @param value Its values, or the error.
   */
  settleTask(task: Task, ok: boolean, value: unknown): void {
    this.#left--;
    if (ok) {
      if (!this.#failed) {
        const values = value as R[];
        const at = task.index;
        for (let i = 0; i < values.length; i++) this.#values[at + i] = values[i];
      }
    } else this.fail(value);
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (!this.#sealed || this.#left > 0) return;
    const values = this.#values;
    this.#values = [];
    settleResult(
      this.result as AsyncResult<unknown>,
      !this.#failed,
      this.#failed ? this.#error : values,
    );
  }
}
