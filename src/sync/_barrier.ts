/**
 * The algorithm under `Barrier` (CPython's `threading.Barrier`, on shared
 * cells): a mutex, a sequence number waiters sleep on (bumped on every state
 * change, under the mutex, so no wake-up is lost), the state and the number
 * of participants inside `wait()`.
 *
 * @module
 */
import { BrokenBarrierError } from "../errors.ts";
import { deadlineAfter } from "./_args.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import { ownerGone, wakeBy } from "../share/liveness.ts";
import { lock, lockBrief, MUTEX_CELLS, unlock } from "../share/mutex.ts";

/** Cells after the mutex: a sequence number to sleep on, the state, the waiters. */
const SEQ = MUTEX_CELLS;
const STATE = MUTEX_CELLS + 1;
const COUNT = MUTEX_CELLS + 2;
export const CELLS: number = MUTEX_CELLS + 3;

/** States, as in CPython's `threading.Barrier` (plus ACTION: the action is running). */
const FILLING = 0;
const DRAINING = 1;
const ACTION = 2;
const RESETTING = -1;
const BROKEN = -2;

function bump(cells: Int32Array): void {
  Atomics.add(cells, SEQ, 1);
  Atomics.notify(cells, SEQ);
}

/**
 * Holding the mutex: release it, sleep until the state changes or the
 * deadline, retake it. Returns false when the deadline passed or the child
 * process waited for has died.
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

function fail(cells: Int32Array, breakIt: boolean): never {
  if (breakIt) {
    Atomics.store(cells, STATE, BROKEN);
    bump(cells);
  }
  leave(cells);
  unlock(cells, 0);
  throw new BrokenBarrierError();
}

export function* waitAs(
  cells: Int32Array,
  parties: number,
  action: (() => unknown) | undefined,
  owner: number,
  ms: number,
): Algorithm<number> {
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
      if (failure !== undefined) {
        Atomics.store(cells, STATE, BROKEN);
        bump(cells);
        leave(cells);
        unlock(cells, 0);
        throw failure.error;
      }
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
}

/**
 * The number of participants waiting in the current round.
 *
 * @param cells The barrier's cells.
 * @returns The count (0 while draining, resetting or broken).
 */
export function waitingCount(cells: Int32Array): number {
  const state = Atomics.load(cells, STATE);
  return state === FILLING || state === ACTION ? Atomics.load(cells, COUNT) : 0;
}

/**
 * Whether the barrier is broken.
 *
 * @param cells The barrier's cells.
 * @returns True when broken.
 */
export function isBroken(cells: Int32Array): boolean {
  return Atomics.load(cells, STATE) === BROKEN;
}

/**
 * Break the barrier.
 *
 * @param cells The barrier's cells.
 * @param owner Who does it.
 */
export function abortCells(cells: Int32Array, owner: number): void {
  lockBrief(cells, 0, owner);
  Atomics.store(cells, STATE, BROKEN);
  bump(cells);
  unlock(cells, 0);
}

/**
 * Return the barrier to its initial state; current waiters are broken.
 *
 * @param cells The barrier's cells.
 * @param owner Who does it.
 */
export function resetCells(cells: Int32Array, owner: number): void {
  lockBrief(cells, 0, owner);
  if (Atomics.load(cells, COUNT) > 0) {
    const state = Atomics.load(cells, STATE);
    if (state === FILLING || state === ACTION || state === BROKEN) {
      Atomics.store(cells, STATE, RESETTING);
    }
  } else {
    Atomics.store(cells, STATE, FILLING);
  }
  bump(cells);
  unlock(cells, 0);
}
