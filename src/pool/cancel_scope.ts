/**
 * The `{ signal, timeout }` of one submission (an `apply`, a `map`, an
 * `imap`): checked here, then shared by the submission's tasks. Each task
 * carries a {@linkcode TaskCancel}; the scope's sink wrapper settles an
 * aborted task with the abort's reason, whatever its worker answered, and
 * exactly once.
 *
 * @module
 */
import { checkTimeout, describe } from "../args.ts";
import { FLAG_FLUSH, FLAG_SIGNAL } from "../transport/protocol.ts";
import type { Task, TaskSink } from "./task.ts";
import type { WorkerSlot } from "./worker_slot.ts";

/** The cancellation options every submission takes in its options bag. */
export interface CancelOptions {
  /**
   * Aborting it cancels the submission: queued tasks are dropped and reject at
   * once with the signal's `reason`; running ones see their `taskSignal()`
   * abort and, if they have not settled within the pool's `abortGrace`, their
   * worker is stopped and replaced (only they fail).
   */
  readonly signal?: AbortSignal;
  /**
   * Milliseconds of running time each task may take, counted from when it
   * starts in a worker (not from submission); then it is aborted as by
   * `signal`, with a `TimeoutError`.
   */
  readonly timeout?: number;
}

/** One task's cancellation state. */
export interface TaskCancel {
  /** Its submission's scope. */
  readonly scope: CancelScope;
  /** The worker holding it, while one does. */
  slot: WorkerSlot | undefined;
  /** Whether it was aborted (signal, timeout, `cancel()`). */
  aborted: boolean;
  /** What it rejects with once aborted. */
  reason: unknown;
  /** Whether it has settled. */
  settled: boolean;
  /** Whether its timeout started counting. */
  timing: boolean;
  /** When it was first seen running after its abort (for the grace period). */
  since: number | undefined;
  /** Its timeout or grace timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Check a submission's `signal` and `timeout`.
 *
 * @param opts The options bag (or anything: only an object is read).
 * @param what The call, for messages (`"Cannot submit task"`).
 * @returns The signal and timeout, or undefined when neither is given.
 * @throws {TypeError} For a `signal` that is not an `AbortSignal`, or a `timeout` that is not a number.
 * @throws {RangeError} For a `timeout` that is not positive and finite.
 * @throws The signal's `reason` when it is already aborted.
 * @example
 * ```ts
 * import { checkCancelOptions } from "./cancel_scope.ts";
 * console.log(checkCancelOptions({ timeout: 50 }, "Cannot submit task")); // { signal: undefined, timeout: 50 }
 * ```
 */
export function checkCancelOptions(
  opts: unknown,
  what: string,
): { signal: AbortSignal | undefined; timeout: number | undefined } | undefined {
  if (typeof opts !== "object" || opts === null) return undefined;
  const { signal, timeout } = opts as { signal?: unknown; timeout?: unknown };
  if ((signal === undefined || signal === null) && (timeout === undefined || timeout === null)) {
    return undefined;
  }
  let ms: number | undefined;
  if (timeout !== undefined && timeout !== null) {
    ms = checkTimeout(what, timeout);
    if (!((timeout as number) > 0) || ms === Infinity) {
      throw new RangeError(
        `${what}: 'timeout' must be a positive finite number of milliseconds, received ${
          describe(timeout)
        }`,
      );
    }
  }
  if (signal === undefined || signal === null) return { signal: undefined, timeout: ms };
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`${what}: 'signal' must be an AbortSignal, received ${describe(signal)}`);
  }
  signal.throwIfAborted();
  return { signal, timeout: ms };
}

/** The tasks of one submission with a signal or timeout. */
export class CancelScope {
  /** The submission's timeout (ms of running time per task), if any. */
  readonly timeout: number | undefined;
  /** Mode flags its tasks travel with. */
  readonly flags: number;
  readonly #live = new Set<Task>();
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (reason: unknown) => void;
  #sealed = false;
  #listener: (() => void) | undefined;

  /**
   * @param checked What {@linkcode checkCancelOptions} returned.
   * @param flush Whether its tasks need `FLAG_FLUSH` even without a timeout (process context).
   * @param onAbort Called once when the signal aborts, with its reason.
   */
  constructor(
    checked: { signal: AbortSignal | undefined; timeout: number | undefined },
    flush: boolean,
    onAbort: (reason: unknown) => void,
  ) {
    this.timeout = checked.timeout;
    this.flags = FLAG_SIGNAL | (flush || checked.timeout !== undefined ? FLAG_FLUSH : 0);
    this.#signal = checked.signal;
    this.#onAbort = onAbort;
    if (this.#signal !== undefined) {
      this.#listener = () => {
        this.#listener = undefined;
        this.#onAbort(this.#signal!.reason);
      };
      this.#signal.addEventListener("abort", this.#listener, { once: true });
    }
  }

  /** The tasks not yet settled. */
  get live(): ReadonlySet<Task> {
    return this.#live;
  }

  /**
   * A new task's state (the task is tracked once made: see {@linkcode track}).
   *
   * @returns The state.
   */
  taskCancel(): TaskCancel {
    return {
      scope: this,
      slot: undefined,
      aborted: false,
      reason: undefined,
      settled: false,
      timing: false,
      since: undefined,
      timer: undefined,
    };
  }

  /**
   * Track a task made with {@linkcode taskCancel}.
   *
   * @param task The task.
   * @returns The task.
   */
  track(task: Task): Task {
    this.#live.add(task);
    return task;
  }

  /** No more tasks will be added: the listener goes once the last one settles. */
  seal(): void {
    this.#sealed = true;
    this.#releaseIfDone();
  }

  /**
   * A sink that settles each task once, with the abort's reason if it was aborted.
   *
   * @param sink Where outcomes go.
   * @returns The wrapping sink.
   */
  wrap(sink: TaskSink): TaskSink {
    const wrapped: TaskSink = {
      settleTask: (task, ok, value) => {
        const c = task.cancel;
        if (c !== undefined) {
          if (c.settled) return;
          c.settled = true;
          c.slot = undefined;
          if (c.timer !== undefined) clearTimeout(c.timer);
          c.timer = undefined;
          if (c.aborted) {
            ok = false;
            value = c.reason;
          }
          this.#live.delete(task);
        }
        sink.settleTask(task, ok, value);
        this.#releaseIfDone();
      },
    };
    if (sink.observe !== undefined) wrapped.observe = (task, ms) => sink.observe!(task, ms);
    return wrapped;
  }

  #releaseIfDone(): void {
    if (!this.#sealed || this.#live.size > 0 || this.#listener === undefined) return;
    this.#signal!.removeEventListener("abort", this.#listener);
    this.#listener = undefined;
  }
}
