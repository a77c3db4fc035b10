/**
 * How the pool's calls become tasks: `apply` makes one, `map`/`starmap` make a
 * job that cuts chunks lazily as workers have room, `imap` feeds an iterator
 * chunk by chunk. Arguments are encoded here (shareable objects, packed
 * numbers), and what they served to child processes is pinned until their
 * tasks settle.
 *
 * @module
 */
import { packChunk } from "../transport/batch_codec.ts";
import { collectLeases, releaseLeases } from "../transport/leases.ts";
import { MODE_APPLY, MODE_MAP, type SourceFunction, type TaskMode } from "../transport/protocol.ts";
import { encodeShared } from "../transport/shareable.ts";
import { transfersUsed, unwrapTransfers } from "../transport/transfer.ts";
import type { Context } from "../runtime/types.ts";
import { CancelledError } from "../errors.ts";
import { AsyncResult, linkResult, settleResult, type WorkLink } from "./async_result.ts";
import type {
  ApplyAsyncOptions,
  IMapOptions,
  MapAsyncOptions,
  TaskFunction,
  TaskInput,
} from "./call_types.ts";
import { CancelScope, checkCancelOptions } from "./cancel_scope.ts";
import type { Canceller } from "./canceller.ts";
import { planChunks } from "./chunking.ts";
import { PerItemMemo } from "./dispatch_policy.ts";
import { sourceFunction } from "../worker/functions.ts";
import { imapControl, IMapIterator } from "./imap_iterator.ts";
import { MapJob } from "./map_job.ts";
import { checkChunksize, type Chunksize, positiveInteger } from "./options.ts";
import { checkProgress, ProgressReporter } from "./progress.ts";
import type { Scheduler } from "./scheduler.ts";
import type { Task, TaskSink } from "./task.ts";

/**
 * Default chunking of `map`/`starmap`: adaptive (`"auto"`). CPython's fixed
 * `ceil(n / (4 * processes))` (`"python"`) leaves one worker with a heavy
 * last chunk on skewed work, which adaptive chunking splits finer as the end
 * nears (bench/results/REPORT.md compares them).
 */
const DEFAULT_MAP_CHUNKING: Chunksize = "auto";

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

/** What `cancel()`/`running()` of an `applyAsync` result ask of its task. */
class TaskLink implements WorkLink {
  readonly #task: Task;
  readonly #canceller: Canceller;

  constructor(task: Task, canceller: Canceller) {
    this.#task = task;
    this.#canceller = canceller;
  }

  cancel(): boolean {
    return this.#canceller.cancelQueued(this.#task, new CancelledError());
  }

  running(): boolean {
    return this.#task.sent === true;
  }
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

function chunkOptions<O extends object>(arg: unknown): O & { chunksize?: Chunksize } {
  return (typeof arg === "object" && arg !== null ? arg : { chunksize: arg }) as O & {
    chunksize?: Chunksize;
  };
}

/** Turns one pool's calls into tasks for its scheduler. */
export class Submitter {
  readonly #context: Context;
  readonly #processes: number;
  readonly #scheduler: Scheduler;
  readonly #memo = new PerItemMemo();
  readonly #iterators = new Set<IMapIterator<unknown>>();

  /**
   * @param context Where the workers run.
   * @param processes How many workers.
   * @param scheduler The pool's scheduler.
   */
  constructor(context: Context, processes: number, scheduler: Scheduler) {
    this.#context = context;
    this.#processes = processes;
    this.#scheduler = scheduler;
  }

  /** The `imap` iterators still reading their input. */
  get iterators(): ReadonlySet<IMapIterator<unknown>> {
    return this.#iterators;
  }

  /** What a task's arguments or chunk travel as, and the objects it served (process context). */
  #encode(
    mode: TaskMode,
    payload: unknown[],
  ): { value: unknown; ids?: string[]; transfer?: readonly object[] } {
    if (transfersUsed()) {
      const moved = unwrapTransfers(payload);
      if (moved !== undefined) return this.#encodeMoved(moved.values as unknown[], moved.transfer);
    }
    const packed = packChunk(mode, payload);
    if (packed !== undefined) return { value: packed };
    if (this.#context === "thread") return { value: encodeShared(payload, "thread") };
    return collectLeases(() => encodeShared(payload, "process"));
  }

  /** `#encode` for a payload that held a `Transfer` (nothing moves to a child process). */
  #encodeMoved(
    values: unknown[],
    transfer: readonly object[],
  ): { value: unknown; ids?: string[]; transfer?: readonly object[] } {
    if (this.#context === "thread") return { value: encodeShared(values, "thread"), transfer };
    // The list still goes along, so that a buffer detached already fails its task in both
    // contexts; a child process's channel copies and ignores it.
    return { ...collectLeases(() => encodeShared(values, "process")), transfer };
  }

  /** The scope of a submission's `signal`/`timeout`, if it has either. */
  #scope(opts: unknown, what: string, owner?: (reason: unknown) => void): CancelScope | undefined {
    const checked = checkCancelOptions(opts, what);
    if (checked === undefined) return undefined;
    return new CancelScope(checked, this.#scheduler.canceller, owner);
  }

  #submit(
    fn: TaskFunction,
    mode: TaskMode,
    payload: unknown[],
    sink: TaskSink,
    target: unknown,
    index: number,
    scope: CancelScope | undefined,
  ): Task {
    const source = sourceFunction(fn);
    const { value, ids, transfer } = this.#encode(mode, payload);
    const task: Task = {
      key: source[0],
      source,
      mode,
      payload: value,
      items: value instanceof Float64Array ? payload : undefined,
      transfer,
      losses: 0,
      sink: ids === undefined ? sink : leasedSink(sink, ids),
      target,
      index,
      sent: false,
      seq: -1,
      dropped: false,
      flags: scope?.flags ?? 0,
      cancel: scope?.taskCancel(),
    };
    scope?.track(task);
    this.#scheduler.submit(task);
    return task;
  }

