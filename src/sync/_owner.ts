/**
 * Who holds a lock: a small integer per thread or process, recorded in the
 * lock's shared memory.
 *
 * - the main thread of the main program is 1;
 * - a worker thread takes the next number from a counter that lives in a
 *   `SharedArrayBuffer` created by the main thread and carried inside every
 *   shared marker (`ownerCounter()` / `adoptOwnerCounter()`), so ids are
 *   unique across the threads of one program; a worker that creates its own
 *   lock before it has received any falls back to a random id above 2^30;
 * - a child process (process context) is `-pid`: its requests are carried out
 *   by the parent on its behalf, with this id.
 *
 * @module
 */
import { getIdentity } from "../process/identity.ts";
import { inWorkerThread } from "../runtime/parent_port.ts";

let counter: Int32Array | undefined;
let mine = 0;

/**
 * This thread's (or child process's) owner id; never 0.
 *
 * @returns The id.
 */
export function ownerId(): number {
  if (mine !== 0) return mine;
  if (inWorkerThread()) {
    if (counter !== undefined) mine = Atomics.add(counter, 0, 1) + 1;
    else mine = 2 ** 30 + Math.floor(Math.random() * (2 ** 30 - 1));
  } else if (getIdentity().role !== "main") {
    mine = -(getIdentity().pid ?? Math.floor(Math.random() * 2 ** 30) + 1);
  } else {
    mine = 1;
  }
  return mine;
}

/**
 * The shared counter that numbers worker threads (created on first use in the
 * main thread).
 *
 * @returns Its buffer, to carry in shared markers; undefined in a worker that has none.
 */
export function ownerCounter(): SharedArrayBuffer | undefined {
  if (counter === undefined && !inWorkerThread()) {
    counter = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(counter, 0, 1); // id 1 is the main thread
  }
  return counter?.buffer as SharedArrayBuffer | undefined;
}

/**
 * Adopt the counter found in a marker (worker side).
 *
 * @param buffer The counter's buffer, if the marker had one.
 */
export function adoptOwnerCounter(buffer: SharedArrayBuffer | undefined): void {
  if (counter === undefined && buffer !== undefined) counter = new Int32Array(buffer);
}
