/**
 * Python's `multiprocessing.get_context()`: the library's classes and
 * functions with `Pool` and `Process` bound to one context.
 *
 * To add a class to the context object, add it to `MultiprocessingContext`
 * and to the object built in `build()`; classes that need the context get a
 * small subclass there, as `Pool` and `Process` do.
 *
 * @module
 */
import { Pool } from "../pool/pool.ts";
import type { PoolOptions } from "../pool/options.ts";
import type { Context } from "../runtime/types.ts";
import { activeChildren } from "./children.ts";
import { cpuCount } from "./cpu_count.ts";
import { currentProcess, isMainProcess, parentProcess } from "./current.ts";
import { Process, type ProcessOptions, type ProcessTarget } from "./process.ts";
import { checkContext, getStartMethod } from "./start_method.ts";
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  RLock,
  Semaphore,
} from "../sync/mod.ts";
import { JoinableQueue, Pipe, Queue, SimpleQueue } from "../queue/mod.ts";
import { SharedArray, Value } from "../shared/mod.ts";

/** What `getContext()` returns: the API with `Pool` and `Process` bound to one context. */
export interface MultiprocessingContext {
  /** `Pool` whose workers run in this context unless `options.context` says otherwise. */
  readonly Pool: typeof Pool;
  /** `Process` that runs in this context unless `options.context` says otherwise. */
  readonly Process: typeof Process;
  /** This context's name (Python's `ctx.get_start_method()`). */
  getStartMethod(): Context;
  /** See `cpuCount()`. */
  readonly cpuCount: typeof cpuCount;
  /** See `currentProcess()`. */
  readonly currentProcess: typeof currentProcess;
  /** See `parentProcess()`. */
  readonly parentProcess: typeof parentProcess;
  /** See `activeChildren()`. */
  readonly activeChildren: typeof activeChildren;
  /** See `isMainProcess()`. */
  readonly isMainProcess: typeof isMainProcess;
  /** See `Lock` (works in either context; the context is chosen where it is sent). */
  readonly Lock: typeof Lock;
  /** See `RLock`. */
  readonly RLock: typeof RLock;
  /** See `Semaphore`. */
  readonly Semaphore: typeof Semaphore;
  /** See `BoundedSemaphore`. */
  readonly BoundedSemaphore: typeof BoundedSemaphore;
  /** See `Event`. */
  readonly Event: typeof Event;
  /** See `Condition`. */
  readonly Condition: typeof Condition;
  /** See `Barrier`. */
  readonly Barrier: typeof Barrier;
  /** See `Queue`. */
  readonly Queue: typeof Queue;
  /** See `JoinableQueue`. */
  readonly JoinableQueue: typeof JoinableQueue;
  /** See `SimpleQueue`. */
  readonly SimpleQueue: typeof SimpleQueue;
  /** See `Pipe`. */
  readonly Pipe: typeof Pipe;
  /** See `Value`. */
  readonly Value: typeof Value;
  /** See `SharedArray`. */
  readonly SharedArray: typeof SharedArray;
}

const contexts = new Map<Context, MultiprocessingContext>();

function build(method: Context): MultiprocessingContext {
  const BoundPool = class Pool_ extends Pool {
    constructor(options?: number | PoolOptions) {
      const opts: PoolOptions = typeof options === "object" && options !== null
        ? { ...options, context: options.context ?? method }
        : { processes: options, context: method };
      super(opts);
    }
  };
  const BoundProcess = class Process_<F extends ProcessTarget = ProcessTarget> extends Process<F> {
    constructor(options: ProcessOptions<F>) {
      super(
        typeof options === "object" && options !== null
          ? { ...options, context: options.context ?? method }
          : options,
      );
    }
  };
  Object.defineProperty(BoundPool, "name", { value: "Pool" });
  Object.defineProperty(BoundProcess, "name", { value: "Process" });
  return Object.freeze({
    Pool: BoundPool,
    Process: BoundProcess,
    getStartMethod: () => method,
    cpuCount,
    currentProcess,
    parentProcess,
    activeChildren,
    isMainProcess,
    Lock,
    RLock,
    Semaphore,
    BoundedSemaphore,
    Event,
    Condition,
    Barrier,
    Queue,
    JoinableQueue,
    SimpleQueue,
    Pipe,
    Value,
    SharedArray,
  });
}

/**
 * The API bound to one context (Python's `get_context(method)`).
 *
 * @param method `"thread"` or `"process"`; default `getStartMethod()`.
 * @returns An object with `Pool`, `Process`, ... that default to `method`.
 * @throws {RangeError} When `method` is neither `"thread"` nor `"process"`.
 * @example
 * ```ts
 * import { getContext } from "./context.ts";
 * const ctx = getContext("process");
 * const pool = new ctx.Pool(2);
 * console.log(pool.context); // "process"
 * await pool.terminate();
 * ```
 */
export function getContext(method?: Context): MultiprocessingContext {
  const context = checkContext(method ?? getStartMethod(), "Cannot get context");
  let ctx = contexts.get(context);
  if (ctx === undefined) {
    ctx = build(context);
    contexts.set(context, ctx);
  }
  return ctx;
}
