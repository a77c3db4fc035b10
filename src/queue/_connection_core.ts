/**
 * The two implementations behind a `Connection` (one end of a `Pipe`):
 * `LocalConnectionCore` on the shared `Channel`s (where the pipe was made,
 * and in threads), `RemoteConnectionCore` in a child process, which asks the
 * parent: async forms over IPC, `...Sync` forms, `closed` and `close()` over
 * the synchronous channel (see `_queue_core.ts` for the pattern).
 *
 * An end reads from one channel and writes to another (duplex), or only one
 * of the two (simplex). Closing an end sets `READER_CLOSED` on the channel it
 * reads and `WRITER_CLOSED` on the one it writes, in shared memory, so it is
 * closed for every holder of that end and the other end sees end-of-file once
 * it has read what was sent before.
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { bytesToWire, wireToBytes } from "../runtime/serialize.ts";
import { getIdentity } from "../process/identity.ts";
import { holdLease, lease } from "../transport/leases.ts";
import { callParent, type RpcTarget } from "../transport/rpc.ts";
import { callParentSync, syncRpcAddress } from "../transport/rpc_sync.ts";
import { Channel, READER_CLOSED, WRITER_CLOSED } from "./_channel.ts";
import {
  getAsync,
  getSync,
  pollAsync,
  pollSync,
  putAsync,
  putSync,
  type Requester,
} from "./_ops.ts";

/** Outcome of a send: sent, this end closed, or the other end closed. */
export type SendStatus = "ok" | "closed" | "broken";
/** Outcome of a receive: the bytes, this end closed, or end of file. */
export type RecvOutcome = Uint8Array | "closed" | "eof";

/** What a `Connection` needs from its storage. */
export interface ConnectionCore {
  readonly readable: boolean;
  readonly writable: boolean;
  send(bytes: Uint8Array): Promise<SendStatus>;
  sendSync(bytes: Uint8Array): SendStatus;
  recv(): Promise<RecvOutcome>;
  recvSync(): RecvOutcome;
  poll(timeout: number | null): Promise<boolean>;
  pollSync(timeout: number | null): boolean;
  closed(): boolean;
  close(): void;
  encode(context: Context): ConnectionState;
}

/** The state that travels inside a connection's shared marker. */
export type ConnectionState =
  | {
    readonly kind: "thread";
    readonly recv: SharedArrayBuffer | null;
    readonly send: SharedArrayBuffer | null;
  }
  | {
    readonly kind: "process";
    readonly id: string;
    readonly sync: string;
    readonly readable: boolean;
    readonly writable: boolean;
  };

let nextId = 1;

/** One end of a pipe in this process's shared memory. */
export class LocalConnectionCore implements ConnectionCore {
  readonly #in: Channel | undefined;
  readonly #out: Channel | undefined;
  #rpcId: string | undefined;

  /**
   * @param input The channel this end reads (none for a write-only end).
   * @param output The channel this end writes (none for a read-only end).
   */
  constructor(input: Channel | undefined, output: Channel | undefined) {
    this.#in = input;
    this.#out = output;
  }

