/**
 * `Connection`: one end of a `Pipe` (Python's
 * `multiprocessing.connection.Connection`).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { deserialize } from "../runtime/serialize.ts";
import type { Context } from "../runtime/types.ts";
import { registerReviver, SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { checkTimeout, encodeValue } from "./_args.ts";
import {
  type ConnectionCore,
  connectionCoreFromState,
  type ConnectionState,
  type RecvOutcome,
  type SendStatus,
} from "./_connection_core.ts";
import { EOFError } from "./eof_error.ts";

let adopting: ConnectionCore | undefined;

/**
 * Make the next `Connection` constructed use `core` (for `Pipe()` and revivers).
 *
 * @param core The storage.
 * @returns A connection on it.
 */
export function connectionOn(core: ConnectionCore): Connection {
  adopting = core;
  try {
    return new Connection();
  } finally {
    adopting = undefined;
  }
}

/**
 * One end of a pipe: `send()` values to the other end, `recv()` what it
 * sent, in order. Made by `Pipe()`; pass an end to a pool task or a `Process`
 * target and use it there. Values are copied by the structured clone
 * algorithm; one that cannot be cloned fails `send()` at once.
 *
 * `close()` closes this end for every worker holding it (Python closes one
 * process's handle); the other end then reads what was sent before, and after
 * that `recv()` rejects with `EOFError`. Await `send()` before closing. In the
 * process context the process that made the pipe holds it and serves its
 * children's calls (as for `Queue`).
 *
 * @typeParam T The type of the values sent.
 * @example
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * const [a, b] = Pipe<string>();
 * await a.send("ping");
 * console.log(await b.recv()); // "ping"
 * ```
 */
export class Connection<T = unknown> {
  #core: ConnectionCore;

  /**
   * Not for direct use: `Pipe()` makes connections.
   *
   * @throws {TypeError} When called directly.
   */
  constructor() {
    if (adopting === undefined) {
      throw new TypeError("Cannot create a Connection directly: use Pipe()");
    }
    this.#core = adopting;
    adopting = undefined;
  }

  /** Whether this end can receive. */
  get readable(): boolean {
    return this.#core.readable;
  }

  /** Whether this end can send. */
  get writable(): boolean {
    return this.#core.writable;
  }

  /** Whether this end was closed (here or by another holder). */
  get closed(): boolean {
    return this.#core.closed();
  }

  /**
   * Send a value (copied) to the other end. Never waits for the reader.
   *
   * @param obj The value.
   * @returns Resolves once the value is in the pipe.
   * @throws {TypeError} (rejects) When the value cannot be cloned.
   * @throws {ProcessError} (rejects) When this end is closed or read-only, or the other end closed.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe();
   * await b.send({ n: 1 });
   * console.log(await a.recv());
   * ```
   */
  send(obj: T): Promise<void> {
    try {
      const bytes = this.#prepare("send()", obj);
      return this.#core.send(bytes).then(checkSent);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `send()` for worker code, synchronous.
   *
   * @param obj The value.
   * @throws {TypeError} When the value cannot be cloned.
   * @throws {ProcessError} When this end is closed or read-only, or the other end closed.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe<number>();
   * a.sendSync(1);
   * console.log(b.recvSync()); // 1
   * ```
   */
  sendSync(obj: T): void {
    checkSent(this.#core.sendSync(this.#prepare("sendSync()", obj)));
  }

  /**
   * Receive the next value, waiting for one.
   *
   * @returns The value.
   * @throws {EOFError} (rejects) When nothing is left and the other end closed.
   * @throws {ProcessError} (rejects) When this end is closed or write-only.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe();
   * b.close();
   * await a.recv().catch((e) => console.log(e.name)); // EOFError
   * ```
   */
  recv(): Promise<T> {
    try {
      this.#check("recv()", this.#core.readable);
      return this.#core.recv().then(received<T>);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `recv()` that blocks the thread (for worker code).
   *
   * @returns The value.
   * @throws {EOFError} When nothing is left and the other end closed.
   * @throws {ProcessError} When this end is closed or write-only.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe<string>();
   * a.sendSync("x");
   * console.log(b.recvSync()); // "x"
   * ```
   */
  recvSync(): T {
    this.#check("recvSync()", this.#core.readable);
    return received<T>(this.#core.recvSync());
  }

  /**
   * Whether there is something to read (a value, or end of file), waiting up
   * to `timeout` ms for it.
   *
   * @param timeout Milliseconds; 0 (the default) answers at once; null waits forever; negative
   * counts as 0.
   * @returns True when `recv()` would not wait.
   * @throws {ProcessError} (rejects) When this end is closed or write-only.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe();
   * console.log(await a.poll()); // false
   * await b.send(1);
   * console.log(await a.poll(100)); // true
   * ```
   */
  poll(timeout: number | null = 0): Promise<boolean> {
    try {
      this.#check("poll()", this.#core.readable);
      return this.#core.poll(checkTimeout("Connection.poll()", timeout));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `poll()` that blocks the thread (for worker code).
   *
   * @param timeout Milliseconds; 0 (the default) answers at once; null waits forever.
   * @returns True when `recv()` would not wait.
   * @throws {ProcessError} When this end is closed or write-only.
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a] = Pipe();
   * console.log(a.pollSync(10)); // false
   * ```
   */
  pollSync(timeout: number | null = 0): boolean {
    this.#check("pollSync()", this.#core.readable);
    return this.#core.pollSync(checkTimeout("Connection.pollSync()", timeout));
  }

  /**
   * Close this end (for every holder). Calling it again does nothing.
   *
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a] = Pipe();
   * a.close();
   * console.log(a.closed); // true
   * ```
   */
  close(): void {
    if (!this.#core.closed()) this.#core.close();
  }

  /**
   * `close()`, for `using conn = ...` (Python's `with conn:`). On Node 20,
   * where `using` is not parsed, call `close()` in a `finally` block.
   *
   * @example
   * ```ts
   * import { Pipe } from "./pipe.ts";
   * const [a, b] = Pipe();
   * a[Symbol.dispose]();
   * console.log(a.closed, b.closed); // true false
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  static {
    // `[SHAREABLE]` (see `encodeShared()`), defined here rather than as a method
    // because isolatedDeclarations rejects computed method names.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Connection, context: Context): SharedMarker {
        return { __mpShared: "mp.Connection", state: this.#core.encode(context) };
      },
    });
  }

  #check(call: string, allowed: boolean): void {
    if (this.#core.closed()) {
      throw new ProcessError(`Cannot call Connection.${call}: the connection is closed`);
    }
    if (!allowed) {
      const kind = call.startsWith("send") ? "read-only" : "write-only";
      throw new ProcessError(`Cannot call Connection.${call}: this end of the pipe is ${kind}`);
    }
  }

  #prepare(call: string, obj: T): Uint8Array {
    this.#check(call, this.#core.writable);
    return encodeValue(`Connection.${call}`, obj);
  }
}

function checkSent(status: SendStatus): void {
  if (status === "closed") throw new ProcessError("Cannot send: the connection is closed");
  if (status === "broken") {
    throw new ProcessError("Cannot send: the other end of the pipe is closed");
  }
}

function received<T>(out: RecvOutcome): T {
  if (out === "eof") throw new EOFError();
  if (out === "closed") throw new ProcessError("Cannot receive: the connection is closed");
  return deserialize(out) as T;
}

registerReviver(
  "mp.Connection",
  (state) => connectionOn(connectionCoreFromState(state as ConnectionState)),
);
