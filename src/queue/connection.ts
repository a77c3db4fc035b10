/**
 * `Connection`: one end of a `Pipe` (Python's
 * `multiprocessing.connection.Connection`).
 *
 * @module
 */
import { checkTimeout } from "../args.ts";
import { EOFError, ProcessError } from "../errors.ts";
import { deserialize } from "../runtime/serialize.ts";
import type { Algorithm } from "../share/drive.ts";
import { adopted, defineShared, type Handle, type Kind, shareable } from "../share/handle.ts";
import { Channel, READER_CLOSED, WRITER_CLOSED } from "./_channel.ts";
import { encodeValue } from "./_items.ts";
import { get, poll, put } from "./_ops.ts";

/** The channels of one end: the one it reads and the one it writes (one of them for a one-way end). */
export interface Ends {
  readonly input: Channel | undefined;
  readonly output: Channel | undefined;
}

/** Why an end refused a call, or why nothing came. */
export type Refusal = "closed" | "read-only" | "write-only" | "broken" | "eof";

function closed(ends: Ends): boolean {
  const bit = ends.input !== undefined ? READER_CLOSED : WRITER_CLOSED;
  return ((ends.input ?? ends.output!).flags() & bit) !== 0;
}

function refusesReading(ends: Ends): Refusal | undefined {
  if (closed(ends)) return "closed";
  return ends.input === undefined ? "write-only" : undefined;
}

/**
 * The operations of one end, over the channels it reads and writes: the
 * queue waits, plus the checks Python makes (a closed end, a one-way end).
 * They answer with an outcome rather than throwing, so that a child process
 * gets the same `EOFError` class back. Closing an end flags the channels in
 * shared memory, so it is closed for every holder of that end.
 */
const CONNECTION_OPS = {
  *send(ends: Ends, owner: number, bytes: Uint8Array): Algorithm<"ok" | Refusal> {
    const out = ends.output;
    if (closed(ends)) return "closed";
    if (out === undefined) return "read-only";
    if ((yield* put(out, owner, bytes, Infinity)) === "ok") return "ok";
    return out.flags() & WRITER_CLOSED ? "closed" : "broken";
  },
  *recv(ends: Ends, owner: number): Algorithm<Uint8Array | Refusal> {
    const refused = refusesReading(ends);
    if (refused !== undefined) return refused;
    const out = yield* get(ends.input!, owner, Infinity);
    return typeof out !== "string" ? out : closed(ends) ? "closed" : "eof";
  },
  *poll(ends: Ends, owner: number, ms: number): Algorithm<boolean | Refusal> {
    return refusesReading(ends) ?? (yield* poll(ends.input!, owner, ms));
  },
  closed: (ends: Ends): boolean => closed(ends),
  close(ends: Ends): void {
    ends.input?.setFlags(READER_CLOSED);
    ends.output?.setFlags(WRITER_CLOSED);
  },
  /** Whether the end reads, and whether it writes. */
  ends: (ends: Ends): [boolean, boolean] => [ends.input !== undefined, ends.output !== undefined],
};

const open = (sab: unknown) => (sab === null ? undefined : new Channel(sab as SharedArrayBuffer));

/** How a `Connection` is shared: the buffers of its channels. */
export const CONNECTION: Kind<Ends, typeof CONNECTION_OPS> = {
  tag: "Connection",
  ops: CONNECTION_OPS,
  share: (ends) => [ends.input?.sab ?? null, ends.output?.sab ?? null],
  adopt: (shared) => {
    const [input, output] = shared as [unknown, unknown];
    return { input: open(input), output: open(output) };
  },
};

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
  readonly #handle: Handle<Ends, typeof CONNECTION_OPS>;
  #ends: [boolean, boolean] | undefined;

  /**
   * Not for direct use: `Pipe()` makes connections.
   *
   * @throws {TypeError} When called directly.
   */
  constructor() {
    const handle = adopted<Ends, typeof CONNECTION_OPS>();
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
