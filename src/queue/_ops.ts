/**
 * The waits of a `Channel`, written once as generators (`src/share/drive.ts`):
 * a local handle runs them blocking or async, and the owning process runs the
 * same ones for its child processes (`src/share/handle.ts`). Each takes the
 * mutex, tries, and when the attempt fails and the caller may wait, waits on
 * the sequence cell the attempt reported, then tries again until the deadline.
 *
 * A wait served for a child process wakes every `LIVENESS_MS` and gives up
 * once that process has died (`src/share/owner.ts`), so that a dead child
 * takes no item and puts none.
 *
 * @module
 */
import { deadlineAfter } from "../args.ts";
import { type Algorithm, cell } from "../share/drive.ts";
import type { Handle, Kind } from "../share/handle.ts";
import { ownerGone, wakeBy } from "../share/owner.ts";
import {
  Channel,
  GET_SEQ,
  type GetOutcome,
  PUT_SEQ,
  type PutStatus,
  READER_CLOSED,
  SHUT_DOWN,
  UNFINISHED,
  WRITER_CLOSED,
} from "./_channel.ts";

/** Attempt under the mutex until it succeeds, `ms` pass, or the caller has died. */
function* retry<T>(
  ch: Channel,
  owner: number,
  ms: number,
  side: "put" | "get",
  attempt: (register: boolean) => T,
  failed: T,
): Algorithm<T> {
  const deadline = deadlineAfter(ms);
  for (;;) {
    const register = performance.now() < deadline;
    const [out, seq] = ch.locked(() => [attempt(register), ch.lastSeq] as const);
    if (out !== failed || !register) return out;
    yield cell(ch.i32, side === "put" ? GET_SEQ : PUT_SEQ, seq, wakeBy(owner, deadline));
    ch.doneWaiting(side);
    if (ownerGone(owner)) return failed;
  }
}

/**
 * Add a message, waiting up to `ms` for room.
 *
 * @param ch The channel.
 * @param owner Who waits (`src/share/owner.ts`).
 * @param bytes The serialised message.
 * @param ms Milliseconds to wait at most (0: not at all, `Infinity`: forever).
 * @returns The outcome ("full" when no room came in time, or the caller died).
 */
export function put(
  ch: Channel,
  owner: number,
  bytes: Uint8Array,
  ms: number,
): Algorithm<PutStatus> {
  return retry(ch, owner, ms, "put", (register) => ch.tryPut(bytes, register), "full");
}

/**
 * Take a message, waiting up to `ms` for one.
 *
 * @param ch The channel.
 * @param owner Who waits.
 * @param ms Milliseconds to wait at most.
 * @returns The bytes, "empty" when none came in time (or the caller died), or "eof".
 */
export function get(ch: Channel, owner: number, ms: number): Algorithm<GetOutcome> {
  return retry<GetOutcome>(ch, owner, ms, "get", (register) => ch.tryGet(register), "empty");
}

/**
 * Wait up to `ms` until a message can be read or an end was closed
 * (`Connection.poll()`).
 *
 * @param ch The channel.
 * @param owner Who waits.
 * @param ms Milliseconds to wait at most.
 * @returns Whether something is there to read.
 */
export function* poll(ch: Channel, owner: number, ms: number): Algorithm<boolean> {
  const deadline = deadlineAfter(ms);
  ch.startWaiting();
  try {
    for (;;) {
      const seq = Atomics.load(ch.i32, PUT_SEQ);
      if (ch.hasItems() || (ch.flags() & (WRITER_CLOSED | READER_CLOSED)) !== 0) return true;
      if (performance.now() >= deadline || ownerGone(owner)) return false;
      yield cell(ch.i32, PUT_SEQ, seq, wakeBy(owner, deadline));
    }
  } finally {
    ch.doneWaiting("get");
  }
}

/** A queue's operations, the same for `Queue`, `JoinableQueue` and `SimpleQueue`. */
const QUEUE_OPS = {
  put: (ch: Channel, owner: number, bytes: Uint8Array, ms: number): Algorithm<PutStatus> =>
    put(ch, owner, bytes, ms),
  get: (ch: Channel, owner: number, ms: number): Algorithm<GetOutcome> => get(ch, owner, ms),
  qsize: (ch: Channel): number => ch.count(),
  /** Python 3.13's `shutdown(immediate)`. */
  shutdown: (ch: Channel, _owner: number, immediate: boolean): void =>
    ch.locked(() => ch.shutdown(immediate)),
  isShutDown: (ch: Channel): boolean => (ch.flags() & SHUT_DOWN) !== 0,
  empty: (ch: Channel): boolean => !ch.hasItems(),
  /** False when called too often. */
  taskDone: (ch: Channel): boolean => ch.taskDone(),
  /** Wait until every task put is done. */
  *join(ch: Channel, owner: number): Algorithm<void> {
    for (;;) {
      const n = Atomics.load(ch.i32, UNFINISHED);
      if (n === 0 || ownerGone(owner)) return;
      yield cell(ch.i32, UNFINISHED, n, wakeBy(owner, Infinity));
    }
  },
};

/** The operations of a queue handle. */
export type QueueOps = typeof QUEUE_OPS;
/** How a queue class is shared. */
export type QueueKind = Kind<Channel, QueueOps>;
/** A handle on a queue's channel. */
export type QueueHandle = Handle<Channel, QueueOps>;

function queueKind(tag: string): QueueKind {
  return {
    tag,
    ops: QUEUE_OPS,
    share: (ch) => ch.sab,
    adopt: (sab) => new Channel(sab as SharedArrayBuffer),
  };
}

/** The queue classes: their tags (marker tags and names in messages), one set of operations. */
export const QUEUE: QueueKind = queueKind("Queue");
/** `JoinableQueue`: its channel counts unfinished tasks. */
export const JOINABLE_QUEUE: QueueKind = queueKind("JoinableQueue");
/** `SimpleQueue`. */
export const SIMPLE_QUEUE: QueueKind = queueKind("SimpleQueue");

/** Static key of a queue class's kind (inherited by subclasses). */
export const KIND: unique symbol = Symbol("@seed/multiprocessing.queueKind");
