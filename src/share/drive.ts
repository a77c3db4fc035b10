/**
 * One algorithm, two ways to wait. Each primitive writes its waiting logic
 * once, as a generator that yields what it needs: a wait on a shared cell or
 * a call to user code (a predicate, a barrier action). `runSync()` blocks the
 * thread in `Atomics.wait`; `runAsync()` awaits `Atomics.waitAsync` and the
 * results of user code.
 *
 * @module
 */
import { waitCellAsync, waitCellSync } from "../runtime/atomics_wait.ts";
import { parkLifelines } from "./owner.ts";

/** Wait until `i32[index] !== value`, a notify, or the deadline. */
export interface CellWait {
  readonly i32: Int32Array;
  readonly index: number;
  readonly value: number;
  /** A `performance.now()` time, or `Infinity`. */
  readonly deadline: number;
}

/** Call user code; the generator receives its (awaited, in async mode) result. */
export interface UserCall {
  readonly call: () => unknown;
}

/** What an algorithm may yield. */
export type Step = CellWait | UserCall;

/** A waiting algorithm returning `R`. */
export type Algorithm<R> = Generator<Step, R, unknown>;

/**
 * A cell wait as a step.
 *
 * @param i32 The shared view.
 * @param index The cell.
 * @param value The value it is expected to hold.
 * @param deadline When to give up.
 * @returns The step.
 */
export function cell(i32: Int32Array, index: number, value: number, deadline: number): CellWait {
  return { i32, index, value, deadline };
}

function remainingMs(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Run an algorithm blocking the thread.
 *
 * @param algorithm The generator.
 * @param what The public call, for error messages.
 * @returns The algorithm's result.
 * @throws {TypeError} When user code returns a promise (it can't be awaited here).
 */
export function runSync<R>(algorithm: Algorithm<R>, what: string): R {
  let input: unknown = undefined;
  let failure: { error: unknown } | undefined;
  for (;;) {
    const next = failure === undefined ? algorithm.next(input) : algorithm.throw(failure.error);
    failure = undefined;
    if (next.done) return next.value;
    const step = next.value;
    if ("call" in step) {
      try {
        input = step.call();
        if (input instanceof Promise) {
          input.catch(() => {});
          throw new TypeError(
            `Cannot run ${what}: a function passed to it returned a promise, which a blocking ` +
              "call cannot await; use the async form",
          );
        }
      } catch (error) {
        failure = { error };
      }
    } else {
      parkLifelines(); // a thread blocked here still counts as alive
      input = waitCellSync(step.i32, step.index, step.value, remainingMs(step.deadline), what);
    }
  }
}

/**
 * Run an algorithm without blocking the thread.
 *
 * @param algorithm The generator.
 * @param alive Keep the event loop alive while waiting (default true; false
 *   for waits served for a child process, which keeps the parent alive itself).
 * @returns The algorithm's result.
 */
export async function runAsync<R>(algorithm: Algorithm<R>, alive: boolean = true): Promise<R> {
  let input: unknown = undefined;
  let failure: { error: unknown } | undefined;
  for (;;) {
    const next = failure === undefined ? algorithm.next(input) : algorithm.throw(failure.error);
    failure = undefined;
    if (next.done) return next.value;
    const step = next.value;
    if ("call" in step) {
      try {
        input = await step.call();
      } catch (error) {
        failure = { error };
      }
    } else {
      const ms = remainingMs(step.deadline);
      input = await waitCellAsync(step.i32, step.index, step.value, ms, alive);
    }
  }
}
