/**
 * `ClusterPool`: the `Pool` API over a BullMQ queue on Redis, served by worker
 * hosts on any number of machines (`serveCluster()` or the `worker` CLI).
 * One chunk is one job with a deterministic id; its result carries each
 * part's values or error and the client puts them back in input order.
 * Delivery is at least once: a chunk whose host dies is run again elsewhere.
 *
 * @module
 */
import type {
  ApplyArgs,
  ApplyAsyncArgs,
  Chunksize,
  Received,
  ResultCallbacks,
  TaskFunction,
  TaskInput,
} from "../../mod.ts";
import { describe } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { AsyncResult } from "../pool/async_result.ts";
import type { IMapIterator } from "../pool/imap_iterator.ts";
import { preloadErrorClasses } from "../transport/error_classes.ts";
import { JobBoard, type PendingCall } from "./board.ts";
import { Call, outcome, startMap, submitChunks } from "./calls.ts";
import { type JobKind, KIND_APPLY, KIND_MAP, KIND_STARMAP, moduleKey } from "./protocol.ts";
import { startImap } from "./imap_feed.ts";
import { bag, checkSize, exportName, resolveClusterOptions } from "./client_options.ts";
import type { ClusterPoolOptions } from "./client_options.ts";
export type { ClusterOptions, ClusterPoolOptions } from "./client_options.ts";

const RUN = 0;
const CLOSE = 1;
const TERMINATE = 2;
let nextPool = 1;

/**
 * A pool whose workers are worker hosts on other machines, reached through
 * BullMQ on Redis. Methods behave as `Pool`'s; functions travel by reference
 * only (an export of `module`), arguments and results as JSON.
 *
 * @example
 * ```ts ignore
 * import { ClusterPool } from "@seed/multiprocessing/cluster";
 * import { square } from "./tasks.ts";
 * await using pool = new ClusterPool({
 *   cluster: { redis: "redis://127.0.0.1:6379", queue: "mp" },
 *   module: new URL("./tasks.ts", import.meta.url),
 * });
 * console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
 * ```
 */
