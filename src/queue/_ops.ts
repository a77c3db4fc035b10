/**
 * Blocking and non-blocking loops around a `Channel`'s attempts: take the
 * mutex, try, and when the attempt fails and the caller may wait, wait on the
 * sequence cell the attempt reported, then try again until the deadline.
 *
 * The async forms can wait on behalf of a child process (process context,
 * `requester` = its pid): they then wake every `LIVENESS_MS` and give up
 * when that process has died, so that a dead child takes no item and puts
 * none, and they do not keep the parent alive.
 *
 * @module
 */

/** How often a wait on behalf of a child process checks that it is alive (ms). */
export const LIVENESS_MS = 100;

/** Who an async wait is for: this thread (undefined) or a child process (its pid). */
export type Requester = number | undefined;

function sliceFor(requester: Requester, left: number): number {
  return requester === undefined ? left : Math.min(left, LIVENESS_MS);
}

function gone(requester: Requester): boolean {
  return requester !== undefined && !isProcessAlive(requester);
}
import { isProcessAlive } from "../runtime/process_alive.ts";
import { deadlineOf, remaining, waitAsync, waitSync } from "./_atomics.ts";
import {
  type Channel,
  GET_SEQ,
  type GetOutcome,
  PUT_SEQ,
  type PutStatus,
  UNFINISHED,
} from "./_channel.ts";

/**
 * Add a message, blocking the thread while the channel is full.
 *
 * @param ch The channel.
 * @param bytes The serialised message.
 * @param block Whether to wait for room.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @returns The outcome ("full" when no room came in time).
 */
export function putSync(
  ch: Channel,
  bytes: Uint8Array,
  block: boolean,
  timeout?: number | null,
): PutStatus {
  const deadline = deadlineOf(timeout);
  for (;;) {
    const [status, seq] = attemptSync(ch, () => ch.tryPut(bytes, block));
    if (status !== "full" || !block) return status;
    const left = remaining(deadline);
    if (left > 0) waitSync(ch.i32, GET_SEQ, seq, left);
    ch.doneWaiting("put");
    if (left === 0) return attemptSync(ch, () => ch.tryPut(bytes, false))[0];
  }
}

/**
 * Add a message, waiting without blocking the thread while the channel is full.
 *
 * @param ch The channel.
 * @param bytes The serialised message.
 * @param block Whether to wait for room.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @param requester The child process the put is for, if any.
 * @returns The outcome ("full" also when the requester died).
 */
export async function putAsync(
  ch: Channel,
  bytes: Uint8Array,
  block: boolean,
  timeout?: number | null,
  requester?: Requester,
): Promise<PutStatus> {
  const deadline = deadlineOf(timeout);
  for (;;) {
    const [status, seq] = await attempt(ch, () => ch.tryPut(bytes, block));
    if (status !== "full" || !block) return status;
    const left = remaining(deadline);
    if (left > 0) {
      await waitAsync(ch.i32, GET_SEQ, seq, sliceFor(requester, left), requester === undefined);
    }
    ch.doneWaiting("put");
    if (gone(requester)) return "full";
    if (left === 0) return (await attempt(ch, () => ch.tryPut(bytes, false)))[0];
  }
}

/** One attempt under the mutex (blocking): its outcome and the sequence value to wait on. */
function attemptSync<T>(ch: Channel, fn: () => T): [T, number] {
  ch.lockSync();
  try {
    return [fn(), ch.lastSeq];
  } finally {
    ch.unlock();
  }
}

/** One attempt under the mutex, taken without blocking the thread. */
async function attempt<T>(ch: Channel, fn: () => T): Promise<[T, number]> {
  await ch.lockAsync();
  try {
    return [fn(), ch.lastSeq];
  } finally {
    ch.unlock();
  }
}

/**
 * Take a message, blocking the thread while the channel is empty.
 *
 * @param ch The channel.
 * @param block Whether to wait for a message.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @returns The bytes, "empty" when none came in time, or "eof".
 */
