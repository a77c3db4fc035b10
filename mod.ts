/**
 * Python's `multiprocessing` for Deno, Bun and Node: a `Pool` with
 * `apply`/`map`/`imap`/`starmap` and `AsyncResult`, `Process`, the
 * synchronisation primitives (`Lock`, `RLock`, `Semaphore`,
 * `BoundedSemaphore`, `Event`, `Condition`, `Barrier`), queues, pipes and
 * shared values, running the same code on worker threads
 * (`context: "thread"`, the default) or child processes
 * (`context: "process"`).
 *
 * Functions reach the workers by source text (they must be self-contained:
 * pass values as arguments rather than closing over them, even where Bun's
 * transpiler has inlined a constant so that the closure happens to work)
 * or, with `module: import.meta.url`, by reference to the module's exports
 * (each worker then imports the module: guard the main program with
 * `if (isMainProcess())`).
 * Timeouts are milliseconds.
 *
 * @example
 * ```ts
 * import { Pool } from "./mod.ts";
 *
 * const pool = new Pool(2);
 * const squares = await pool.map((x: number) => x * x, [1, 2, 3, 4]);
 * console.log(squares); // [1, 4, 9, 16]
 * pool.close();
 * await pool.join();
 * ```
 *
 * @module
 */
export { Pool } from "./src/pool/pool.ts";
export type {
  ApplyArgs,
  ApplyAsyncArgs,
  ApplyAsyncOptions,
  CancelOptions,
  IMapOptions,
  MapAsyncOptions,
  MapOptions,
  Received,
  SendableArgs,
  TaskFunction,
  TaskInput,
} from "./src/pool/pool.ts";
export type { Chunksize, PoolOptions } from "./src/pool/options.ts";
export type { Progress, ProgressCallback } from "./src/pool/progress.ts";
export { AsyncResult } from "./src/pool/async_result.ts";
export type { ResultCallbacks } from "./src/pool/async_result.ts";
export { IMapIterator } from "./src/pool/imap_iterator.ts";
export { taskSignal } from "./src/worker/task_signal.ts";
export { Transfer } from "./src/transport/transfer.ts";
export type { TransferItem, TransferPort } from "./src/transport/transfer.ts";
export { CHUNK_STRATEGIES } from "./src/pool/chunking.ts";
export type { ChunkStrategy } from "./src/pool/chunking.ts";
export { getStartMethod, setStartMethod } from "./src/process/start_method.ts";
export type { Context, ResourceLimits } from "./src/runtime/types.ts";
export { Process } from "./src/process/process.ts";
export type {
  ProcessArgs,
  ProcessBaseOptions,
  ProcessOptions,
  ProcessTarget,
} from "./src/process/process.ts";
export { activeChildren } from "./src/process/children.ts";
export { cpuCount } from "./src/process/cpu_count.ts";
export { currentProcess, isMainProcess, parentProcess } from "./src/process/current.ts";
export type { ProcessInfo } from "./src/process/current.ts";
export { getContext } from "./src/process/context.ts";
export type { MultiprocessingContext } from "./src/process/context.ts";
export {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  RLock,
  Semaphore,
  SemLock,
  withLock,
  withLockSync,
} from "./src/sync/mod.ts";
export type {
  Acquirable,
  AcquireOptions,
  BarrierOptions,
  SyncAcquirable,
  TimeoutArg,
} from "./src/sync/mod.ts";
export { SharedArray, Value } from "./src/shared/mod.ts";
export type { SharedOptions, Typecode, ValueOf } from "./src/shared/mod.ts";
export { Connection, EOFError, JoinableQueue, Pipe, Queue, SimpleQueue } from "./src/queue/mod.ts";
export type { BlockOptions } from "./src/queue/mod.ts";
export {
  ALL_COMPLETED,
  asCompleted,
  Executor,
  ExecutorMapIterator,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  wait,
} from "./src/futures/mod.ts";
export type {
  DoneAndNotDone,
  ExecutorMapOptions,
  ExecutorOptions,
  MapIterables,
  ReturnWhen,
  ShutdownOptions,
  WaitOptions,
} from "./src/futures/mod.ts";
export {
  BrokenBarrierError,
  CancelledError,
  Empty,
  Full,
  InvalidStateError,
  MaybeEncodingError,
  ProcessError,
  RemoteError,
  ShutDown,
  TimeoutError,
  WorkerLostError,
} from "./src/errors.ts";
