/**
 * `wait()`: block until some or all of a group of futures are done (Python's
 * `concurrent.futures.wait`), and its `returnWhen` constants.
 *
 * @module
 */
import { checkTimeout, describe } from "../args.ts";
import { Future, futureInternals } from "./future.ts";

/** `wait()` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/** `wait()` returns when any future raises (or, if none does, when all are done). */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/** `wait()` returns when every future is done. */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When `wait()` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

const RETURN_WHEN: readonly string[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

/** Options of `wait()`. */
export interface WaitOptions {
  /** Milliseconds to wait at most (`null`/`undefined`: forever); then `wait()` returns as things are. */
  readonly timeout?: number | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (the default). */
  readonly returnWhen?: ReturnWhen;
}

/** The futures `wait()` found done and not done. */
export interface DoneAndNotDone<T> {
  /** Finished or cancelled. */
  readonly done: Set<Future<T>>;
  /** Still pending or running. */
  readonly notDone: Set<Future<T>>;
}

/**
 * The futures of `fs`, each once, checked.
 *
 * @param what The call, for messages.
 * @param fs The caller's argument.
 * @returns The futures.
 * @throws {TypeError} When `fs` is not iterable or holds something other than a `Future`.
 * @example
 * ```ts ignore
 * const set = futureSet("wait", fs);
 * ```
 */
export function futureSet<T>(what: string, fs: Iterable<Future<T>>): Set<Future<T>> {
  if (fs == null || typeof (fs as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(
      `Cannot ${what}: 'fs' must be an iterable of futures, received ${describe(fs)}`,
    );
  }
  const set = new Set<Future<T>>();
  for (const f of fs) {
    if (!(f instanceof Future)) {
      throw new TypeError(`Cannot ${what}: 'fs' must hold only futures, received ${describe(f)}`);
    }
    set.add(f);
  }
  return set;
}

function checkReturnWhen(value: unknown): ReturnWhen {
  if (value === undefined) return ALL_COMPLETED;
  if (typeof value === "string" && RETURN_WHEN.includes(value)) return value as ReturnWhen;
  const message = `Cannot wait: 'returnWhen' must be one of ${RETURN_WHEN.join(", ")}, received ${
    describe(value)
  }`;
  throw typeof value === "string" ? new RangeError(message) : new TypeError(message);
}

/**
 * Wait until the futures in `fs` meet `returnWhen`, or `timeout` ms pass
 * (Python's `concurrent.futures.wait`). It never rejects on timeout: look
 * at `notDone`.
 *
 * @param fs The futures (duplicates count once).
 * @param options `{ timeout, returnWhen }`.
 * @returns `{ done, notDone }`.
 * @throws {TypeError} For an `fs` that is not an iterable of futures, a bad
 *   `timeout`, or a `returnWhen` that is not a string.
 * @throws {RangeError} For a `returnWhen` that is not one of the three names.
 * @example
 * ```ts
 * import { FIRST_COMPLETED, Future, wait } from "../../mod.ts";
 * const a = new Future<number>();
 * const b = new Future<number>();
 * setTimeout(() => a.setResult(1), 10);
 * const { done, notDone } = await wait([a, b], { returnWhen: FIRST_COMPLETED });
 * console.log(done.has(a), notDone.has(b)); // true true
 * ```
 */
export function wait<T>(
  fs: Iterable<Future<T>>,
  options: WaitOptions = {},
): Promise<DoneAndNotDone<T>> {
  const all = futureSet("wait", fs);
  const ms = checkTimeout("wait", options?.timeout);
  const returnWhen = checkReturnWhen(options?.returnWhen);
  const { failed, onDone } = futureInternals();
  const met = (): boolean => {
    let pending = 0;
    let completed = 0;
    for (const f of all) {
      if (!f.done()) pending++;
      else if (returnWhen === FIRST_EXCEPTION && failed(f as Future<unknown>)) return true;
      else completed++;
    }
    return pending === 0 || (returnWhen === FIRST_COMPLETED && completed > 0);
  };
  const split = (): DoneAndNotDone<T> => {
    const done = new Set<Future<T>>();
    const notDone = new Set<Future<T>>();
    for (const f of all) (f.done() ? done : notDone).add(f);
    return { done, notDone };
  };
  if (met() || ms === 0) return Promise.resolve(split());
  return new Promise((resolve) => {
    const forgets: (() => void)[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const forget of forgets) forget();
      resolve(split());
    };
    for (const f of all) {
      if (!f.done()) forgets.push(onDone(f as Future<unknown>, () => met() && finish()));
    }
    if (ms !== Infinity) timer = setTimeout(finish, ms);
  });
}
