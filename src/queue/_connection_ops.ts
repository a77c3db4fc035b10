/**
 * The operations of one end of a pipe (`Connection`), over the channels it
 * reads and writes: the queue waits of `_ops.ts`, plus the checks Python makes
 * (a closed end, a one-way end). They answer with an outcome rather than
 * throwing, so that a child process gets the same `EOFError` class back.
 *
 * Closing an end sets `READER_CLOSED` on the channel it reads and
 * `WRITER_CLOSED` on the one it writes, in shared memory, so it is closed for
 * every holder of that end, and the other end sees end of file once it has
 * read what was sent before.
 *
 * @module
 */
import type { Algorithm } from "../share/drive.ts";
import type { Handle, Kind } from "../share/handle.ts";
import { Channel, READER_CLOSED, WRITER_CLOSED } from "./_channel.ts";
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

/** The operations of a `Connection`'s handle. */
export type ConnectionOps = typeof CONNECTION_OPS;
/** A handle on the channels of one end. */
export type ConnectionHandle = Handle<Ends, ConnectionOps>;

const open = (sab: unknown) => (sab === null ? undefined : new Channel(sab as SharedArrayBuffer));

/** How a `Connection` is shared: the buffers of its channels. */
export const CONNECTION: Kind<Ends, ConnectionOps> = {
  tag: "Connection",
  ops: CONNECTION_OPS,
  share: (ends) => [ends.input?.sab ?? null, ends.output?.sab ?? null],
  adopt: (shared) => {
    const [input, output] = shared as [unknown, unknown];
    return { input: open(input), output: open(output) };
  },
};
