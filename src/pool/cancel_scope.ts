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
  /** When its worker was told to abort it. */
  told: number | undefined;
  /** Its timeout or grace timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Check a submission's `signal` and `timeout`.
 *
 * @param opts The options bag (or anything: only an object is read).
 * @param what The call, for messages (`"Cannot submit task"`).
 * @returns The options themselves once checked (nothing is copied), or undefined when they
 *   give neither a signal nor a timeout.
 * @throws {TypeError} For a `signal` that is not an `AbortSignal`, or a `timeout` that is not a number.
 * @throws {RangeError} For a `timeout` that is not positive and finite.
 * @throws The signal's `reason` when it is already aborted.
 * @example
 * ```ts
 * import { checkCancelOptions } from "./cancel_scope.ts";
 * console.log(checkCancelOptions({ timeout: 50 }, "Cannot submit task")); // { timeout: 50 }
 * ```
 */
export function checkCancelOptions(opts: unknown, what: string): CancelOptions | undefined {
  if (typeof opts !== "object" || opts === null) return undefined;
  const { signal, timeout } = opts as { signal?: unknown; timeout?: unknown };
  const noSignal = signal === undefined || signal === null;
  if (noSignal && (timeout === undefined || timeout === null)) return undefined;
  if (timeout !== undefined && timeout !== null) {
    const ms = checkTimeout(what, timeout);
    if (!((timeout as number) > 0) || ms === Infinity) {
      throw new RangeError(
        `${what}: 'timeout' must be a positive finite number of milliseconds, received ${
          describe(timeout)
        }`,
      );
    }
  }
  if (noSignal) return opts as CancelOptions;
  // A signal being watched is an AbortSignal not yet aborted (its abort ends the watch at once).
  if (signal === lastSignal && lastWatch !== undefined) return opts as CancelOptions;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`${what}: 'signal' must be an AbortSignal, received ${describe(signal)}`);
  }
  signal.throwIfAborted();
  return opts as CancelOptions;
}

/** What a scope needs from the pool when its signal aborts. */
export interface ScopeCanceller {
  /** Abort every unsettled task of `scope`. */
  abortScope(scope: CancelScope, reason: unknown): void;
}

/**
 * The scopes listening to each signal, as a doubly linked list: one listener
 * per signal, however many submissions share it (`addEventListener` checks
 * for duplicates, so a listener per task would cost time proportional to the
 * number of tasks), and O(1) to join and leave.
 */
interface Watch {
  head: CancelScope | undefined;
  readonly listener: () => void;
}

const watchers = new WeakMap<AbortSignal, Watch>();
/** The last signal looked up, and its watch: a flood of tasks shares one signal. */
let lastSignal: AbortSignal | undefined;
let lastWatch: Watch | undefined;

function watchOf(signal: AbortSignal): Watch | undefined {
  if (signal !== lastSignal) {
    lastSignal = signal;
    lastWatch = watchers.get(signal);
  }
  return lastWatch;
}

function forget(signal: AbortSignal): void {
  watchers.delete(signal);
  if (lastSignal === signal) lastSignal = lastWatch = undefined;
}

/**
 * The tasks of one submission with a signal or timeout, and the sink their
 * outcomes pass through: it settles each task once, with the abort's reason
 * if it was aborted. It is also its first task's {@linkcode TaskCancel}, so
 * an `apply` with a signal costs one object, not two.
 */
export class CancelScope implements TaskSink, TaskCancel {
  /** First task's state (see {@linkcode TaskCancel}). */
  slot: WorkerSlot | undefined = undefined;
  /** First task's state. */
  aborted = false;
  /** First task's state. */
  reason: unknown = undefined;
  /** First task's state. */
  settled = false;
  /** First task's state. */
  timing = false;
  /** First task's state. */
  since: number | undefined = undefined;
  /** First task's state. */
  told: number | undefined = undefined;
  /** First task's state. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #lent = false;
  /** The submission's timeout (ms of running time per task), if any. */
  readonly timeout: number | undefined;
  /** Mode flags its tasks travel with. */
  readonly flags: number;

  /** The scope (a first task's state is the scope itself). */
  get scope(): CancelScope {
    return this;
  }
  #sink: TaskSink | undefined;
  /** Its unsettled tasks: the first in a field (an `apply` has one), others in a set. */
  #first: Task | undefined;
  #more: Set<Task> | undefined;
  #signal: AbortSignal | undefined;
  #sealed = false;
  readonly #canceller: ScopeCanceller;
  readonly #owner: ((reason: unknown) => void) | undefined;
  /** Its neighbours among the scopes listening to its signal. */
  #prev: CancelScope | undefined;
  #next: CancelScope | undefined;