  get readable(): boolean {
    return this.#in !== undefined;
  }
  get writable(): boolean {
    return this.#out !== undefined;
  }
  async send(bytes: Uint8Array, requester?: Requester): Promise<SendStatus> {
    return this.#sent(await putAsync(this.#out!, bytes, true, null, requester));
  }
  sendSync(bytes: Uint8Array): SendStatus {
    return this.#sent(putSync(this.#out!, bytes, true, null));
  }
  #sent(status: string): SendStatus {
    if (status === "ok") return "ok";
    return this.#out!.flags() & WRITER_CLOSED ? "closed" : "broken";
  }
  async recv(requester?: Requester): Promise<RecvOutcome> {
    if (this.closed()) return "closed";
    return this.#received(await getAsync(this.#in!, true, null, requester));
  }
  recvSync(): RecvOutcome {
    if (this.closed()) return "closed";
    return this.#received(getSync(this.#in!, true, null));
  }
  #received(out: Uint8Array | string): RecvOutcome {
    if (typeof out !== "string") return out;
    return this.closed() ? "closed" : "eof";
  }
  poll(timeout: number | null, requester?: Requester): Promise<boolean> {
    return pollAsync(this.#in!, WRITER_CLOSED | READER_CLOSED, timeout, requester);
  }
  pollSync(timeout: number | null): boolean {
    return pollSync(this.#in!, WRITER_CLOSED | READER_CLOSED, timeout);
  }
  closed(): boolean {
    const ch = this.#in ?? this.#out!;
    return (ch.flags() & (this.#in !== undefined ? READER_CLOSED : WRITER_CLOSED)) !== 0;
  }
  close(): void {
    this.#in?.setFlags(READER_CLOSED);
    this.#out?.setFlags(WRITER_CLOSED);
  }
  encode(context: Context): ConnectionState {
    if (context === "thread") {
      return { kind: "thread", recv: this.#in?.sab ?? null, send: this.#out?.sab ?? null };
    }
    this.#rpcId ??= `mp.connection.${nextId++}`;
    lease(this, this.#rpcId, () => connectionRpcTarget(this));
    return {
      kind: "process",
      id: this.#rpcId,
      sync: syncRpcAddress(),
      readable: this.readable,
      writable: this.writable,
    };
  }
}

/** The methods a child process calls; each takes the child's pid first. */
function connectionRpcTarget(core: LocalConnectionCore): RpcTarget {
  return {
    send: (pid, wire) => core.send(wireToBytes(wire as string), pid as number),
    recv: async (pid) => {
      const out = await core.recv(pid as number);
      return typeof out === "string" ? `!${out}` : bytesToWire(out);
    },
    poll: (pid, timeout) => core.poll(typeof timeout === "number" ? timeout : null, pid as number),
    closed: () => core.closed(),
    close: () => core.close(),
  };
}

/** One end of a pipe whose channels the parent process holds. */
export class RemoteConnectionCore implements ConnectionCore {
  readonly readable: boolean;
  readonly writable: boolean;
  #id: string;
  #sync: string;

  /** @param state The marker's state. */
  constructor(state: { id: string; sync: string; readable: boolean; writable: boolean }) {
    this.#id = state.id;
    this.#sync = state.sync;
    this.readable = state.readable;
    this.writable = state.writable;
    holdLease(this, state.id);
  }

  #call(method: string, args: unknown[]): Promise<unknown> {
    return callParent(this.#id, method, [getIdentity().pid ?? 0, ...args]);
  }
  #callSync(method: string, args: unknown[]): unknown {
    return callParentSync(this.#sync, this.#id, method, [getIdentity().pid ?? 0, ...args]);
  }

  async send(bytes: Uint8Array): Promise<SendStatus> {
    return (await this.#call("send", [bytesToWire(bytes)])) as SendStatus;
  }
  sendSync(bytes: Uint8Array): SendStatus {
    return this.#callSync("send", [bytesToWire(bytes)]) as SendStatus;
  }
  async recv(): Promise<RecvOutcome> {
    return fromWire((await this.#call("recv", [])) as string);
  }
  recvSync(): RecvOutcome {
    return fromWire(this.#callSync("recv", []) as string);
  }
  async poll(timeout: number | null): Promise<boolean> {
    return (await this.#call("poll", [timeout])) as boolean;
  }
  pollSync(timeout: number | null): boolean {
    return this.#callSync("poll", [timeout]) as boolean;
  }
  closed(): boolean {
    return this.#callSync("closed", []) as boolean;
  }
  close(): void {
    this.#callSync("close", []);
  }
  encode(): ConnectionState {
    throw new TypeError(
      "Cannot pass a Connection on from a child process: pass it from the process that made the Pipe",
    );
  }
}

function fromWire(out: string): RecvOutcome {
  return out.startsWith("!") ? (out.slice(1) as "closed" | "eof") : wireToBytes(out);
}

/**
 * Storage from a marker's state, in the receiving thread or process.
 *
 * @param state The state made by `encode()`.
 * @returns The storage.
 */
export function connectionCoreFromState(state: ConnectionState): ConnectionCore {
  if (state.kind === "process") return new RemoteConnectionCore(state);
  const open = (sab: SharedArrayBuffer | null) => (sab === null ? undefined : new Channel(sab));
  return new LocalConnectionCore(open(state.recv), open(state.send));
}
