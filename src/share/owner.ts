/**
 * Who holds a lock: a small integer per thread or process, recorded in the
 * lock's shared memory, and whether that holder is still alive.
 *
 * - the main thread of the main program is 1;
 * - a worker thread takes the next number from a table that lives in a
 *   `SharedArrayBuffer` created by the main thread and carried inside every
 *   shared marker (`ownerTable()` / `adoptOwnerTable()`), so ids are unique
 *   across the threads of one program; a worker that uses a lock before it has
 *   received any marker falls back to a random id above 2^30 (not watched);
 * - a child process (process context) is `-pid`: its requests are carried out
 *   by the parent on its behalf, with this id.
 *
 * Thread liveness: a worker thread that takes id `k` parks `LIFELINES` async
 * waiters (`Atomics.waitAsync`) on cell `k` of the table. When a thread ends,
 * the runtime drops its waiters (Deno, Bun and Node alike), so
 * `Atomics.notify()` on its cell wakes nobody: that is how another thread
 * tells that it is gone. A probe that finds the thread alive wakes one of its
 * waiters, which parks again as soon as that thread's event loop runs (or its
 * blocking driver waits). Probes are rate-limited per thread (first after
 * 100 ms, then at doubling intervals up to 64 s), so a thread that computes
 * without ever yielding while holding a lock is only taken for dead after all
 * its waiters are used up: several hours.
 *
 * Process liveness: the parent serves a child's waits (process context); a
 * dead process must not take a lock or a semaphore slot, nor hold up a
 * barrier, so a wait on behalf of a child process (`-pid`) wakes every
 * `LIVENESS_MS` to check on it.
 *
 * @module
 */
import { getIdentity } from "../process/identity.ts";
import { inWorkerThread } from "../runtime/in_worker.ts";
import { isProcessAlive } from "../runtime/process_alive.ts";

/** How often a wait on behalf of a child process checks that it is alive (ms). */
export const LIVENESS_MS = 100;

/** Table cells before the per-thread slots: the id counter, the epoch (s). */
const COUNTER = 0;
const EPOCH = 1;
const HEADER = 2;
/** Cells per thread: its lifeline cell, the next time it may be probed, the probe interval. */
const LIFE = 0;
const NEXT = 1;
const STEP = 2;
const SLOT = 3;
/** Thread ids watched for liveness (higher ids work, unwatched). */
const WATCHED = 4096;
/** Async waiters a thread parks on its lifeline cell. */
const LIFELINES = 256;
/** Probe intervals, in tenths of a second. */
const FIRST_STEP = 1;
const LAST_STEP = 640;

let table: Int32Array | undefined;
let mine = 0;
let parked = 0;

function watched(id: number): boolean {
  return id >= 2 && id < WATCHED;
}

function tenths(t: Int32Array): number {
  return Math.floor(Date.now() / 100) - Atomics.load(t, EPOCH) * 10;
}

/**
 * Park this thread's lifeline waiters up to `LIFELINES` (cheap when they are
 * all parked). Called when the thread takes its id and by the drivers.
 */
export function parkLifelines(): void {
  const t = table;
  if (t === undefined || !watched(mine) || parked >= LIFELINES) return;
  const at = HEADER + mine * SLOT;
  while (parked < LIFELINES) {
    const wait = Atomics.waitAsync(t, at + LIFE, 0);
    if (!wait.async) return; // the cell changed: never happens (it stays 0)
    parked++;
    void wait.value.then(() => {
      parked--;
      // This thread runs: probes may start again from the shortest interval.
      Atomics.store(t, at + STEP, FIRST_STEP);
      Atomics.store(t, at + NEXT, 0);
      parkLifelines();
    });
  }
}

/**
 * This thread's (or child process's) owner id; never 0.
 *
 * @returns The id.
 */
export function ownerId(): number {
  if (mine !== 0) return mine;
  if (inWorkerThread()) {
    if (table !== undefined) {
      mine = Atomics.add(table, COUNTER, 1) + 1;
      parkLifelines();
    } else {
      mine = 2 ** 30 + Math.floor(Math.random() * (2 ** 30 - 1));
    }
  } else if (getIdentity().role !== "main") {
    mine = -(getIdentity().pid ?? Math.floor(Math.random() * 2 ** 30) + 1);
  } else {
    mine = 1;
  }
  return mine;
}

/**
 * Whether the worker thread with owner id `id` has ended. Only threads of
 * this program with a watched id are ever reported gone; a probe may be
 * skipped (reporting alive) when the thread was probed recently.
 */
function threadGone(id: number): boolean {
  const t = table;
  if (t === undefined || !watched(id) || id === mine) return false;
  const at = HEADER + id * SLOT;
  const now = tenths(t);
  const next = Atomics.load(t, at + NEXT);
  if (now < next) return false;
  const step = Math.max(FIRST_STEP, Atomics.load(t, at + STEP));
  if (Atomics.compareExchange(t, at + NEXT, next, now + step) !== next) return false;
  Atomics.store(t, at + STEP, Math.min(step * 2, LAST_STEP));
  return Atomics.notify(t, at + LIFE, 1) === 0;
}

/**
 * The shared table that numbers worker threads and watches them (created on
 * first use outside worker threads).
 *
 * @returns Its buffer, to carry in shared markers; undefined in a worker that has none.
 */
export function ownerTable(): SharedArrayBuffer | undefined {
  if (table === undefined && !inWorkerThread()) {
    table = new Int32Array(new SharedArrayBuffer((HEADER + WATCHED * SLOT) * 4));
    Atomics.store(table, COUNTER, 1); // id 1 is the main thread
    Atomics.store(table, EPOCH, Math.floor(Date.now() / 1000));
  }
  return table?.buffer as SharedArrayBuffer | undefined;
}

/**
 * Adopt the table found in a marker (worker side).
 *
 * @param buffer The table's buffer, if the marker had one.
 */
export function adoptOwnerTable(buffer: SharedArrayBuffer | undefined): void {
  if (table === undefined && buffer !== undefined) table = new Int32Array(buffer);
}

/**
 * When to wake next: the deadline, or sooner to check on a child process.
 *
 * @param owner The id the wait is made for.
 * @param deadline A `performance.now()` time or `Infinity`.
 * @returns The time to wake at the latest.
 */
export function wakeBy(owner: number, deadline: number): number {
  return owner < 0 ? Math.min(deadline, performance.now() + LIVENESS_MS) : deadline;
}

/**
 * Whether `owner`, for whom a wait is made, is a child process that has died.
 *
 * @param owner An owner id.
 * @returns True for a dead child process.
 */
export function ownerGone(owner: number): boolean {
  return owner < 0 && !isProcessAlive(-owner);
}

/**
 * Whether the holder of a lock has ended: a child process, or a worker thread
 * of this program (probed at most at the rate this module allows).
 *
 * @param holder The owner id recorded in the lock (0: none).
 * @returns True when it has certainly ended.
 */
export function holderGone(holder: number): boolean {
  if (holder < 0) return !isProcessAlive(-holder);
  return holder > 1 && threadGone(holder);
}
