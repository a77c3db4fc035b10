/**
 * `Pool` options and their validation.
 *
 * @module
 */
import { checkInteger, checkTimeout, describe } from "../args.ts";
import { checkContext, getStartMethod } from "../process/start_method.ts";
import { logicalCpuCount } from "../runtime/cpu.ts";
import type { Context, ResourceLimits } from "../runtime/types.ts";
import type { ChunkStrategy } from "./chunking.ts";
import { isChunkStrategy } from "./chunking.ts";
import { assertFunction } from "../worker/functions.ts";

/** Options of `new Pool(options)`; every field is optional. */
export interface PoolOptions {
  /**
   * Run the pool over BullMQ on Redis instead of local workers (import
   * `@seed/multiprocessing/cluster` first; see `ClusterPool` there). The
   * returned pool is a `ClusterPool`: functions travel by reference only.
   */
  readonly cluster?: {
    readonly redis: string | URL | Readonly<Record<string, unknown>>;
    readonly queue: string;
    readonly prefix?: string;
    readonly unreachableTimeout?: number;
  };
  /** Number of workers. Default: `cpuCount()`. */
  readonly processes?: number;
  /** Called as `initializer(...initargs)` once in each worker before its first task. */
  // deno-lint-ignore no-explicit-any
  readonly initializer?: (...args: any[]) => unknown;
  /** Arguments for `initializer`. Default `[]`. */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after it has run this many tasks (a chunk counts as one). Default: never. */
  readonly maxtasksperchild?: number | null;
  /** `"thread"` or `"process"`. Default: `getStartMethod()` (initially `"thread"`). */
  readonly context?: Context;
  /**
   * A module (usually `import.meta.url`) whose exported functions are called
   * by export name in the workers, so they may use imports and helpers. Each
   * worker imports it: guard its main program with `if (isMainProcess())`.
   */
  readonly module?: string | URL;
  /**
   * Start the workers when the first task is submitted instead of at once
   * (CPython starts them at once). Default `false`.
   */
  readonly lazy?: boolean;
  /**
   * Memory caps for each worker, e.g. `{ maxOldGenerationSizeMb: 256 }`: a task that needs
   * more kills only its worker (the task fails with `WorkerLostError`) instead of exhausting
   * the machine. Threads get Node's `worker_threads` `resourceLimits`, child processes
   * `--max-old-space-size`. Enforced on Node (both contexts) and in Deno's child processes;
   * Deno's threads apply the cap but, as of Deno 2.9, a thread that reaches it stops
   * responding instead of ending; Bun (JavaScriptCore) has no heap cap and ignores the
   * option. Default: no cap (the runtime's own limit).
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Milliseconds an aborted or timed-out task that is running may take to
   * settle after its `taskSignal()` aborted; then its worker is stopped
   * (thread terminated, child killed) and replaced, and only that task fails.
   * `Infinity`: never stop a worker. Default {@linkcode DEFAULT_ABORT_GRACE_MS}.
   */
  readonly abortGrace?: number;
}

/** Default `PoolOptions.abortGrace` (ms). */
export const DEFAULT_ABORT_GRACE_MS = 1000;

/** Chunk size of `map`-like calls: a positive integer or a strategy name. */
export type Chunksize = number | ChunkStrategy;

/**
 * Check a positive integer option.
 *
 * @param value The value.
 * @param what What is being done.
 * @param name The option's name.
 * @returns The value.
 * @throws {TypeError} When it is not a number.
 * @throws {RangeError} When it is not a positive integer.
 * @example
 * ```ts
 * import { positiveInteger } from "./options.ts";
 * positiveInteger(4, "Cannot create pool", "processes");
 * ```
 */
export function positiveInteger(value: unknown, what: string, name: string): number {
  return checkInteger(what, name, value, { min: 1 });
}

/**
 * Check a `chunksize` argument.
 *
 * @param value The value (undefined = default).
 * @param what What is being done.
 * @returns The value.
 * @throws {RangeError} When it is neither a positive integer nor a strategy name.
 * @example
 * ```ts
 * import { checkChunksize } from "./options.ts";
 * checkChunksize(10, "Cannot map");
 * ```
 */
export function checkChunksize(value: unknown, what: string): Chunksize | undefined {
  if (value === undefined || value === null) return undefined;
  if (isChunkStrategy(value)) return value;
  return positiveInteger(value, what, "chunksize");
}

