/**
 * `Event`: a flag threads and processes wait for (Python's
 * `multiprocessing.Event`).
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { deadlineAfter, type TimeoutArg, waitTimeout } from "./_args.ts";
import { type Algorithm, cell, runAsync, runSync } from "../share/drive.ts";
import { ownerGone, wakeBy } from "../share/liveness.ts";
import { ownerId } from "../share/owner.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";

let reviving: SharedArrayBuffer | Remote | undefined;

function* waitSet(cells: Int32Array, ms: number, owner: number): Algorithm<boolean> {
  const deadline = deadlineAfter(ms);
  while (Atomics.load(cells, 0) === 0) {
    if (performance.now() >= deadline || ownerGone(owner)) return false;
    yield cell(cells, 0, 0, wakeBy(owner, deadline));
  }
  return true;
}

/**
 * A flag, initially false: `set()` makes it true and wakes every waiter,
 * `clear()` makes it false again, `wait()` waits until it is true (Python's
 * `multiprocessing.Event`). Pass it to pool tasks and `Process` targets; it is
 * the same event there.
 *
 * In the process context the parent process holds it; a child process calls
 * it over IPC (async forms) or over a synchronous local-socket channel (the
 * blocking forms and synchronous queries), so every method works there too,
 * at the cost of a round trip to the parent.
 *
 * @example
 * ```ts
 * import { Event } from "./event.ts";
 * const ready = new Event();
 * setTimeout(() => ready.set(), 10);
 * console.log(await ready.wait()); // true
 * ```
 */
export class Event {
  readonly #cells: Int32Array | undefined;
  readonly #remote: Remote | undefined;

  /** Create an event whose flag is false. */
  constructor() {
    const from = reviving;
    reviving = undefined;
    if (from === undefined || from instanceof SharedArrayBuffer) {
      this.#cells = new Int32Array(from ?? new SharedArrayBuffer(4));
    } else {
      this.#remote = from;
    }
  }

  /**
   * Whether the flag is true.
   *
   * @returns The flag.
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(new Event().isSet()); // false
   * ```
   */
  isSet(): boolean {
    if (this.#remote !== undefined) return this.#remote.callSync("isSet") as boolean;
    return Atomics.load(this.#cells!, 0) === 1;
  }

  /**
   * Make the flag true and wake every waiter.
   *
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * const e = new Event();
   * e.set();
   * console.log(e.isSet()); // true
   * ```
   */
  set(): void {
    if (this.#remote !== undefined) return void this.#remote.callSync("set");
    Atomics.store(this.#cells!, 0, 1);
    Atomics.notify(this.#cells!, 0);
  }

  /**
   * Make the flag false.
   *
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * const e = new Event();
   * e.set();
   * e.clear();
   * console.log(e.isSet()); // false
   * ```
   */
  clear(): void {
    if (this.#remote !== undefined) return void this.#remote.callSync("clear");
    Atomics.store(this.#cells!, 0, 0);
  }

  /**
   * Wait until the flag is true.
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (`null`/`undefined`: forever;
   *   negative counts as 0).
   * @returns The flag when the wait ended: false only when the time ran out.
   * @throws {TypeError} For a bad timeout.
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(await new Event().wait(10)); // false
   * ```
   */
  wait(timeout?: TimeoutArg): Promise<boolean> {
    const ms = waitTimeout("wait for event", timeout);
    if (this.#remote !== undefined) return this.#remote.call("wait", ms) as Promise<boolean>;
    if (Atomics.load(this.#cells!, 0) === 1) return Promise.resolve(true);
    return runAsync(waitSet(this.#cells!, ms, ownerId()));
  }

  /**
   * Wait until the flag is true, blocking the thread (for worker code).
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (`null`/`undefined`: forever;
   *   negative counts as 0).
   * @returns The flag when the wait ended: false only when the time ran out.
   * @throws {TypeError} For a bad timeout.
   * @throws {ProcessError} Where the thread may not block (a browser main thread).
   * @example
   * ```ts
   * import { Event } from "./event.ts";
   * console.log(new Event().waitSync(10)); // false
   * ```
   */
  waitSync(timeout?: TimeoutArg): boolean {
    const ms = waitTimeout("wait for event", timeout);
    if (this.#remote !== undefined) return this.#remote.callSync("wait", ms) as boolean;
    return runSync(waitSet(this.#cells!, ms, ownerId()), "Event.waitSync()");
  }

  static {
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Event, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    const cells = this.#cells;
    return marker(this, context, {
      tag: "Event",
      cells: cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      methods: () => ({
        set: () => this.set(),
        clear: () => this.clear(),
        isSet: () => this.isSet(),
        wait: (owner, ms) => runAsync(waitSet(cells!, ms as number, owner as number), false),
      }),
    });
  }
}

registerPrimitive(
  "Event",
  (cells) => {
    reviving = cells as SharedArrayBuffer;
    return new Event();
  },
  (remote) => {
    reviving = remote;
    return new Event();
  },
);
