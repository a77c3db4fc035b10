/**
 * The running task's `AbortSignal`: what `taskSignal()` returns inside task
 * code. The worker loop (pool tasks) and the `Process` runner open a scope
 * per task with `beginTaskSignal()`; a cancellation, a timeout or
 * `Process.interrupt()` aborts it with `abortTaskSignal()`, so cooperative
 * code can stop by itself before the pool's grace period runs out.
 *
 * @module
 */

/**
 * One task's signal scope. Its controller is made only when the task asks
 * for its signal or is aborted: most tasks never do, and some runtimes
 * make an `AbortController` slowly.
 */
export class TaskScope {
  #controller: AbortController | undefined;

  /** The task's signal. */
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  /**
   * Abort the task's signal.
   *
   * @param reason The signal's `reason`.
   */
  abort(reason: unknown): void {
    (this.#controller ??= new AbortController()).abort(reason);
  }
}

let current: TaskScope | undefined;
/** Outside any task: a signal that never aborts. */
const idle = new AbortController();

/**
 * The `AbortSignal` of the task running now, in a pool worker or a `Process`
 * target (Python has no equivalent; see `concurrent.futures`' cancellation).
 * Outside a task it is a signal that never aborts. Pass it on to `fetch`,
 * timers and streams, or call `throwIfAborted()` between steps of long work.
 *
 * @returns The signal.
 * @example
 * ```ts
 * import { taskSignal } from "./task_signal.ts";
 * export function longWork(n: number): number {
 *   let sum = 0;
 *   for (let i = 0; i < n; i++) {
 *     if (i % 100_000 === 0) taskSignal().throwIfAborted();
 *     sum += i;
 *   }
 *   return sum;
 * }
 * console.log(longWork(10)); // 45
 * ```
 */
export function taskSignal(): AbortSignal {
  return current === undefined ? idle.signal : current.signal;
}

/**
 * Open the signal scope of a task that starts now (worker side).
 *
 * @returns The task's scope (the caller aborts it on cancel/timeout).
 */
export function beginTaskSignal(): TaskScope {
  current = new TaskScope();
  return current;
}

/**
 * Close `scope`'s task once it settled.
 *
 * @param scope What `beginTaskSignal()` returned.
 */
export function endTaskSignal(scope: TaskScope): void {
  if (current === scope) current = undefined;
}

/**
 * Abort the running task's signal, if a task runs.
 *
 * @param reason The abort reason (the signal's `reason`).
 * @returns Whether a task was running.
 */
export function abortTaskSignal(reason: unknown): boolean {
  if (current === undefined) return false;
  current.abort(reason);
  return true;
}