export class ClusterPool {
  /** This pool's id: the prefix of its job ids. */
  readonly id: string;
  readonly #board: JobBoard;
  readonly #module: string;
  readonly #key: string;
  readonly #modules: ReadonlyMap<string, string>;
  #namespace: Record<string, unknown> | undefined;
  #state = RUN;
  #seq = 0;
  readonly #calls = new Set<PendingCall>();
  #drained: (() => void)[] = [];
  readonly #hooks = {
    processes: (): Promise<number> => this.#board.processes(),
    track: (call: PendingCall): void => this.#track(call),
    untrack: (call: PendingCall): void => this.#untrack(call),
  };

  /**
   * Connect to the cluster (in the background: calls made meanwhile wait).
   *
   * @param options `cluster` (Redis, queue) and `module`.
   * @throws {TypeError} On a missing or malformed option.
   */
  constructor(options: ClusterPoolOptions) {
    const { redis, module, queue, prefix, unreachable } = resolveClusterOptions(options);
    this.#module = module;
    this.#key = moduleKey(this.#module);
    this.#modules = new Map([[this.#key, this.#module]]);
    preloadErrorClasses(this.#module);
    import(this.#module).then((ns) => this.#namespace = ns, () => {});
    this.id = `p${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${nextPool++}`;
    this.#board = new JobBoard(redis, queue, prefix, unreachable);
  }

  /** The export name of `fn`; refuses anything else (functions travel by reference only). */
  #name(fn: unknown, what: string): string {
    if (this.#state !== RUN) throw new ProcessError("Pool not running");
    return exportName(fn, this.#namespace, this.#module, what);
  }

  #track(call: PendingCall): void {
    this.#calls.add(call);
    this.#board.track(call);
  }

  #untrack(call: PendingCall): void {
    this.#calls.delete(call);
    this.#board.done(call);
    if (this.#calls.size === 0) { for (const resolve of this.#drained.splice(0)) resolve(); }
  }

  #submit<T>(call: Call<T>, kind: JobKind, f: string, items: unknown[], size: number): void {
    const job = { p: this.id, m: this.#key, f, k: kind };
    submitChunks(this.#board, `${this.id}-${this.#seq++}`, job, call, items, size, this.#modules);
  }

  /**
   * Run `fn(...args)` on a worker host and wait for the result.
   *
   * @param fn An export of `module`.
   * @param args Its arguments (JSON values).
   * @returns Its result.
   * @throws {TypeError} When `fn` is not an export of `module`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`; Redis unreachable.
   * @example
   * ```ts ignore
   * console.log(await pool.apply(add, [1, 2])); // 3
   * ```
   */
  apply<F extends TaskFunction>(fn: F, ...[args]: ApplyArgs<F>): Promise<Received<ReturnType<F>>> {
    return this.applyAsync(fn, ...([args] as ApplyAsyncArgs<F>)).get();
  }

  /**
   * Submit `fn(...args)`; returns at once.
   *
   * @param fn An export of `module`.
   * @param args Its arguments (JSON values).
   * @param callbacks `callback` / `errorCallback`, run once in this thread.
   * @returns The eventual result.
   * @throws {TypeError} When `fn` is not an export of `module`.
   * @throws {ProcessError} "Pool not running" after `close()`/`terminate()`.
   * @example
   * ```ts ignore
   * const r = pool.applyAsync(add, [1, 2], { callback: console.log });
   * await r.wait();
   * ```
   */
  applyAsync<F extends TaskFunction>(
    fn: F,
    ...[args, callbacks]: ApplyAsyncArgs<F>
  ): AsyncResult<Received<ReturnType<F>>> {
    const name = this.#name(fn, "apply");
    if (args !== undefined && !Array.isArray(args)) {
      throw new TypeError(`Cannot apply: 'args' must be an array, received ${describe(args)}`);
    }
    const result = new AsyncResult<Received<ReturnType<F>>>(callbacks);
    const call = new Call(result, 1, true, (c) => this.#untrack(c));
    this.#track(call);
    this.#submit(call, KIND_APPLY, name, [...(args ?? [])], 1);
    return result;
  }

  #mapAsync<R>(
    kind: JobKind,
    fn: TaskFunction,
    input: TaskInput<unknown>,
    chunksize: Chunksize | undefined,
    callbacks: ResultCallbacks<R[]>,
    what: string,
  ): AsyncResult<R[]> {
    const name = this.#name(fn, what);
    const size = checkSize(chunksize, what);
    const result = new AsyncResult<R[]>(callbacks);
    void startMap({
      kind,
      input,
      size,
      result,
      what,
      ...this.#hooks,
      submit: (call, items, chunk) => this.#submit(call, kind, name, items, chunk),
    });
    return result;
  }

  /**
   * Python's `map`: `fn(item)` for every item, results in input order.
   *
   * @param fn An export of `module`.
   * @param input Items (JSON values); an async iterable is read to the end first.
   * @param chunksize Items per job, or `{ chunksize }`. Default CPython's `ceil(n / 4P)`, P the workers the live hosts advertise.
   * @returns The results.
   * @throws The first failing item's error (its class and remote stack kept).
   * @example
   * ```ts ignore
   * console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
   * ```
   */
  map<T, R>(
    fn: (item: T) => R | Promise<R>,
    input: TaskInput<T>,
    chunksize?: Chunksize | { readonly chunksize?: Chunksize },
  ): Promise<Awaited<R>[]> {
    return this.mapAsync(fn, input, chunksize).get();
  }

  /**
   * Python's `map_async`.
   *
   * @param fn An export of `module`.
   * @param input Items (JSON values).
   * @param options A chunk size, or `{ chunksize, callback, errorCallback }`.
   * @returns The eventual results.
   * @example
   * ```ts ignore
   * const r = pool.mapAsync(square, [1, 2], { callback: console.log });
   * await r.wait();
   * ```
   */
  mapAsync<T, R>(
    fn: (item: T) => R | Promise<R>,
    input: TaskInput<T>,
    options?: Chunksize | ({ readonly chunksize?: Chunksize } & ResultCallbacks<Awaited<R>[]>),
  ): AsyncResult<Awaited<R>[]> {
    const o = bag(options);
    return this.#mapAsync(KIND_MAP, fn, input, o.chunksize, o, "map");
  }

  /**
   * Python's `starmap`: `fn(...args)` for every argument list.
   *
   * @param fn An export of `module`.
   * @param input Argument lists (JSON values).
   * @param chunksize Items per job, or `{ chunksize }`.
   * @returns The results in input order.
   * @example
   * ```ts ignore
   * console.log(await pool.starmap(add, [[1, 2], [3, 4]])); // [3, 7]
   * ```
   */
  starmap<R>(
    // deno-lint-ignore no-explicit-any
    fn: (...args: any[]) => R | Promise<R>,
    input: TaskInput<readonly unknown[]>,
    chunksize?: Chunksize | { readonly chunksize?: Chunksize },
  ): Promise<Awaited<R>[]> {
    return this.starmapAsync(fn, input, chunksize).get();
  }

  /**
   * Python's `starmap_async`.
   *
   * @param fn An export of `module`.
   * @param input Argument lists (JSON values).
   * @param options A chunk size, or `{ chunksize, callback, errorCallback }`.
   * @returns The eventual results.
   * @example
   * ```ts ignore
   * await pool.starmapAsync(add, [[1, 2]]).get(); // [3]
   * ```
   */
  starmapAsync<R>(
    // deno-lint-ignore no-explicit-any
    fn: (...args: any[]) => R | Promise<R>,
    input: TaskInput<readonly unknown[]>,
    options?: Chunksize | ({ readonly chunksize?: Chunksize } & ResultCallbacks<Awaited<R>[]>),
  ): AsyncResult<Awaited<R>[]> {
    const o = bag(options);
    return this.#mapAsync(KIND_STARMAP, fn, input, o.chunksize, o, "starmap");
  }

  #imap<R>(
    fn: TaskFunction,
    input: TaskInput<unknown>,
    chunksize: unknown,
    ordered: boolean,
  ): IMapIterator<R> {
    const what = ordered ? "imap" : "imapUnordered";
    const name = this.#name(fn, what);
    const size = checkSize(bag(chunksize as number | undefined).chunksize, what) ?? 1;
    const seq = this.#seq++;
    return startImap<R>({
      input,
      ordered,
      size,
      // A bounded number of chunks in flight: two per advertised worker (at least 16).
      readAhead: size * 2 * Math.max(8, this.#board.knownProcesses),
      submit: (index, items, answer) =>
        this.#board.add(
          `${this.id}-${seq}-${index}`,
          { p: this.id, m: this.#key, f: name, k: KIND_MAP, a: items },
          (ok, value) => answer(outcome(ok, value, items.length, this.#modules)),
        ),
      closing: () => this.#state !== RUN,
      ...this.#hooks,
    });
  }

  /**
   * Python's `imap`: results in input order, lazily, with a bounded number of chunks in flight.
   *
   * @param fn An export of `module`.
   * @param input Items (sync or async iterable, read lazily).
   * @param chunksize Items per job (default 1), or `{ chunksize }`.
   * @returns An async iterator of results.
   * @example
   * ```ts ignore
   * for await (const y of pool.imap(square, [1, 2, 3])) console.log(y);
   * ```
   */
  imap<T, R>(
    fn: (item: T) => R | Promise<R>,
    input: TaskInput<T>,
    chunksize?: number | { readonly chunksize?: number },
  ): IMapIterator<Awaited<R>> {
    return this.#imap(fn, input, chunksize, true);
  }

  /**
   * Python's `imap_unordered`: results as chunks finish.
   *
   * @param fn An export of `module`.
   * @param input Items.
   * @param chunksize Items per job (default 1), or `{ chunksize }`.
   * @returns An async iterator of results in completion order.
   * @example
   * ```ts ignore
   * for await (const y of pool.imapUnordered(square, [1, 2, 3])) console.log(y);
   * ```
   */
  imapUnordered<T, R>(
    fn: (item: T) => R | Promise<R>,
    input: TaskInput<T>,
    chunksize?: number | { readonly chunksize?: number },
  ): IMapIterator<Awaited<R>> {
    return this.#imap(fn, input, chunksize, false);
  }

  /**
   * Accept no more calls; those submitted still run.
   *
   * @example
   * ```ts ignore
   * pool.close();
   * await pool.join();
   * ```
   */
  close(): void {
    if (this.#state === RUN) this.#state = CLOSE;
  }

  /**
   * Remove this pool's waiting chunks, cancel its running ones on the hosts
   * (their local tasks finish; results are dropped) and settle every pending
   * result at once with `ProcessError`. Other pools and the hosts go on.
   *
   * @returns Resolves once the connections are closed.
   * @example
   * ```ts ignore
   * await pool.terminate();
   * ```
   */
  async terminate(): Promise<void> {
    const first = this.#state !== TERMINATE;
    this.#state = TERMINATE;
    if (first) {
      const ids = this.#board.jobIds.filter((id) => id.startsWith(`${this.id}-`));
      const error = new ProcessError("Pool terminated before the task finished");
      for (const call of [...this.#calls]) call.fail(error);
      await this.#board.cancel(this.id, ids);
    }
    await this.#board.close();
  }

  /**
   * Wait for every submitted call to settle, then close the connections.
   *
   * @returns Resolves once done.
   * @throws {ProcessError} "Pool is still running" before `close()`/`terminate()`.
   * @example
   * ```ts ignore
   * pool.close();
   * await pool.join();
   * ```
   */
  async join(): Promise<void> {
    if (this.#state === RUN) throw new ProcessError("Pool is still running");
    if (this.#calls.size > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    await this.#board.close();
  }

  /**
   * `await using pool = new ClusterPool(...)`: terminates the pool.
   *
   * @returns Resolves once terminated.
   * @example
   * ```ts ignore
   * await pool[Symbol.asyncDispose]();
   * ```
   */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }
}
