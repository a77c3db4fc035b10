/**
 * The shared memory under `Queue`, `JoinableQueue`, `SimpleQueue` and
 * `Pipe`: a FIFO of serialised messages in one growable `SharedArrayBuffer`,
 * used directly by every thread that holds it (its owning process serves it
 * to child processes, see `_ops.ts`).
 *
 * Layout: a 64-byte header of `Int32` cells, then a byte ring between `HEAD`
 * (next byte to read) and `TAIL` (next byte to write); equal means empty, and
 * one byte always stays free. Each message is a 4-byte little-endian length
 * followed by its bytes, both possibly wrapping at the ring's end. A writer
 * commits a message with one store of `TAIL`, a reader takes one with one
 * store of `HEAD`; `COUNT` (for `qsize()` and `maxsize`) follows. The mutex
 * (`src/share/mutex.ts`, held for one copy, never across a wait) guards the
 * header and the ring; nothing is read or written outside it except the
 * `Atomics.load`s behind `qsize()` and `empty()`. When a message does not
 * fit, the writer grows the buffer (`SharedArrayBuffer.prototype.grow`, seen
 * by all threads at once) and moves the wrapped tail so the ring stays
 * contiguous; only at `MAX_BYTES` does a writer wait for room. `maxsize`
 * bounds the number of messages, as Python's.
 *
 * Waiting follows the futex pattern: a reader that finds the ring empty
 * registers itself in `GET_WAITERS`, notes `PUT_SEQ`, releases the mutex and
 * waits on `PUT_SEQ`; a writer bumps `PUT_SEQ` under the mutex and, when any
 * are registered, notifies every waiter (polls wait there too, so waking one
 * could wake a poll instead of a reader); writers waiting for room do the
 * same with `GET_SEQ`. A changed sequence number means no wake-up can be
 * lost. Closing an end of a pipe sets a flag and wakes everybody.
 *
 * A worker thread that ends inside the critical section leaves the mutex
 * held; a waiter releases it (the mutex's liveness rule). Since each side
 * commits with a single store, such a death loses or duplicates nothing;
 * `COUNT` may be off by one until the queue next drains, and a death while
 * the ring grows may still corrupt it.
 *
 * @module
 */
import { lockBrief, MUTEX_CELLS, unlock } from "../share/mutex.ts";
import { ownerId } from "../share/owner.ts";

const MUTEX = 0;
const COUNT = MUTEX_CELLS;
const HEAD = COUNT + 1;
const TAIL = COUNT + 2;
const CAPACITY = COUNT + 3;
const MAXSIZE = COUNT + 4;
/** Cell index of the unfinished-task counter (`JoinableQueue`). */
export const UNFINISHED: number = COUNT + 5;
/** Cell index bumped whenever a message is added; readers wait on it. */
export const PUT_SEQ: number = COUNT + 6;
/** Cell index bumped whenever a message is removed; writers wait on it. */
export const GET_SEQ: number = COUNT + 7;
const GET_WAITERS = COUNT + 8;
const PUT_WAITERS = COUNT + 9;
const FLAGS = COUNT + 10;
const JOINABLE = COUNT + 11;

const HEADER_BYTES = 64;
const INITIAL_BYTES = 64 * 1024;
/** Upper bound of one channel's buffer (virtual reservation; grows on demand). */
export const MAX_BYTES: number = 1024 * 1024 * 1024;

/** `FLAGS` bit: the writing end of a pipe was closed. */
export const WRITER_CLOSED = 1;
/** `FLAGS` bit: the reading end of a pipe was closed. */
export const READER_CLOSED = 2;
/** `FLAGS` bit: the queue was shut down (`Queue.shutdown()`): no more puts; gets drain it. */
export const SHUT_DOWN = 4;

/** Outcome of an attempt to add a message. */
export type PutStatus = "ok" | "full" | "closed" | "shutdown";
/** Outcome of an attempt to take a message: its bytes, or why there is none. */
export type GetOutcome = Uint8Array | "empty" | "eof" | "shutdown";

/** The shared state of one FIFO of messages. */
export class Channel {
  /** The shared buffer (posted to threads that share the channel). */
  readonly sab: SharedArrayBuffer;
  /** Header cells. */
  readonly i32: Int32Array;
  #ring: Uint8Array;
  #len = new Uint8Array(4);
  #lenView = new DataView(this.#len.buffer);