export function getSync(ch: Channel, block: boolean, timeout?: number | null): GetOutcome {
  const deadline = deadlineOf(timeout);
  for (;;) {
    const [out, seq] = attemptSync(ch, () => ch.tryGet(block));
    if (out !== "empty" || !block) return out;
    const left = remaining(deadline);
    if (left > 0) waitSync(ch.i32, PUT_SEQ, seq, left);
    ch.doneWaiting("get");
    if (left === 0) return attemptSync(ch, () => ch.tryGet(false))[0];
  }
}

/**
 * Take a message, waiting without blocking the thread while the channel is empty.
 *
 * @param ch The channel.
 * @param block Whether to wait for a message.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @param requester The child process the get is for, if any.
 * @returns The bytes, "empty" when none came in time (or the requester died), or "eof".
 */
export async function getAsync(
  ch: Channel,
  block: boolean,
  timeout?: number | null,
  requester?: Requester,
): Promise<GetOutcome> {
  const deadline = deadlineOf(timeout);
  for (;;) {
    const [out, seq] = await attempt(ch, () => ch.tryGet(block));
    if (out !== "empty" || !block) return out;
    const left = remaining(deadline);
    if (left > 0) {
      await waitAsync(ch.i32, PUT_SEQ, seq, sliceFor(requester, left), requester === undefined);
    }
    ch.doneWaiting("get");
    if (gone(requester)) return "empty";
    if (left === 0) return (await attempt(ch, () => ch.tryGet(false)))[0];
  }
}

/** Whether a message (or end of file) is there to read. */
function readable(ch: Channel, writerClosedBit: number): boolean {
  return ch.hasItems() || (ch.flags() & writerClosedBit) !== 0;
}

/**
 * Wait until a message can be read or the writer closed (`Connection.poll`),
 * blocking the thread.
 *
 * @param ch The channel.
 * @param writerClosedBit The flag that means end of file.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @returns Whether something is there to read.
 */
export function pollSync(ch: Channel, writerClosedBit: number, timeout?: number | null): boolean {
  const deadline = deadlineOf(timeout);
  ch.startWaiting();
  try {
    for (;;) {
      const seq = Atomics.load(ch.i32, PUT_SEQ);
      if (readable(ch, writerClosedBit)) return true;
      const left = remaining(deadline);
      if (left === 0) return false;
      waitSync(ch.i32, PUT_SEQ, seq, left);
    }
  } finally {
    ch.doneWaiting("get");
  }
}

/**
 * `pollSync()` without blocking the thread.
 *
 * @param ch The channel.
 * @param writerClosedBit The flag that means end of file.
 * @param timeout Milliseconds (>= 0), or null/undefined for no limit.
 * @param requester The child process the poll is for, if any.
 * @returns Whether something is there to read.
 */
export async function pollAsync(
  ch: Channel,
  writerClosedBit: number,
  timeout?: number | null,
  requester?: Requester,
): Promise<boolean> {
  const deadline = deadlineOf(timeout);
  ch.startWaiting();
  try {
    for (;;) {
      const seq = Atomics.load(ch.i32, PUT_SEQ);
      if (readable(ch, writerClosedBit)) return true;
      const left = remaining(deadline);
      if (left === 0 || gone(requester)) return false;
      await waitAsync(ch.i32, PUT_SEQ, seq, sliceFor(requester, left), requester === undefined);
    }
  } finally {
    ch.doneWaiting("get");
  }
}

/**
 * Block the thread until every task put on a joinable channel is done.
 *
 * @param ch The channel.
 */
export function joinSync(ch: Channel): void {
  for (;;) {
    const n = Atomics.load(ch.i32, UNFINISHED);
    if (n === 0) return;
    waitSync(ch.i32, UNFINISHED, n, Infinity);
  }
}

/**
 * `joinSync()` without blocking the thread.
 *
 * @param ch The channel.
 * @param requester The child process the join is for, if any.
 */
export async function joinAsync(ch: Channel, requester?: Requester): Promise<void> {
  for (;;) {
    const n = Atomics.load(ch.i32, UNFINISHED);
    if (n === 0 || gone(requester)) return;
    await waitAsync(ch.i32, UNFINISHED, n, sliceFor(requester, Infinity), requester === undefined);
  }
}
