/**
 * What a `Pool` is made of behind its public methods: its state (running,
 * closed, terminated), its scheduler, the submitter that turns its calls into
 * tasks, and the pins its initargs hold for its whole life.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import type { Context } from "../runtime/types.ts";
import { preloadErrorClasses } from "../transport/error_classes.ts";
import { collectLeases, releaseLeases } from "../transport/leases.ts";
import { MODE_MAP, MODE_STARMAP } from "../transport/protocol.ts";
import { encodeShared } from "../transport/shareable.ts";
import type { AsyncResult } from "./async_result.ts";
import type { ApplyAsyncOptions, TaskFunction, TaskInput } from "./call_types.ts";
import { assertFunction, functionRef } from "../worker/functions.ts";
import { imapControl, type IMapIterator } from "./imap_iterator.ts";
import type { CheckedPoolOptions } from "./options.ts";
import { Scheduler } from "./scheduler.ts";
import { Submitter } from "./submission.ts";

const RUN = 0;
const CLOSE = 1;
const TERMINATE = 2;

/** The engine of one `Pool`. */
export class PoolEngine {
  #state = RUN;
  readonly #scheduler: Scheduler;
  readonly #submitter: Submitter;
  /** Objects the initargs served (process context): pinned for the pool's life. */
  #initLeases: string[] | undefined;

  /** @param opts The pool's options, checked. */
  constructor(opts: CheckedPoolOptions) {
    const context: Context = opts.context;
    const init = collectLeases(() => encodeShared(opts.initargs, context) as unknown[]);
    this.#initLeases = init.ids;
    if (opts.module !== undefined) preloadErrorClasses(opts.module);
    this.#scheduler = new Scheduler({
      processes: opts.processes,
      context,
      module: opts.module,
      initializer: opts.initializer ? functionRef(opts.initializer) : undefined,
      initargs: init.value,
      maxtasksperchild: opts.maxtasksperchild,
      lazy: opts.lazy,
      resourceLimits: opts.resourceLimits,
      abortGrace: opts.abortGrace,
    });
    this.#submitter = new Submitter(context, opts.processes, this.#scheduler);
  }

  /** OS pids of the current workers (process context; empty for threads). */
  get pids(): number[] {
    return this.#scheduler.slots.flatMap((s) => (s.handle.pid === undefined ? [] : [s.handle.pid]));
  }

  #check(fn: unknown, what: string): void {
    if (this.#state !== RUN) throw new ProcessError("Pool not running");
    assertFunction(fn, what, "fn");
  }

  /**
   * `applyAsync`.
   *
   * @param fn The function.
   * @param args Its arguments.
   * @param options The caller's callbacks, signal and timeout.
   * @returns The task's result.
   */
  apply<R>(fn: unknown, args: unknown, options: ApplyAsyncOptions<R> | undefined): AsyncResult<R> {
    this.#check(fn, "Cannot submit task");
    return this.#submitter.apply(fn as TaskFunction, args, options);
  }

  /**
   * `mapAsync` / `starmapAsync`.
   *
   * @param fn The function.
   * @param input The items.
   * @param starmap Whether each item is an argument list.
   * @param arg The chunk size or the options.
   * @returns The call's result.
   */
  map<R>(fn: unknown, input: TaskInput<unknown>, starmap: boolean, arg: unknown): AsyncResult<R[]> {
    const what = starmap ? "Cannot starmap" : "Cannot map";
    this.#check(fn, what);
    const mode = starmap ? MODE_STARMAP : MODE_MAP;
    return this.#submitter.map(fn as TaskFunction, input, mode, arg, what);
  }

  /**
   * `imap` / `imapUnordered`.
   *
   * @param fn The function.
   * @param input The items.
   * @param ordered Whether results keep input order.
   * @param arg The chunk size or the options.
   * @returns The iterator.
   */
  imap<R>(fn: unknown, input: TaskInput<unknown>, ordered: boolean, arg: unknown): IMapIterator<R> {
    const what = ordered ? "Cannot imap" : "Cannot imapUnordered";
    this.#check(fn, what);
    return this.#submitter.imap(fn as TaskFunction, input, ordered, arg, what);
  }

  /** `close()`: accept no more calls; iterators read their input to the end. */
  close(): void {
    if (this.#state === RUN) this.#state = CLOSE;
    this.#scheduler.close();
    for (const it of this.#submitter.iterators) imapControl().pump(it);
  }

  /**
   * `terminate()`: fail everything unsettled and stop the workers now.
   *
   * @returns Once every worker has ended.
   */
  async terminate(): Promise<void> {
    this.#state = TERMINATE;
    const error = new ProcessError("Pool terminated before the task finished");
    for (const it of this.#submitter.iterators) imapControl().abort(it, error);
    await this.#scheduler.terminate();
    this.#ended();
  }

  /**
   * `join()`: wait for the work to finish and the workers to exit.
   *
   * @returns Once every worker has exited.
   * @throws {ProcessError} Before `close()`/`terminate()`.
   */
  async join(): Promise<void> {
    if (this.#state === RUN) throw new ProcessError("Pool is still running");
    await this.#scheduler.join();
    this.#ended();
  }

  /** The pool has ended: what its initargs served is no longer pinned by it. */
  #ended(): void {
    const ids = this.#initLeases;
    this.#initLeases = undefined;
    if (ids !== undefined) releaseLeases(ids);
  }
}
