/**
 * Python's `multiprocessing.Process`: run one function in a worker (a child
 * process or a thread, by context) and wait for it to end.
 *
 * @module
 */
import { checkTimeout, describe } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { getBackend } from "../runtime/backend.ts";
import type { Context, ExitInfo, WorkerHandle } from "../runtime/types.ts";
import { workerEntryUrl } from "../runtime/worker_url.ts";
import { assertFunction, functionRef } from "../worker/functions.ts";
import type { FunctionRef, ProcessWorkerData } from "../transport/protocol.ts";
import { serveWorkerRpc } from "../transport/rpc.ts";
import { collectLeases, releaseLeases } from "../transport/leases.ts";
import { encodeShared } from "../transport/shareable.ts";
import { checkCanStartWorkers, childDepth } from "./bootstrap_guard.ts";
import { addChild, removeChild } from "./children.ts";
import { stopDaemonsAtExit } from "./daemon_exit.ts";
import { exitCodeOf } from "./exit_code.ts";
import { interruptedExit, type StopHow, stopWorker } from "./interrupt.ts";
import { getIdentity } from "./identity.ts";
import { checkContext, getStartMethod } from "./start_method.ts";

/** A function a `Process` can run: any arguments, any (possibly async) result. */
// deno-lint-ignore no-explicit-any
export type ProcessTarget = (...args: any[]) => unknown;

/**
 * `args` of `new Process()`, checked against `target`'s parameters: required
 * when `target` has required parameters, optional (default `[]`) otherwise.
 *
 * @typeParam F The target's type.
 */
export type ProcessArgs<F extends ProcessTarget> = [] extends Parameters<F> ? {
    /** Arguments for `target` (structured-clonable, or shareable primitives). Default `[]`. */
    readonly args?: Parameters<F>;
  }
  : {
    /** Arguments for `target` (structured-clonable, or shareable primitives). */
    readonly args: Parameters<F>;
  };

/**
 * Options of `new Process()`: `target`, its `args` (checked against it) and
 * the fields of `ProcessBaseOptions`.
 *
 * @typeParam F The target's type.
 */
export type ProcessOptions<F extends ProcessTarget = ProcessTarget> =
  & ProcessBaseOptions
  & {
    /** The function to run; async functions are awaited. Sent by source text unless `module` exports it. */
    readonly target: F;
  }
  & ProcessArgs<F>;

/** The options of `new Process()` other than `target` and `args`. */
export interface ProcessBaseOptions {
  /** Name; default `Process-N`. */
  readonly name?: string;
  /** Daemon processes are ended when the parent exits. Default false. */
  readonly daemon?: boolean;
  /** `"thread"` or `"process"`; default `getStartMethod()`. */
  readonly context?: Context;
  /**
   * A module exporting `target`: the worker imports it and calls the export with the target's
   * name and source text (the main thread does not import it). Guard the module's main program
   * with `if (isMainProcess())`.
   */
  readonly module?: string | URL;
}

let counter = 0;

/**
 * A function running in its own worker, with Python's `Process` API.
 *
 * @typeParam F The target's type (its parameters type `args`).
 * @example
 * ```ts
 * import { Process } from "./process.ts";
 * const p = new Process({ target: (n: number) => console.log(n * 2), args: [21] });
 * p.start();
 * await p.join();
 * console.log(p.exitcode); // 0
 * ```
 */
export class Process<F extends ProcessTarget = ProcessTarget> {
  /** How the worker finds the target (see `worker/functions.ts`). */
  readonly #target: FunctionRef;
  readonly #args: unknown[];
  readonly #context: Context;
  readonly #module: string | undefined;
  #name: string;
  #daemon: boolean;
  #state: "initial" | "started" | "closed" = "initial";
  #handle: WorkerHandle | undefined;
  /** The pid or thread id, kept from the spawn: Node reports a thread id of -1 once it ended. */
  #ident: number | undefined;
  #pendingSignal: StopHow | undefined;
  #interrupted: (() => void) | undefined; // set by interrupt(): cancels a thread's grace timer
  #exit: ExitInfo | undefined;
  /** Objects its args served (process context), pinned until it exits. */
  #leases: string[] | undefined;
  #exited: Promise<void> | undefined;
  #markExited: () => void = () => {};
  #joiners = 0;

