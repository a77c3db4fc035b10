/**
 * The two implementations behind every queue object:
 *
 * - `LocalCore`: the `Channel` in shared memory. Used where the queue was
 *   created and in threads that received it (thread context).
 * - `RemoteCore`: in a child process (process context), where shared memory
 *   does not reach. Each operation is a request to the parent through
 *   `callParent()` (Python's Manager design); the parent serves it from its
 *   `LocalCore` (`queueRpcTarget()`). Values travel as serialised bytes in
 *   base64, so what a child can put is what a thread can put, whatever the IPC
 *   channel's own serialisation. Every reply carries the queue's size, which
 *   the child's `qsize()`/`empty()`/`full()` report (as of its last call).
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import type { Context } from "../runtime/types.ts";
import { bytesToWire, wireToBytes } from "../runtime/serialize.ts";
import { callParent, registerRpcTarget, type RpcTarget } from "../transport/rpc.ts";
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
    readonly maxsize: number;
    readonly size: number;
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
    if (this.#rpcId === undefined) {
      this.#rpcId = `mp.queue.${nextId++}`;
      registerRpcTarget(this.#rpcId, queueRpcTarget(this.channel));
    }
    return { kind: "process", id: this.#rpcId, maxsize: this.maxsize, size: this.qsize() };
  }
}

/** Replies of the queue's RPC target: `[outcome, size]`. */
type Reply = readonly [outcome: string, size: number];

function queueRpcTarget(channel: Channel): RpcTarget {
  const reply = (outcome: string): Reply => [outcome, channel.count()];
  const timeoutOf = (t: unknown) => (typeof t === "number" ? t : null);
  return {
    put: async (wire, block, timeout) =>
      reply(
        await putAsync(channel, wireToBytes(wire as string), block === true, timeoutOf(timeout)),
      ),
    get: async (block, timeout) => {
      const out = await getAsync(channel, block === true, timeoutOf(timeout));
      return reply(typeof out === "string" ? `!${out}` : bytesToWire(out));
    },
    qsize: () => reply(""),
    taskDone: () => reply(channel.taskDone() ? "ok" : "tooMany"),
    join: async () => {
      await joinAsync(channel);
      return reply("");
    },
  };
}

/**
 * Thrown by the blocking forms in a child process, where nothing can block
 * on the parent.
 *
 * @param call The call, e.g. "Queue.getSync()".
 * @returns The error.
 */
export function noSyncInProcess(call: string): ProcessError {
  const asyncName = call.replace("Sync(", "(");
  return new ProcessError(
    `Cannot call ${call} in the process context: a child process reaches the queue through ` +
      `its parent and cannot block on it; use await ${asyncName} instead`,
  );
}

/** Storage owned by the parent process, reached over IPC. */
export class RemoteCore implements QueueCore {
  readonly maxsize: number;
  #id: string;
  #size: number;
  #deferred: Error | undefined;

  /** @param state The marker's state. */
  constructor(state: { id: string; maxsize: number; size: number }) {
    this.#id = state.id;
    this.maxsize = state.maxsize;
    this.#size = state.size;
  }

  async #call(method: string, args: readonly unknown[]): Promise<string> {
    this.#throwDeferred();
    const [outcome, size] = (await callParent(this.#id, method, args)) as Reply;
    this.#size = size;
    this.#throwDeferred();
    return outcome;
  }

  #throwDeferred(): void {
    const deferred = this.#deferred;
    if (deferred !== undefined) {
      this.#deferred = undefined;
      throw deferred;
    }
  }

  async put(bytes: Uint8Array, block: boolean, timeout: number | null): Promise<PutStatus> {
    return (await this.#call("put", [bytesToWire(bytes), block, timeout])) as PutStatus;
  }
  putSync(): PutStatus {
    throw noSyncInProcess("Queue.putSync()");
  }
  async get(block: boolean, timeout: number | null): Promise<GetOutcome> {
    const out = await this.#call("get", [block, timeout]);
    return out.startsWith("!") ? (out.slice(1) as "empty" | "eof") : wireToBytes(out);
  }
  getSync(): GetOutcome {
    throw noSyncInProcess("Queue.getSync()");
  }
  qsize(): number {
    return this.#size;
  }
  taskDone(): boolean {
    this.#call("taskDone", []).then(
      (outcome) => {
        if (outcome === "tooMany") {
          this.#deferred = new ProcessError("taskDone() called too many times");
        }
      },
      (error) => {
        this.#deferred = error instanceof Error ? error : new ProcessError(String(error));
      },
    );
    return true;
  }
  async join(): Promise<void> {
    await this.#call("join", []);
  }
  joinSync(): void {
    throw noSyncInProcess("JoinableQueue.joinSync()");
  }
  encode(): QueueState {
    throw new TypeError(
      "Cannot pass a queue on from a child process: pass it to every worker from the process that created it",
    );
  }
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