  /**
   * Wrap an existing shared buffer (made by `Channel.create()`).
   *
   * @param sab The buffer.
   */
  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.#ring = new Uint8Array(sab, HEADER_BYTES);
  }

  /**
   * A new, empty channel.
   *
   * @param maxsize Most messages held at once; 0 for no bound.
   * @param joinable Whether puts count unfinished tasks.
   * @returns The channel.
   */
  static create(maxsize: number, joinable: boolean): Channel {
    const sab = new SharedArrayBuffer(HEADER_BYTES + INITIAL_BYTES, { maxByteLength: MAX_BYTES });
    const i32 = new Int32Array(sab, 0, HEADER_BYTES / 4);
    i32[CAPACITY] = INITIAL_BYTES;
    i32[MAXSIZE] = maxsize;
    i32[JOINABLE] = joinable ? 1 : 0;
    return new Channel(sab);
  }

  /** Messages held now. */
  count(): number {
    return Atomics.load(this.i32, COUNT);
  }

  /** The flags (`WRITER_CLOSED`, `READER_CLOSED`, `SHUT_DOWN`). */
  flags(): number {
    return Atomics.load(this.i32, FLAGS);
  }

  /**
   * Run `fn` holding the mutex (briefly: one copy, never a wait).
   *
   * @param fn The attempt (`tryPut()`, `tryGet()`).
   * @returns Its result.
   */
  locked<T>(fn: () => T): T {
    lockBrief(this.i32, MUTEX, ownerId());
    try {
      return fn();
    } finally {
      unlock(this.i32, MUTEX);
    }
  }

  /**
   * With the mutex held: append a message if there is room. On "full",
   * `register` says whether the caller will wait (it is then counted as a
   * waiter and must call `doneWaiting("put")`); `lastSeq` is what to wait on.
   *
   * @param bytes The serialised message.
   * @param register Whether to register as a waiter when full.
   * @returns The outcome.
   * @throws {RangeError} When the message could never fit.
   */
  tryPut(bytes: Uint8Array, register: boolean): PutStatus {
    const i32 = this.i32;
    if (i32[FLAGS] & SHUT_DOWN) return "shutdown";
    if (i32[FLAGS] & (READER_CLOSED | WRITER_CLOSED)) return "closed";
    const need = 4 + bytes.byteLength;
    if (need >= MAX_BYTES - HEADER_BYTES) {
      throw new RangeError(
        `Cannot put an item of ${bytes.byteLength} bytes: a queue or pipe holds at most ` +
          `${MAX_BYTES - HEADER_BYTES - 5} bytes`,
      );
    }
    const maxsize = i32[MAXSIZE];
    if ((maxsize > 0 && i32[COUNT] >= maxsize) || !this.#ensureRoom(need)) {
      if (register) Atomics.add(i32, PUT_WAITERS, 1);
      this.lastSeq = i32[GET_SEQ];
      return "full";
    }
    const cap = i32[CAPACITY];
    this.#lenView.setUint32(0, bytes.byteLength, true);
    const tail = this.#write(this.#write(i32[TAIL], this.#len, cap), bytes, cap);
    Atomics.store(i32, TAIL, tail); // the commit point: the item exists from here on
    Atomics.add(i32, COUNT, 1);
    if (i32[JOINABLE]) Atomics.add(i32, UNFINISHED, 1);
    Atomics.add(i32, PUT_SEQ, 1);
    if (Atomics.load(i32, GET_WAITERS) > 0) Atomics.notify(i32, PUT_SEQ);
    return "ok";
  }

  /**
   * With the mutex held: take the oldest message if there is one. On
   * "empty", `register` works as in `tryPut()`.
   *
   * @param register Whether to register as a waiter when empty.
   * @returns The message's bytes, "empty", or "eof" (empty and an end closed).
   */
  tryGet(register: boolean): GetOutcome {
    const i32 = this.i32;
    if (i32[HEAD] === i32[TAIL]) {
      if (i32[COUNT] !== 0) Atomics.store(i32, COUNT, 0); // repair after a worker died mid-way
      if (i32[FLAGS] & SHUT_DOWN) return "shutdown";
      if (i32[FLAGS] & (WRITER_CLOSED | READER_CLOSED)) return "eof";
      if (register) Atomics.add(i32, GET_WAITERS, 1);
      this.lastSeq = i32[PUT_SEQ];
      return "empty";
    }
    const cap = i32[CAPACITY];
    const start = this.#read(i32[HEAD], this.#len, cap);
    const out = new Uint8Array(this.#lenView.getUint32(0, true));
    const head = this.#read(start, out, cap);
    Atomics.store(i32, HEAD, head); // the commit point: the item is taken
    if (i32[COUNT] > 0) Atomics.sub(i32, COUNT, 1);
    Atomics.add(i32, GET_SEQ, 1);
    if (Atomics.load(i32, PUT_WAITERS) > 0) Atomics.notify(i32, GET_SEQ);
    return out;
  }

  /** The sequence value seen by the last failed `tryPut`/`tryGet` (read it under the mutex). */
  lastSeq = 0;

  /**
   * A waiter woke up (or gave up): unregister it.
   *
   * @param kind Which side it waited on.
   */
  doneWaiting(kind: "put" | "get"): void {
    // registered under the mutex by tryPut/tryGet, or by startWaiting() for polls
    Atomics.sub(this.i32, kind === "put" ? PUT_WAITERS : GET_WAITERS, 1);
  }

  /**
   * Register a reader that waits without taking (`Connection.poll`); pair
   * with `doneWaiting("get")`.
   */
  startWaiting(): void {
    Atomics.add(this.i32, GET_WAITERS, 1);
  }

  /**
   * Set pipe flags and wake every waiter so it re-checks.
   *
   * @param bits `WRITER_CLOSED` and/or `READER_CLOSED`.
   */
  setFlags(bits: number): void {
    Atomics.or(this.i32, FLAGS, bits);
    Atomics.add(this.i32, PUT_SEQ, 1);
    Atomics.add(this.i32, GET_SEQ, 1);
    Atomics.notify(this.i32, PUT_SEQ);
    Atomics.notify(this.i32, GET_SEQ);
  }

  /**
   * With the mutex held: shut the queue down (Python 3.13's `Queue.shutdown`).
   * Puts fail from now on, and gets once the queue is empty; `immediate`
   * drops the items left (each counts as a task done, so `join()` returns).
   * Every waiting getter and putter wakes to see it.
   *
   * @param immediate Drop the items left.
   */
  shutdown(immediate: boolean): void {
    const i32 = this.i32;
    if (immediate) {
      const dropped = i32[COUNT];
      i32[HEAD] = i32[TAIL];
      Atomics.store(i32, COUNT, 0);
      if (i32[JOINABLE]) {
        const left = Math.max(0, i32[UNFINISHED] - dropped);
        Atomics.store(i32, UNFINISHED, left);
        if (left === 0) Atomics.notify(i32, UNFINISHED);
      }
    }
    this.setFlags(SHUT_DOWN);
  }

  /**
   * `JoinableQueue.taskDone()`: one fewer unfinished task.
   *
   * @returns False when there was none (called too often).
   */
  taskDone(): boolean {
    const i32 = this.i32;
    for (;;) {
      const n = Atomics.load(i32, UNFINISHED);
      if (n <= 0) return false;
      if (Atomics.compareExchange(i32, UNFINISHED, n, n - 1) === n) {
        if (n === 1) Atomics.notify(i32, UNFINISHED);
        return true;
      }
    }
  }

  /** Whether the ring holds an item (its positions differ). */
  hasItems(): boolean {
    return Atomics.load(this.i32, HEAD) !== Atomics.load(this.i32, TAIL);
  }

  /**
   * Make room for `need` more bytes, growing the buffer; false if impossible
   * now. One byte always stays free, so that equal positions mean empty.
   */
  #ensureRoom(need: number): boolean {
    const i32 = this.i32;
    const cap = i32[CAPACITY];
    const head = i32[HEAD];
    const tail = i32[TAIL];
    const used = (tail - head + cap) % cap;
    if (used + need < cap) return true;
    const limit = MAX_BYTES - HEADER_BYTES;
    if (used + need >= limit) return false;
    let next = cap;
    while (next <= used + need) next *= 2;
    next = Math.min(next, limit);
    if (this.sab.byteLength < HEADER_BYTES + next) this.sab.grow(HEADER_BYTES + next);
    if (tail < head) {
      // the ring wrapped: move the part [head, cap) to the end of the larger ring
      const newHead = next - (cap - head);
      this.#ring.copyWithin(newHead, head, cap);
      i32[HEAD] = newHead;
    }
    i32[CAPACITY] = next;
    return true;
  }

  #write(pos: number, src: Uint8Array, cap: number): number {
    const first = Math.min(src.byteLength, cap - pos);
    this.#ring.set(first === src.byteLength ? src : src.subarray(0, first), pos);
    if (first < src.byteLength) this.#ring.set(src.subarray(first), 0);
    return (pos + src.byteLength) % cap;
  }

  #read(pos: number, dst: Uint8Array, cap: number): number {
    const first = Math.min(dst.byteLength, cap - pos);
    dst.set(this.#ring.subarray(pos, pos + first));
    if (first < dst.byteLength) dst.set(this.#ring.subarray(0, dst.byteLength - first), first);
    return (pos + dst.byteLength) % cap;
  }
}