  /**
   * Describe a process to run; nothing starts before `start()`.
   *
   * @param options Target, arguments, name, daemon flag, context and module.
   * @throws {TypeError} When `target` is not a function that can be sent, or `args` is not iterable.
   * @throws {RangeError} When `context` is neither `"thread"` nor `"process"`.
   */
  constructor(options: ProcessOptions<F>) {
    const what = "Cannot create process";
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`${what}: expected an options object, received ${describe(options)}`);
    }
    assertFunction(options.target, what, "target");
    const args: Iterable<unknown> = options.args ?? [];
    if (typeof (args as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function") {
      throw new TypeError(`${what}: 'args' must be an array, received ${describe(args)}`);
    }
    this.#target = functionRef(options.target);
    this.#args = [...args];
    this.#context = checkContext(options.context ?? getStartMethod(), what);
    this.#module = options.module === undefined ? undefined : String(options.module);
    this.#name = options.name === undefined ? `Process-${++counter}` : checkName(options.name);
    this.#daemon = Boolean(options.daemon);
  }

  /** The process's name (default `Process-N`). */
  get name(): string {
    return this.#name;
  }
  set name(value: string) {
    this.#name = checkName(value);
  }

  /** Whether the process is a daemon (ended when the parent exits); settable before `start()`. */
  get daemon(): boolean {
    return this.#daemon;
  }
  set daemon(value: boolean) {
    if (this.#state !== "initial") {
      throw new ProcessError(
        `Cannot set daemon of process '${this.#name}': it has already started`,
      );
    }
    this.#daemon = Boolean(value);
  }

  /** The context it runs in. */
  get context(): Context {
    return this.#context;
  }

  /** OS pid in the process context once started; undefined in the thread context. */
  get pid(): number | undefined {
    this.#checkClosed("read pid of");
    return this.#handle?.pid;
  }

  /** The pid, or the thread id in the thread context; undefined before start; kept after it ends. */
  get ident(): number | undefined {
    this.#checkClosed("read ident of");
    return this.#ident;
  }

  /** null before start and while running; 0 ok, 1 uncaught error, N from exit(N), -N by signal N. */
  get exitcode(): number | null {
    this.#checkClosed("read exitcode of");
    return this.#exit === undefined ? null : exitCodeOf(this.#exit);
  }

  /**
   * Start the worker. Returns at once; the returned promise resolves when the
   * worker has been spawned (so `pid` is known). It never rejects: a worker
   * that cannot start ends with `exitcode` 1.
   *
   * @returns Resolves once the worker is spawned.
   * @throws {ProcessError} When already started or closed; in a worker that is
   *   still importing its task module (the module lacks the `isMainProcess()`
   *   guard); when workers are already nested `MAX_NESTING` (8) deep.
   * @throws {TypeError} When the arguments cannot be sent.
   */
  start(): Promise<void> {
    this.#checkClosed("start");
    if (this.#state === "started") {
      throw new ProcessError(`Cannot start process '${this.#name}': it has already been started`);
    }
    checkCanStartWorkers(`start process '${this.#name}'`);
    const { value: args, ids } = collectLeases(() => encodeShared(this.#args, this.#context));
    try {
      structuredClone(args);
    } catch (error) {
      if (ids !== undefined) releaseLeases(ids);
      throw new TypeError(
        `Cannot start process '${this.#name}': its args could not be sent (${
          (error as Error).message
        })`,
        { cause: error },
      );
    }
    this.#state = "started";
    this.#leases = ids;
    this.#exited = new Promise((resolve) => (this.#markExited = resolve));
    addChild(this);
    if (this.#daemon) stopDaemonsAtExit();
    return this.#spawn(args as unknown[]);
  }

  async #spawn(args: unknown[]): Promise<void> {
    try {
      const backend = await getBackend(this.#context);
      const me = getIdentity();
      const workerData: ProcessWorkerData = {
        role: "process",
        name: this.#name,
        module: this.#module,
        target: this.#target,
        args,
        daemon: this.#daemon,
        parentName: me.name,
        parentPid: me.pid,
        depth: childDepth(),
      };
      const handle = backend.spawn({
        url: workerEntryUrl(),
        name: this.#name,
        workerData,
      });
      this.#handle = handle;
      this.#ident = handle.pid ?? handle.threadId;
      handle.onMessage((message) => void serveWorkerRpc(message, (reply) => handle.post(reply)));
      handle.onExit((info) => this.#ended(info));
      this.#updateRef();
      const pending = this.#pendingSignal;
      if (pending !== undefined) this.#interrupted = stopWorker(pending, handle, this.#context);
    } catch (error) {
      console.error(`Process ${this.#name} could not start:\n${(error as Error)?.stack ?? error}`);
      this.#ended({ code: 1, error: error as Error });
    }
  }

  /** A daemon does not keep the parent alive, except while someone joins it. */
  #updateRef(): void {
    if (this.#exit === undefined) this.#handle?.ref(!this.#daemon || this.#joiners > 0);
  }

  #ended(info: ExitInfo): void {
    if (this.#exit !== undefined) return;
    this.#interrupted?.();
    this.#exit = this.#interrupted && this.#context === "thread" ? interruptedExit(info) : info;
    // What its args served is no longer pinned by this process's start.
    if (this.#leases !== undefined) releaseLeases(this.#leases);
    this.#leases = undefined;
    removeChild(this);
    this.#markExited();
  }

  /**
   * Wait for the process to end, at most `timeout` ms (Python's `join`). After a
   * timeout it may still run: check `exitcode` or `isAlive()`.
   *
   * @param timeout Milliseconds; null/undefined waits forever; negative counts as 0.
   * @returns Resolves when it ended or the timeout passed.
   * @throws {ProcessError} (rejects) When it was never started or is closed.
   * @throws {TypeError} (rejects) When `timeout` is not a number or null, or is `NaN`.
   */
  async join(timeout?: number | null): Promise<void> {
    this.#checkClosed("join");
    if (this.#state !== "started") {
      throw new ProcessError(`Cannot join process '${this.#name}': it has not been started`);
    }
    const ms = checkTimeout(`join process '${this.#name}'`, timeout);
    if (this.#exit !== undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waits = [this.#exited!];
    if (ms !== Infinity) {
      // setTimeout takes at most 2^31 - 1 ms (about 24 days); beyond, it fires at once.
      const delay = Math.min(ms, 2 ** 31 - 1);
      waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, delay))));
    }
    this.#joiners++;
    this.#updateRef();
    try {
      await Promise.race(waits);
    } finally {
      clearTimeout(timer);
      this.#joiners--;
      this.#updateRef();
    }
  }

  /**
   * Whether the process has started and not yet ended.
   *
   * @returns True while running.
   * @throws {ProcessError} When closed.
   */
  isAlive(): boolean {
    this.#checkClosed("query");
    return this.#state === "started" && this.#exit === undefined;
  }

  /**
   * Stop it with SIGTERM (a thread is stopped too); `exitcode` becomes -15.
   * Does nothing once it has ended.
   *
   * @throws {ProcessError} When never started, or closed.
   */
  terminate(): void {
    this.#signal("terminate");
  }

  /**
   * Stop it with SIGKILL (a thread is stopped too); `exitcode` becomes -9.
   * Does nothing once it has ended.
   *
   * @throws {ProcessError} When never started, or closed.
   */
  kill(): void {
    this.#signal("kill");
  }

  /**
   * Interrupt it (Python 3.14): SIGINT to a child (`exitcode` -2 unless it
   * handles it); a thread's target sees `taskSignal()` abort, and is stopped
   * after a second (`exitcode` -2 unless it returned normally).
   *
   * @throws {ProcessError} When never started, or closed.
   */
  interrupt(): void {
    this.#signal("interrupt");
  }

  #signal(how: StopHow): void {
    this.#checkClosed(how);
    if (this.#state !== "started") {
      throw new ProcessError(`Cannot ${how} process '${this.#name}': it has not been started`);
    }
    if (this.#exit !== undefined) return;
    if (this.#handle === undefined) this.#pendingSignal ??= how;
    else if (how !== "interrupt") stopWorker(how, this.#handle, this.#context);
    else this.#interrupted ??= stopWorker(how, this.#handle, this.#context);
  }

  /**
   * Release the process object (Python's `close`); afterwards it refuses use.
   *
   * @throws {ProcessError} While it is still running.
   */
  close(): void {
    if (this.#state === "started" && this.#exit === undefined) {
      throw new ProcessError(
        `Cannot close process '${this.#name}' while it is still running; ` +
          `call join() or terminate() first`,
      );
    }
    this.#state = "closed";
    this.#handle = undefined;
  }

  /**
   * A description like Python's repr.
   *
   * @returns e.g. `<Process name='Process-1' pid=1234 started>`.
   */
  toString(): string {
    if (this.#state === "closed") return `<Process name='${this.#name}' closed>`;
    const parts = [`<Process name='${this.#name}'`];
    const ident = this.#ident;
    if (ident !== undefined) {
      parts.push(`${this.#handle?.pid !== undefined ? "pid" : "ident"}=${ident}`);
    }
    if (this.#state === "initial") parts.push("initial");
    else if (this.#exit === undefined) parts.push("started");
    else parts.push(`stopped exitcode=${exitCodeOf(this.#exit)}`);
    if (this.#daemon) parts.push("daemon");
    return `${parts.join(" ")}>`;
  }

  #checkClosed(what: string): void {
    if (this.#state === "closed") {
      throw new ProcessError(`Cannot ${what} process '${this.#name}': process object is closed`);
    }
  }
}

function checkName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(`Cannot name process: 'name' must be a string, received ${describe(name)}`);
  }
  return name;
}
