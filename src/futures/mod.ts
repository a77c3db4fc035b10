/**
 * Python's `concurrent.futures`: `ProcessPoolExecutor`, `ThreadPoolExecutor`,
 * `Future`, `wait()`, `asCompleted()`, over the library's `Pool`.
 *
 * @module
 */
export { Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "./executor.ts";
export type {
  ExecutorMapOptions,
  ExecutorOptions,
  MapIterables,
  ShutdownOptions,
} from "./executor.ts";
export { ExecutorMapIterator } from "./map_iterator.ts";
export { Future } from "./future.ts";
export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from "./wait.ts";
export type { DoneAndNotDone, ReturnWhen, WaitOptions } from "./wait.ts";
export { asCompleted } from "./as_completed.ts";