const RESOURCE_LIMIT_KEYS = ["maxOldGenerationSizeMb"];

/**
 * Check a `resourceLimits` option.
 *
 * @param value The value (undefined or null = no caps).
 * @param what What is being done.
 * @returns The caps, copied, or undefined.
 * @throws {TypeError} When it is not an object, or names a cap this library does not support.
 * @throws {RangeError} When a cap is not a positive integer.
 * @example
 * ```ts
 * import { checkResourceLimits } from "./options.ts";
 * checkResourceLimits({ maxOldGenerationSizeMb: 64 }, "Cannot create pool");
 * ```
 */
export function checkResourceLimits(value: unknown, what: string): ResourceLimits | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "an array" : typeof value;
    throw new TypeError(
      `${what}: 'resourceLimits' must be an object such as { maxOldGenerationSizeMb: 256 }, ` +
        `received ${kind}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!RESOURCE_LIMIT_KEYS.includes(key)) {
      throw new TypeError(
        `${what}: 'resourceLimits' supports only ${RESOURCE_LIMIT_KEYS.join(", ")}, ` +
          `received '${key}'`,
      );
    }
  }
  const mb = (value as ResourceLimits).maxOldGenerationSizeMb;
  if (mb === undefined) return {};
  return {
    maxOldGenerationSizeMb: positiveInteger(mb, what, "resourceLimits.maxOldGenerationSizeMb"),
  };
}

/** `PoolOptions`, checked, with their defaults. */
export interface CheckedPoolOptions {
  readonly processes: number;
  readonly maxtasksperchild: number | undefined;
  // deno-lint-ignore no-explicit-any
  readonly initializer: ((...args: any[]) => unknown) | undefined;
  readonly initargs: readonly unknown[];
  readonly context: Context;
  readonly module: string | undefined;
  readonly lazy: boolean;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly abortGrace: number;
}

/**
 * Check the argument of `new Pool(options)`.
 *
 * @param options The number of workers, or options.
 * @param what What is being done.
 * @returns The options, checked, with their defaults.
 * @throws {RangeError} For a `processes`/`maxtasksperchild` that is not a positive integer,
 *   a `resourceLimits` cap that is not one, or an `abortGrace` below 0.
 * @throws {TypeError} For an `initializer` that is not a function, `initargs` that are not
 *   an array, or a `resourceLimits` that is not an object of supported caps.
 * @example
 * ```ts
 * import { checkPoolOptions } from "./options.ts";
 * console.log(checkPoolOptions(2, "Cannot create pool").processes); // 2
 * ```
 */
export function checkPoolOptions(
  options: number | PoolOptions | undefined,
  what: string,
): CheckedPoolOptions {
  const opts: PoolOptions = typeof options === "object" && options !== null
    ? options
    : { processes: options };
  const processes = opts.processes === undefined || opts.processes === null
    ? logicalCpuCount()
    : positiveInteger(opts.processes, what, "processes");
  const maxtasksperchild = opts.maxtasksperchild === undefined || opts.maxtasksperchild === null
    ? undefined
    : positiveInteger(opts.maxtasksperchild, what, "maxtasksperchild");
  const initializer = opts.initializer ?? undefined;
  if (initializer !== undefined) assertFunction(initializer, what, "initializer");
  const initargs = opts.initargs ?? [];
  if (!Array.isArray(initargs)) {
    throw new TypeError(`${what}: 'initargs' must be an array, received ${typeof initargs}`);
  }
  let abortGrace = DEFAULT_ABORT_GRACE_MS;
  if (opts.abortGrace !== undefined && opts.abortGrace !== null) {
    abortGrace = checkTimeout(what, opts.abortGrace, "abortGrace");
    if ((opts.abortGrace as number) < 0) {
      throw new RangeError(
        `${what}: 'abortGrace' must be a non-negative number of milliseconds, received ${
          describe(opts.abortGrace)
        }`,
      );
    }
  }
  return {
    processes,
    maxtasksperchild,
    abortGrace,
    initializer,
    initargs,
    context: opts.context === undefined ? getStartMethod() : checkContext(opts.context, what),
    module: opts.module === undefined ? undefined : String(opts.module),
    lazy: opts.lazy === true,
    resourceLimits: checkResourceLimits(opts.resourceLimits, what),
  };
}
