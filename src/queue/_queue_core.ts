/**
 * The two implementations behind every queue object:
 *
 * - `LocalCore`: the `Channel` in shared memory. Used where the queue was
 *   created and in threads that received it (thread context).
 * - `RemoteCore`: in a child process (process context), where shared memory
 *   does not reach. Each operation is a request to the parent (Python's
 *   Manager design), which serves it from its `LocalCore`
 *   (`queueRpcTarget()`): the async forms through the IPC channel
 *   (`callParent()`), the blocking `...Sync` forms, `qsize()` and `taskDone()`
 *   through the synchronous channel (`callParentSync()`). Values travel as
 *   base64 of their serialised bytes, so what a child can put is what a thread
 *   can put, whatever the IPC channel's own serialisation, of any size. The
 *   two channels are not ordered with each other: await an async call before
 *   a synchronous one that must see its effect.
 *
 * The parent waits on a child's behalf without keeping itself alive, and stops
 * waiting when that child dies, so a dead child neither takes nor puts an item.
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { bytesToWire, wireToBytes } from "../runtime/serialize.ts";
import { holdLease, lease } from "../transport/leases.ts";
import { callParent, type RpcTarget } from "../transport/rpc.ts";
import { callParentSync, syncRpcAddress } from "../transport/rpc_sync.ts";
import { getIdentity } from "../process/identity.ts";
import { Channel, type GetOutcome, type PutStatus } from "./_channel.ts";
import { getAsync, getSync, joinAsync, joinSync, putAsync, putSync } from "./_ops.ts";

/** What a queue object needs from its storage. */
export interface QueueCore {
  readonly maxsize: number;
  put(bytes: Uint8Array, block: boolean, timeout: number | null): Promise<PutStatus>;
  putSync(bytes: Uint8Array, block: boolean, timeout: number | null): PutStatus;
  get(block: boolean, timeout: number | null): Promise<GetOutcome>;
  getSync(block: boolean, timeout: number | null): GetOutcome;
  qsize(): number;
  /** Whether no item is there (exact even where `qsize()` lags after a worker died). */
  empty(): boolean;
  /** False when called too often (checked at once, or at the next call in a child process). */
  taskDone(): boolean;
  join(): Promise<void>;
  joinSync(): void;
  /** The state a reviver needs on the other side. */
  encode(context: Context): QueueState;
}

/** The state that travels inside a queue's shared marker. */
export type QueueState =
  | { readonly kind: "thread"; readonly sab: SharedArrayBuffer }
  | {
    readonly kind: "process";
    readonly id: string;
    readonly sync: string;
    readonly maxsize: number;
  };

let nextId = 1;

/** Storage in this process's shared memory. */
export class LocalCore implements QueueCore {
  readonly channel: Channel;
  #rpcId: string | undefined;

  /** @param channel The shared channel. */
  constructor(channel: Channel) {
    this.channel = channel;
  }

