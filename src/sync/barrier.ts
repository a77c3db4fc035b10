/**
 * `Barrier`: a meeting point for a fixed number of threads or processes
 * (Python's `multiprocessing.Barrier`).
 *
 * The algorithm is CPython's `threading.Barrier`, on shared cells: a mutex, a
 * sequence number waiters sleep on (bumped on every state change, under the
 * mutex, so no wake-up is lost), the state and the number of participants
 * inside `wait()`.
 *
 * @module
 */
import { checkInteger, checkTimeout, checkWaitTimeout, deadlineAfter } from "../args.ts";
import { BrokenBarrierError } from "../errors.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import { adopted, defineShared, Handle, type Kind, newCells, shareable } from "../share/handle.ts";
import { ownerGone, wakeBy } from "../share/owner.ts";
import { lock, lockBrief, MUTEX_CELLS, unlock } from "../share/mutex.ts";
import type { TimeoutArg } from "../args.ts";
import type { FunctionRef } from "../transport/protocol.ts";
import { assertFunction, functionRef, resolveFunction } from "../worker/functions.ts";

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /** Called by one participant (the last to arrive) before the others are released. */
  readonly action?: () => unknown;
  /** Default timeout of `wait()` in ms (`null`/`undefined`: forever). */
  readonly timeout?: number | null;
}

/** Cells after the mutex: a sequence number to sleep on, the state, the waiters. */
const SEQ = MUTEX_CELLS;
const STATE = MUTEX_CELLS + 1;
const COUNT = MUTEX_CELLS + 2;

/** States, as in CPython's `threading.Barrier` (plus ACTION: the action is running). */
const FILLING = 0;
const DRAINING = 1;
const ACTION = 2;
const RESETTING = -1;
const BROKEN = -2;

/** A barrier's state where it is held. */
interface State {
  readonly cells: Int32Array;
  readonly parties: number;
  readonly action?: () => unknown;
  /** The action by reference (as task functions travel), when it came from elsewhere. */
  readonly source?: FunctionRef;
}

/** What every side knows of a barrier. */
interface Config {
  readonly parties: number;
  readonly timeout: number | null;
}

function bump(cells: Int32Array): void {
  Atomics.add(cells, SEQ, 1);
  Atomics.notify(cells, SEQ);
}

/**
 * Holding the mutex: release it, sleep until the state changes or the
 * deadline, retake it. False when the deadline passed or the child process
 * waited for has died.
 */
function* condWait(cells: Int32Array, owner: number, deadline: number): Algorithm<boolean> {
  const seq = Atomics.load(cells, SEQ);
  unlock(cells, 0);
  if (performance.now() < deadline) yield cell(cells, SEQ, seq, wakeBy(owner, deadline));
  yield* lock(cells, 0, owner, Infinity);
  return performance.now() < deadline && !ownerGone(owner);
}

function leave(cells: Int32Array): void {
  const left = Atomics.sub(cells, COUNT, 1) - 1;
  const state = Atomics.load(cells, STATE);
  if (left === 0 && (state === RESETTING || state === DRAINING)) {
    Atomics.store(cells, STATE, FILLING);
    bump(cells);
  }
}

function fail(
  cells: Int32Array,
  breakIt: boolean,
  error: unknown = new BrokenBarrierError(),
): never {
  if (breakIt) {
    Atomics.store(cells, STATE, BROKEN);
    bump(cells);
  }
  leave(cells);
  unlock(cells, 0);
  throw error;
}

/** Under the mutex: set the state (and wake the sleepers). */
function setState(cells: Int32Array, owner: number, next: (cells: Int32Array) => number): void {
  lockBrief(cells, 0, owner);
  Atomics.store(cells, STATE, next(cells));
  bump(cells);
  unlock(cells, 0);
}

/** The barrier's operations. */
const OPS = {
  *wait({ cells, parties, action }: State, owner: number, ms: number): Algorithm<number> {
    const deadline = deadlineAfter(ms);
    yield* lock(cells, 0, owner, Infinity);
    let state = Atomics.load(cells, STATE);
    while (state === DRAINING || state === RESETTING || state === ACTION) {
      yield* condWait(cells, owner, Infinity);
      state = Atomics.load(cells, STATE);
    }
    if (state === BROKEN || ownerGone(owner)) {
      unlock(cells, 0);
      throw new BrokenBarrierError();
    }
    const index = Atomics.add(cells, COUNT, 1);
    if (index + 1 === parties) {
      if (action !== undefined) {
        Atomics.store(cells, STATE, ACTION);
        unlock(cells, 0);
        let failure: { error: unknown } | undefined;
        try {
          yield { call: action };
        } catch (error) {
          failure = { error };
        }
        yield* lock(cells, 0, owner, Infinity);
        if (failure !== undefined) fail(cells, true, failure.error);
        if (Atomics.load(cells, STATE) !== ACTION) fail(cells, false);
      }
      Atomics.store(cells, STATE, DRAINING);
      bump(cells);
    } else {
      while ((state = Atomics.load(cells, STATE)) === FILLING || state === ACTION) {
        const inTime = yield* condWait(cells, owner, deadline);
        state = Atomics.load(cells, STATE);
        if (!inTime && (state === FILLING || state === ACTION)) fail(cells, true);
      }
      if (state < 0) fail(cells, false);
    }
    leave(cells);
    unlock(cells, 0);
    return index;
  },
  abort: ({ cells }: State, owner: number): void => setState(cells, owner, () => BROKEN),
  reset: ({ cells }: State, owner: number): void =>
    setState(cells, owner, (cells) => {
      // Participants inside wait() are broken out of it; the last to leave refills.
      const state = Atomics.load(cells, STATE);
      if (Atomics.load(cells, COUNT) === 0) return FILLING;
      return state === FILLING || state === ACTION || state === BROKEN ? RESETTING : state;
    }),
  nWaiting({ cells }: State): number {
    const state = Atomics.load(cells, STATE);
    return state === FILLING || state === ACTION ? Atomics.load(cells, COUNT) : 0;
  },
  broken: ({ cells }: State): boolean => Atomics.load(cells, STATE) === BROKEN,
};

