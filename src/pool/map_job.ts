/**
 * One `map`/`starmap` call: cuts its chunks lazily as workers have room
 * (so adaptive chunking can use what earlier chunks measured) and collects
 * their values into one `AsyncResult` with CPython's rules: values in input
 * order; on failure, the first error to arrive, reported only once every
 * chunk has finished.
 *
 * @module
 */
import type { FunctionKey, SourceFunction, TaskMode } from "../transport/protocol.ts";
import { CancelledError } from "../errors.ts";
import { AsyncResult, type ResultCallbacks, settleResult, type WorkLink } from "./async_result.ts";
import type { CancelScope } from "./cancel_scope.ts";
import type { ChunkPlanner } from "./chunking.ts";
import type { ProgressReporter } from "./progress.ts";
import type { Task, TaskSink, TaskSource } from "./task.ts";

/** Arrays concatenated per `concat` call (stays far below argument-count limits). */
const CONCAT_BATCH = 8192;

/** How a map call's tasks are made. */
export interface MapJobSpec {
  readonly source: SourceFunction;
  readonly mode: TaskMode;
  readonly planner: ChunkPlanner;
  /** Turns a chunk's items into what travels (shareable objects encoded). */
  readonly encode: (items: unknown[]) => { value: unknown; transfer?: readonly object[] };
}

/** The sink and lazy task source of one map call. */
export class MapJob<R> implements TaskSink, TaskSource, WorkLink {
  /** The result handed to the caller. */
  readonly result: AsyncResult<R[]>;
  /** Finished chunks' values by their first item's index. */
  #chunks = new Map<number, R[]>();
  #total = 0;
  #items: unknown[] = [];
  #spec: MapJobSpec | undefined;
  #key: FunctionKey = 0;
  #at = 0;
  #lastSize = 1;
  #left = 0;
  #failed = false;
  #error: unknown;
  #sealed = false;
  readonly #progress: ProgressReporter | undefined;
  readonly #scope: CancelScope | undefined;
  /** Where its chunks settle: itself, through its scope's wrapper when it has one. */
  readonly #sink: TaskSink;
  /** Whether a chunk has finished (the pool then trusts its measured task time). */
  measured = false;

  /**
   * @param callbacks Caller's callbacks.
   * @param progress Reports finished items (the `onProgress` option), closed before settling.
   * @param scope Its `signal`/`timeout`, if it has either.
   */
  constructor(
    callbacks?: ResultCallbacks<R[]>,
    progress?: ProgressReporter,
    scope?: CancelScope,
  ) {
    this.result = new AsyncResult<R[]>(callbacks);
    this.#progress = progress;
    this.#scope = scope;
    this.#sink = scope === undefined ? this : scope.into(this);
  }

  /**
   * Cancel the call if none of its chunks was cut yet.
   *
   * @returns Whether it was cancelled.
   */
  cancel(): boolean {
    if (this.#at > 0 || this.#left > 0 || this.result.ready()) return false;
    this.abandon(new CancelledError());
    return true;
  }

  /**
   * Whether some chunk is with a worker.
   *
   * @returns True while one is.
   */
  running(): boolean {
    return this.#left > 0;
  }

  /**
   * Give the job its items; chunks are cut from them on demand.
   *
   * @param items All items.
   * @param spec How to make tasks.
   */
  start(items: unknown[], spec: MapJobSpec): void {
    this.#items = items;
    this.#total = items.length;
    this.#spec = spec;
    this.#key = spec.source[0];
    this.#progress?.setTotal(items.length);
    this.#progress?.start();
    if (items.length === 0) this.#seal();
  }

  /**
   * Fail the whole call before any chunk was cut (e.g. reading the input failed).
   *
   * @param error The error.
   */
  fail(error: unknown): void {
    this.#fail(error);
    this.#seal();
  }

  /**
   * The next chunk's task.
   *
   * @returns A task, or undefined once every item is cut.
   */
  nextTask(): Task | undefined {
    const spec = this.#spec;
    if (spec === undefined || this.#sealed) return undefined;
    const size = spec.planner.next();
    if (size <= 0) {
      this.#seal();
      return undefined;
    }
    const at = this.#at;
    const items = this.#items.slice(at, at + size);
    let payload: unknown;
    let transfer: readonly object[] | undefined;
    try {
      ({ value: payload, transfer } = spec.encode(items));
    } catch (error) {
      // An item that cannot be sent fails the call; nothing more is cut.
      this.abandon(error);
      return undefined;
    }
    this.#at += size;
    this.#lastSize = size;
    this.#left++;
    if (this.#at >= this.#items.length) {
      this.#items = [];
      this.#sealed = true;
    }
    const scope = this.#scope;
    const task: Task = {
      key: this.#key,
      source: spec.source,
      mode: spec.mode,
      payload,
      items: payload instanceof Float64Array ? items : undefined,
      transfer,
      losses: 0,
      sink: this.#sink,
      target: size,
      index: at,
      sent: false,
      seq: -1,
      dropped: false,
      flags: scope?.flags ?? 0,
      cancel: scope?.taskCancel(),
    };
    return scope === undefined ? task : scope.track(task);
  }

  /**
   * About how many chunks are left, if they keep the last size.
   *
   * @returns The estimate.
   */
  estimate(): number {
    const left = this.#items.length - this.#at;
    return left <= 0 ? 0 : Math.ceil(left / Math.max(1, this.#lastSize));
  }

  /**
   * Fail what was not cut yet.
   *
   * @param error The reason.
   */
  abandon(error: unknown): void {
    this.#fail(error);
    this.#items = [];
    this.#seal();
  }

  /**
   * @param task The finished chunk.
   * @param ok Whether it succeeded.
   * @param value Its values, or the error.
   */
  settleTask(task: Task, ok: boolean, value: unknown): void {
    this.#left--;
    if (ok) {
      if (!this.#failed) this.#chunks.set(task.index, value as R[]);
    } else this.#fail(value);
    this.#progress?.add(task.target as number);
    this.#finishIfDone();
  }

  /**
   * Feed the chunk planner the chunk's measured time.
   *
   * @param task The finished chunk.
   * @param ms Worker milliseconds it took.
   */
  observe(task: Task, ms: number): void {
    this.measured = true;
    this.#spec?.planner.observe(task.target as number, ms);
  }

  #fail(error: unknown): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
    }
  }

  #seal(): void {
    this.#sealed = true;
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (!this.#sealed || this.#left > 0) return;
    const chunks = this.#chunks;
    this.#chunks = new Map();
    this.#progress?.close();
    settleResult(
      this.result as AsyncResult<unknown>,
      !this.#failed,
      this.#failed ? this.#error : this.#assemble(chunks),
    );
  }

  #assemble(chunks: Map<number, R[]>): R[] {
    if (chunks.size === 1) return chunks.values().next().value!;
    const ordered: R[][] = [];
    for (let at = 0; at < this.#total;) {
      const values = chunks.get(at)!;
      ordered.push(values);
      at += values.length;
    }
    // concat copies whole arrays at once: several times faster than pushing items.
    let out: R[] = [];
    for (let i = 0; i < ordered.length; i += CONCAT_BATCH) {
      out = out.concat(...ordered.slice(i, i + CONCAT_BATCH));
    }
    return out;
  }
}