  get maxsize(): number {
    return this.channel.maxsize;
  }
  put(bytes: Uint8Array, block: boolean, timeout: number | null): Promise<PutStatus> {
    return putAsync(this.channel, bytes, block, timeout);
  }
  putSync(bytes: Uint8Array, block: boolean, timeout: number | null): PutStatus {
    return putSync(this.channel, bytes, block, timeout);
  }
  get(block: boolean, timeout: number | null): Promise<GetOutcome> {
    return getAsync(this.channel, block, timeout);
  }
  getSync(block: boolean, timeout: number | null): GetOutcome {
    return getSync(this.channel, block, timeout);
  }
  qsize(): number {
    return this.channel.count();
  }
  empty(): boolean {
    return !this.channel.hasItems();
  }
  taskDone(): boolean {
    return this.channel.taskDone();
  }
  join(): Promise<void> {
    return joinAsync(this.channel);
  }
  joinSync(): void {
    joinSync(this.channel);
  }
  encode(context: Context): QueueState {
    if (context === "thread") return { kind: "thread", sab: this.channel.sab };
    this.#rpcId ??= `mp.queue.${processId()}.${nextId++}`;
    lease(this, this.#rpcId, () => queueRpcTarget(this.channel));
    return { kind: "process", id: this.#rpcId, sync: syncRpcAddress(), maxsize: this.maxsize };
  }
}

function processId(): number {
  return (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
}

/**
 * The methods a child process calls (through either channel). Each takes the
 * child's pid first; values travel as base64 of their serialised bytes.
 */
function queueRpcTarget(channel: Channel): RpcTarget {
  const timeoutOf = (t: unknown) => (typeof t === "number" ? t : null);
  return {
    put: (pid, wire, block, timeout) =>
      putAsync(
        channel,
        wireToBytes(wire as string),
        block === true,
        timeoutOf(timeout),
        pid as number,
      ),
    get: async (pid, block, timeout) => {
      const out = await getAsync(channel, block === true, timeoutOf(timeout), pid as number);
      return typeof out === "string" ? `!${out}` : bytesToWire(out);
    },
    qsize: () => channel.count(),
    empty: () => !channel.hasItems(),
    taskDone: () => channel.taskDone(),
    join: (pid) => joinAsync(channel, pid as number),
  };
}

/** Storage owned by the parent process, reached over its two channels. */
export class RemoteCore implements QueueCore {
  readonly maxsize: number;
  #id: string;
  #sync: string;

  /** @param state The marker's state. */
  constructor(state: { id: string; sync: string; maxsize: number }) {
    this.#id = state.id;
    this.#sync = state.sync;
    this.maxsize = state.maxsize;
    holdLease(this, state.id);
  }

  #call(method: string, args: unknown[]): Promise<unknown> {
    return callParent(this.#id, method, [getIdentity().pid ?? 0, ...args]);
  }
  #callSync(method: string, args: unknown[]): unknown {
    return callParentSync(this.#sync, this.#id, method, [getIdentity().pid ?? 0, ...args]);
  }

  async put(bytes: Uint8Array, block: boolean, timeout: number | null): Promise<PutStatus> {
    return (await this.#call("put", [bytesToWire(bytes), block, timeout])) as PutStatus;
  }
  putSync(bytes: Uint8Array, block: boolean, timeout: number | null): PutStatus {
    return this.#callSync("put", [bytesToWire(bytes), block, timeout]) as PutStatus;
  }
  async get(block: boolean, timeout: number | null): Promise<GetOutcome> {
    return fromWire((await this.#call("get", [block, timeout])) as string);
  }
  getSync(block: boolean, timeout: number | null): GetOutcome {
    return fromWire(this.#callSync("get", [block, timeout]) as string);
  }
  qsize(): number {
    return this.#callSync("qsize", []) as number;
  }
  empty(): boolean {
    return this.#callSync("empty", []) as boolean;
  }
  taskDone(): boolean {
    return this.#callSync("taskDone", []) as boolean;
  }
  async join(): Promise<void> {
    await this.#call("join", []);
  }
  joinSync(): void {
    this.#callSync("join", []);
  }
  encode(): QueueState {
    throw new TypeError(
      "Cannot pass a queue on from a child process: pass it to every worker from the process that created it",
    );
  }
}

function fromWire(out: string): GetOutcome {
  return out.startsWith("!") ? (out.slice(1) as "empty" | "eof") : wireToBytes(out);
}

let joinableNext = false;

/** Make the next queue constructed joinable (`JoinableQueue` calls it before `super()`). */
export function markJoinable(): void {
  joinableNext = true;
}

/**
 * Whether the queue being constructed is joinable (and reset the mark).
 *
 * @returns The mark.
 */
export function takeJoinable(): boolean {
  const joinable = joinableNext;
  joinableNext = false;
  return joinable;
}

const cores = new WeakMap<object, QueueCore>();
let adopting: QueueCore | undefined;

/**
 * Make the next queue constructed use `core` instead of new storage (revivers).
 *
 * @param core The storage to adopt.
 */
export function adoptCore(core: QueueCore): void {
  adopting = core;
}

/**
 * Storage for a queue being constructed: the adopted one, or a new channel.
 *
 * @param owner The queue object.
 * @param maxsize Its bound, when new.
 * @param joinable Whether it counts unfinished tasks, when new.
 * @returns The storage.
 */
export function bindCore(owner: object, maxsize: number, joinable: boolean): QueueCore {
  const core = adopting ?? new LocalCore(Channel.create(maxsize, joinable));
  adopting = undefined;
  cores.set(owner, core);
  return core;
}

/**
 * The storage of a queue object.
 *
 * @param owner The queue object.
 * @returns Its storage.
 */
export function coreOf(owner: object): QueueCore {
  return cores.get(owner)!;
}

/**
 * Storage from a marker's state, in the receiving thread or process.
 *
 * @param state The state made by `encode()`.
 * @returns The storage.
 */
export function coreFromState(state: QueueState): QueueCore {
  return state.kind === "thread" ? new LocalCore(new Channel(state.sab)) : new RemoteCore(state);
}
