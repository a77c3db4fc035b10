/**
 * `Connection`: one end of a `Pipe` (Python's
 * `multiprocessing.connection.Connection`).
 *
 * @module
 */
import { checkTimeout } from "../args.ts";
import { EOFError, ProcessError } from "../errors.ts";
import { deserialize } from "../runtime/serialize.ts";
import { adopted, defineShared, shareable } from "../share/handle.ts";
import {
  CONNECTION,
  type ConnectionHandle,
  type ConnectionOps,
  type Ends,
  type Refusal,
} from "./_connection_ops.ts";
import { encodeValue } from "./_items.ts";

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
  readonly #handle: ConnectionHandle;
  #ends: [boolean, boolean] | undefined;

  /**
   * Not for direct use: `Pipe()` makes connections.
   *
   * @throws {TypeError} When called directly.
   */
  constructor() {
    const handle = adopted<Ends, ConnectionOps>();
    if (handle === undefined) {
      throw new TypeError("Cannot create a Connection directly: use Pipe()");
    }
    this.#handle = handle;
  }

  /** Whether this end can receive. */
  get readable(): boolean {
    return (this.#ends ??= this.#handle.sync.ends())[0];
  }

  /** Whether this end can send. */
  get writable(): boolean {
    return (this.#ends ??= this.#handle.sync.ends())[1];
  }

  /** Whether this end was closed (here or by another holder). */
  get closed(): boolean {
    return this.#handle.sync.closed();
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
  async send(obj: T): Promise<void> {
    accepted("send()", await this.#handle.async.send(encodeValue("Connection.send()", obj)));
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
    const bytes = encodeValue("Connection.sendSync()", obj);
    accepted("sendSync()", this.#handle.sync.send(bytes));
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
  async recv(): Promise<T> {
    return deserialize(accepted("recv()", await this.#handle.async.recv())) as T;
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
    return deserialize(accepted("recvSync()", this.#handle.sync.recv())) as T;
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
  async poll(timeout: number | null = 0): Promise<boolean> {
    const ms = checkTimeout("call Connection.poll()", timeout);
    return accepted("poll()", await this.#handle.async.poll(ms));
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
    const ms = checkTimeout("call Connection.pollSync()", timeout);
    return accepted("pollSync()", this.#handle.sync.poll(ms));
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
    this.#handle.sync.close();
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
    shareable(this, (q) => q.#handle);
  }
}

const REFUSALS: Record<Exclude<Refusal, "eof">, string> = {
  closed: "the connection is closed",
  "read-only": "this end of the pipe is read-only",
  "write-only": "this end of the pipe is write-only",
  broken: "the other end of the pipe is closed",
};

/** What an operation answered, or the error for why it refused. */
function accepted<R>(call: string, out: R | Refusal): R {
  if (out === "eof") throw new EOFError();
  if (typeof out === "string" && out in REFUSALS) {
    throw new ProcessError(
      `Cannot call Connection.${call}: ${REFUSALS[out as keyof typeof REFUSALS]}`,
    );
  }
  return out as R;
}

defineShared(CONNECTION, () => new Connection());
