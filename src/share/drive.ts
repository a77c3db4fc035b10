/**
 * One algorithm, two ways to wait. Each primitive writes its waiting logic
 * once, as a generator that yields what it needs: a wait on a shared cell or
 * a call to user code (a predicate, a barrier action). `runSync()` blocks the
 * thread in `Atomics.wait`; `runAsync()` awaits `Atomics.waitAsync` and the
 * results of user code.
 *
 * @module
 */
import { remainingMs } from "../args.ts";
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

/** How a step ended: what the generator receives, or what is thrown into it. */
type Outcome = { readonly value: unknown } | { readonly error: unknown };

function resume<R>(algorithm: Algorithm<R>, outcome: Outcome): IteratorResult<Step, R> {
  return "error" in outcome ? algorithm.throw(outcome.error) : algorithm.next(outcome.value);
}

function callSync(call: () => unknown, what: string): Outcome {
  try {
    const value = call();
    if (!(value instanceof Promise)) return { value };
    value.catch(() => {});
    throw new TypeError(
      `Cannot run ${what}: a function passed to it returned a promise, which a blocking ` +
        "call cannot await; use the async form",
    );
  } catch (error) {
    return { error };
  }
}

async function callAsync(call: () => unknown): Promise<Outcome> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/**
 * Run an algorithm blocking the thread.
 *
 * @param algorithm The generator.
 * @param what The public call, for error messages.
 * @param next Its first step, when the caller took it already.
 * @returns The algorithm's result.
 * @throws {TypeError} When user code returns a promise (it can't be awaited here).
 */
export function runSync<R>(
  algorithm: Algorithm<R>,
  what: string,
  next: IteratorResult<Step, R> = algorithm.next(),
): R {
  while (!next.done) {
    const step: Step = next.value;
    if ("call" in step) {
      next = resume(algorithm, callSync(step.call, what));
    } else {
      parkLifelines(); // a thread blocked here still counts as alive
      const ms = remainingMs(step.deadline);
      next = algorithm.next(waitCellSync(step.i32, step.index, step.value, ms, what));
    }
  }
  return next.value;
}

/**
 * Run an algorithm without blocking the thread. Its first step runs at once,
 * so an operation that needs no wait (an uncontended lock) settles without
 * entering the async loop.
 *
 * @param algorithm The generator.
 * @param alive Keep the event loop alive while waiting (default true; false
 *   for waits served for a child process, which keeps the parent alive itself).
 * @returns The algorithm's result.
 */
export function runAsync<R>(algorithm: Algorithm<R>, alive: boolean = true): Promise<R> {
  let first: IteratorResult<Step, R>;
  try {
    first = algorithm.next();
  } catch (error) {
    return Promise.reject(error);
  }
  return first.done ? Promise.resolve(first.value) : waitAsync(algorithm, first, alive);
}

async function waitAsync<R>(
  algorithm: Algorithm<R>,
  next: IteratorResult<Step, R>,
  alive: boolean,
): Promise<R> {
  while (!next.done) {
    const step = next.value;
    if ("call" in step) {
      next = resume(algorithm, await callAsync(step.call));
    } else {
      const ms = remainingMs(step.deadline);
      next = algorithm.next(await waitCellAsync(step.i32, step.index, step.value, ms, alive));
    }
  }
  return next.value;
}
