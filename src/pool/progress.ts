/**
 * Progress of a `map`-like call: the `onProgress({ done, total })` option,
 * throttled so that a call of many small chunks does not flood the main
 * thread with callbacks.
 *
 * @module
 */

/** What `onProgress` receives. */
export interface Progress {
  /** Items finished so far (successfully or not). */
  readonly done: number;
  /**
   * Items in all; `undefined` while unknown (an `imap` over a lazy input
   * without a length, until the input is exhausted).
   */
  readonly total: number | undefined;
}

/** The `onProgress` option: called in the main thread as items finish. */
export type ProgressCallback = (progress: Progress) => void;

/** Least time between two progress calls (ms), except the call for the last item. */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Check an `onProgress` option.
 *
 * @param value The option's value.
 * @param what What is being done, for the message.
 * @returns The callback, or undefined when not given.
 * @throws {TypeError} When it is given and not a function.
 * @example
 * ```ts
 * import { checkProgress, type Progress } from "./progress.ts";
 * checkProgress(({ done }: Progress) => console.log(done), "Cannot map");
 * ```
 */
export function checkProgress(value: unknown, what: string): ProgressCallback | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "function") {
    const received = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new TypeError(`${what}: 'onProgress' must be a function, received ${received}`);
  }
  return value as ProgressCallback;
}

/**
 * Counts finished items and calls `onProgress`: once at the start (`done`
 * 0), then at most every `PROGRESS_INTERVAL_MS`, and always when `done`
 * reaches `total`. After `close()` it never calls again, so the owner closes
 * it before settling its result.
 *
 * @example
 * ```ts
 * import { ProgressReporter } from "./progress.ts";
 * const reporter = new ProgressReporter(({ done, total }) => console.log(done, total), 4);
 * reporter.start(); // 0 4
 * reporter.add(2); // (within 100 ms of the last call: not reported)
 * reporter.add(2); // 4 4
 * reporter.close();
 * ```
 */
export class ProgressReporter {
  readonly #callback: ProgressCallback;
  #done = 0;
  #total: number | undefined;
  #lastAt = -Infinity;
  #lastDone = -1;
  #lastTotal: number | undefined;
  #closed = false;

  /**
   * @param callback The user's `onProgress`.
   * @param total Items in all, if known.
   */
  constructor(callback: ProgressCallback, total?: number) {
    this.#callback = callback;
    this.#total = total;
  }

  /** The call has started: report `done` 0. */
  start(): void {
    this.#maybeReport();
  }

  /**
   * The total became known (the input was read to its end).
   *
   * @param total Items in all.
   */
  setTotal(total: number): void {
    this.#total = total;
    this.#maybeReport();
  }

  /**
   * Some items finished.
   *
   * @param count How many.
   */
  add(count: number): void {
    this.#done += count;
    this.#maybeReport();
  }

  /** No more calls from now on. */
  close(): void {
    this.#closed = true;
  }

  #maybeReport(): void {
    if (this.#closed) return;
    const complete = this.#done === this.#total;
    if (complete && this.#lastDone === this.#done && this.#lastTotal === this.#total) return;
    const now = performance.now();
    if (!complete && now - this.#lastAt < PROGRESS_INTERVAL_MS) return;
    this.#lastAt = now;
    this.#lastDone = this.#done;
    this.#lastTotal = this.#total;
    try {
      this.#callback({ done: this.#done, total: this.#total });
    } catch (error) {
      // A throwing callback must not break the call it reports on.
      console.error("Exception in onProgress callback (ignored):", error);
    }
  }
}