  /**
   * Submit `fn(...args)`.
   *
   * @param fn The function (already checked).
   * @param args Its arguments.
   * @param options The caller's callbacks, signal and timeout.
   * @returns The task's result.
   */
  apply<R>(
    fn: TaskFunction,
    args: unknown,
    options: ApplyAsyncOptions<R> | undefined,
  ): AsyncResult<R> {
    const list = args ?? [];
    if (!Array.isArray(list)) {
      throw new TypeError(`Cannot submit task: 'args' must be an array, received ${typeof list}`);
    }
    const scope = this.#scope(options, "Cannot submit task");
    const result = new AsyncResult<R>(options);
    const sink = scope === undefined ? APPLY_SINK : scope.into(APPLY_SINK);
    const task = this.#submit(fn, MODE_APPLY, list, sink, result, 0, scope);
    scope?.seal();
    linkResult(result as AsyncResult<unknown>, new TaskLink(task, this.#scheduler.canceller));
    return result;
  }

  /**
   * Submit a `map`/`starmap` call.
   *
   * @param fn The function (already checked).
   * @param input The items.
   * @param mode `MODE_MAP` or `MODE_STARMAP`.
   * @param arg The chunk size or the options.
   * @param what The call, for messages.
   * @returns The call's result.
   */
  map<R>(
    fn: TaskFunction,
    input: TaskInput<unknown>,
    mode: TaskMode,
    arg: unknown,
    what: string,
  ): AsyncResult<R[]> {
    const opts = chunkOptions<MapAsyncOptions<R>>(arg);
    const chunksize = checkChunksize(opts.chunksize, what);
    const onProgress = checkProgress(opts.onProgress, what);
    const source = sourceFunction(fn);
    const scope = this.#scope(opts, what, (reason) => job.abandon(reason));
    const job: MapJob<R> = new MapJob<R>(
      opts,
      onProgress === undefined ? undefined : new ProgressReporter(onProgress),
      scope,
    );
    linkResult(job.result as AsyncResult<unknown>, job);
    if (scope !== undefined) {
      const seal = () => scope.seal();
      void job.result.wait().then(seal, seal);
    }
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
    const planner = planChunks(chunksize ?? DEFAULT_MAP_CHUNKING, items.length, this.#processes, {
      perItemMs: this.#memo.get(key),
    });
    const leases: string[] = [];
    const encode = (chunk: unknown[]) => {
      const encoded = this.#encode(mode, chunk);
      if (encoded.ids !== undefined) leases.push(...encoded.ids);
      return encoded;
    };
    job.start(items, { source, mode, planner, encode });
    // What its chunks served stays pinned until the whole map has settled.
    const release = () => releaseLeases(leases);
    void job.result.wait().then(release, release);
    // Remember what "auto" measured, so the next map of this function starts from it.
    void job.result.wait().then(() => this.#memo.remember(key, planner));
    if (items.length > 0) this.#scheduler.submitSource(job);
  }

  /**
   * Start an `imap`/`imapUnordered` call.
   *
   * @param fn The function (already checked).
   * @param input The items.
   * @param ordered Whether results keep input order.
   * @param arg The chunk size or the options.
   * @param what The call, for messages.
   * @returns The iterator.
   */
  imap<R>(
    fn: TaskFunction,
    input: TaskInput<unknown>,
    ordered: boolean,
    arg: unknown,
    what: string,
  ): IMapIterator<R> {
    const opts = chunkOptions<IMapOptions>(arg);
    const chunksize = opts.chunksize === undefined || opts.chunksize === null
      ? 1
      : positiveInteger(opts.chunksize, what, "chunksize");
    const buffersize = opts.buffersize === undefined || opts.buffersize === null
      ? undefined
      : positiveInteger(opts.buffersize, what, "buffersize");
    const onProgress = checkProgress(opts.onProgress, what);
    if (
      input == null ||
      (typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function" &&
        !isAsyncIterable(input))
    ) {
      throw new TypeError(`${what}: 'iterable' must be iterable, received ${String(input)}`);
    }
    sourceFunction(fn);
    const scope = this.#scope(opts, what, (reason) => imapControl().cancel(it, reason));
    const readAhead = buffersize === undefined
      ? Math.max(1024, 4 * this.#processes * chunksize)
      : buffersize * chunksize;
    const progress = onProgress === undefined
      ? undefined
      : new ProgressReporter(onProgress, knownLength(input));
    const it: IMapIterator<unknown> = new IMapIterator<R>(
      input,
      ordered,
      chunksize,
      readAhead,
      progress,
    );
    const scheduler = this.#scheduler;
    const iterators = this.#iterators;
    iterators.add(it as IMapIterator<unknown>);
    scheduler.addProducer();
    let wrapped: TaskSink | undefined;
    imapControl().start(it, {
      submit: (items, index, sink) => {
        wrapped ??= scope === undefined ? sink : scope.into(sink);
        this.#submit(fn, MODE_MAP, items, wrapped, items.length, index, scope);
      },
      get closing() {
        return scheduler.closing;
      },
      done: () => {
        iterators.delete(it);
        scheduler.removeProducer();
        scope?.seal();
      },
    });
    return it as IMapIterator<R>;
  }
}