  /**
   * @param checked What {@linkcode checkCancelOptions} returned.
   * @param canceller Aborts its tasks when its signal aborts.
   * @param owner Called first when the signal aborts (a map or imap stops).
   */
  constructor(
    checked: CancelOptions,
    canceller: ScopeCanceller,
    owner?: (reason: unknown) => void,
  ) {
    this.timeout = checked.timeout ?? undefined;
    // A timeout counts from when the task is seen at the front of its worker's tasks.
    this.flags = FLAG_SIGNAL | (this.timeout !== undefined ? FLAG_FLUSH : 0);
    this.#canceller = canceller;
    this.#owner = owner;
    this.#signal = checked.signal ?? undefined;
    if (this.#signal !== undefined) this.#watch(this.#signal);
  }

  #watch(signal: AbortSignal): void {
    let watch = watchOf(signal);
    if (watch === undefined) {
      const w: Watch = {
        head: undefined,
        listener: () => {
          forget(signal);
          for (let scope = w.head; scope !== undefined; scope = scope.#next) {
            scope.abort(signal.reason);
          }
        },
      };
      watch = lastWatch = w;
      watchers.set(signal, w);
      signal.addEventListener("abort", w.listener, { once: true });
    }
    this.#next = watch.head;
    if (watch.head !== undefined) watch.head.#prev = this;
    watch.head = this;
  }

  #unwatch(signal: AbortSignal): void {
    const watch = watchOf(signal);
    if (watch === undefined) return;
    if (this.#prev !== undefined) this.#prev.#next = this.#next;
    else if (watch.head === this) watch.head = this.#next;
    else return;
    if (this.#next !== undefined) this.#next.#prev = this.#prev;
    this.#prev = this.#next = undefined;
    if (watch.head !== undefined) return;
    forget(signal);
    signal.removeEventListener("abort", watch.listener);
  }

  /**
   * Where outcomes go once settled here (set before the first task settles).
   *
   * @param sink The submission's sink.
   * @returns This scope, as the sink to give its tasks.
   */
  into(sink: TaskSink): this {
    this.#sink = sink;
    return this;
  }

  /**
   * The signal aborted: abort the submission.
   *
   * @param reason The signal's reason.
   */
  abort(reason: unknown): void {
    this.#signal = undefined;
    this.#owner?.(reason);
    this.#canceller.abortScope(this, reason);
  }

  /**
   * The tasks not yet settled.
   *
   * @returns A copy.
   */
  live(): Task[] {
    const tasks = this.#first === undefined ? [] : [this.#first];
    if (this.#more !== undefined) tasks.push(...this.#more);
    return tasks;
  }

  /**
   * A new task's state (the task is tracked once made: see {@linkcode track}).
   *
   * @returns The state.
   */
  taskCancel(): TaskCancel {
    if (!this.#lent) {
      this.#lent = true;
      return this;
    }
    return {
      scope: this,
      slot: undefined,
      aborted: false,
      reason: undefined,
      settled: false,
      timing: false,
      since: undefined,
      told: undefined,
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
    if (this.#first === undefined) this.#first = task;
    else (this.#more ??= new Set()).add(task);
    return task;
  }

  /** No more tasks will be added: the listener goes once the last one settles. */
  seal(): void {
    this.#sealed = true;
    this.#releaseIfDone();
  }

  /**
   * One task finished: settle it once, with the abort's reason if it was aborted.
   *
   * @param task The task.
   * @param ok Whether it succeeded.
   * @param value Its value or error.
   */
  settleTask(task: Task, ok: boolean, value: unknown): void {
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
      if (this.#first === task) this.#first = undefined;
      else this.#more?.delete(task);
    }
    this.#sink!.settleTask(task, ok, value);
    this.#releaseIfDone();
  }

  /**
   * Pass on a task's measured time.
   *
   * @param task The task.
   * @param ms Worker milliseconds.
   */
  observe(task: Task, ms: number): void {
    this.#sink!.observe?.(task, ms);
  }

  #releaseIfDone(): void {
    if (!this.#sealed || this.#signal === undefined || this.#first !== undefined) return;
    if (this.#more !== undefined && this.#more.size > 0) return;
    this.#unwatch(this.#signal);
    this.#signal = undefined;
  }
}