function sourceOf({ action, source }: State): FunctionRef | undefined {
  return action === undefined || source !== undefined ? source : functionRef(action);
}

const BARRIER: Kind<State, typeof OPS> = {
  tag: "Barrier",
  ops: OPS,
  share: (state) => ({ cells: state.cells.buffer, source: sourceOf(state) }),
  adopt(shared, config) {
    const { cells, source } = shared as { cells: SharedArrayBuffer; source?: FunctionRef };
    const action = source && resolveFunction(source) as () => unknown;
    return { cells: new Int32Array(cells), parties: (config as Config).parties, action, source };
  },
};

/**
 * A barrier for `parties` participants: each `wait()` blocks until all have
 * called it, then all continue, each with a distinct index 0..parties-1; the
 * barrier is then ready for the next round (Python's
 * `multiprocessing.Barrier`). The optional `action` runs once per round, in
 * the last participant to arrive, before the others are released. `abort()`,
 * a timed-out `wait()` or a failing action break the barrier: waiters get a
 * `BrokenBarrierError` until `reset()`.
 *
 * Passed to a worker thread, the action travels by source text like a task
 * function (it must be self-contained). In the process context the parent
 * process holds the barrier and runs the action (as Python's Manager does);
 * otherwise it works in both contexts as `Lock` does.
 *
 * @example
 * ```ts
 * import { Barrier } from "./barrier.ts";
 * const barrier = new Barrier(2);
 * const indices = await Promise.all([barrier.wait(), barrier.wait()]);
 * console.log(indices.sort()); // [0, 1]
 * ```
 */
export class Barrier {
  readonly #handle: Handle<State, typeof OPS>;
  readonly #config: Config;

  /**
   * Create a barrier for `parties` participants.
   *
   * @param parties The number of participants (a positive integer).
   * @param options `action` and default `timeout` (ms).
   * @throws {TypeError} For a non-number `parties`, a non-function `action` or a bad `timeout`.
   * @throws {RangeError} When `parties` is not a positive integer.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    const handle = adopted<State, typeof OPS>();
    const { action, timeout = null } = options ?? {};
    if (handle === undefined) {
      checkInteger("create Barrier", "parties", parties, { min: 1 });
      if (action !== undefined) assertFunction(action, "Cannot create Barrier", "action");
      checkTimeout("create Barrier", timeout);
    }
    this.#config = handle ? options as unknown as Config : { parties, timeout };
    this.#handle = handle ?? new Handle(BARRIER, { cells: newCells(COUNT + 1), parties, action });
  }

  /** The number of participants. */
  get parties(): number {
    return this.#config.parties;
  }

  /** The number of participants waiting now. */
  get nWaiting(): number {
    return this.#handle.sync.nWaiting();
  }

  /** Whether the barrier is broken. */
  get broken(): boolean {
    return this.#handle.sync.broken();
  }

  #ms(timeout: TimeoutArg): number {
    const given = timeout !== null && typeof timeout === "object" ? timeout.timeout : timeout;
    return checkWaitTimeout("wait on Barrier", given ?? this.#config.timeout);
  }

  /**
   * Wait until all parties have called `wait()`.
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (default: the barrier's timeout;
   *   negative counts as 0). Running out of time breaks the barrier.
   * @returns This participant's index, 0..parties-1 (distinct within a round).
   * @throws {BrokenBarrierError} When the barrier is or becomes broken, or times out.
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * console.log(await new Barrier(1).wait()); // 0
   * ```
   */
  wait(timeout?: TimeoutArg): Promise<number> {
    return this.#handle.async.wait(this.#ms(timeout));
  }

  /**
   * `wait()` blocking the thread (for worker code); the action must be synchronous.
   *
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns This participant's index.
   * @throws {BrokenBarrierError} When the barrier is or becomes broken, or times out.
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * console.log(new Barrier(1).waitSync()); // 0
   * ```
   */
  waitSync(timeout?: TimeoutArg): number {
    return this.#handle.sync.wait(this.#ms(timeout));
  }

  /**
   * Break the barrier: current and later waiters get `BrokenBarrierError`
   * until `reset()`.
   *
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * const b = new Barrier(2);
   * b.abort();
   * console.log(b.broken); // true
   * ```
   */
  abort(): void {
    this.#handle.sync.abort();
  }

  /**
   * Return the barrier to its initial state; current waiters get
   * `BrokenBarrierError`.
   *
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * const b = new Barrier(2);
   * b.abort();
   * b.reset();
   * console.log(b.broken); // false
   * ```
   */
  reset(): void {
    this.#handle.sync.reset();
  }

  static {
    shareable(this, (barrier) => barrier.#handle, (barrier) => barrier.#config);
    defineShared(BARRIER, (config) => new Barrier(0, config as BarrierOptions));
  }
}
