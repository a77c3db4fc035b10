/**
 * Requests from a worker to an object owned by the parent (Python's Manager
 * design), used by sync primitives, queues and shared values in the process
 * context.
 *
 * Worker side: `callParent()` posts `{ t: "rpc", id, target, method, args }`
 * through the parent port; every message from the parent goes first through
 * `acceptRpcReply()`, which settles the call a reply
 * `{ t: "rpcReply", id, ok, value }` belongs to. Main side: every message of
 * a worker (pool or `Process`) goes first through `serveWorkerRpc()`, which
 * answers requests. The blocking forms for child processes live in
 * `rpc_sync.ts`, so that workers load the synchronous channel only when used.
 *
 * @module
 */
import { BrokenBarrierError, Empty, Full, ProcessError, TimeoutError } from "../errors.ts";
import type { ParentPort } from "../runtime/types.ts";
import { decodeError, encodeError, type WireError } from "./error_codec.ts";

/** worker → main: call `method(...args)` on the parent-owned object `target`. */
export interface RpcRequest {
  readonly t: "rpc";
  readonly id: number;
  readonly target: string;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** main → worker: the answer to one `RpcRequest`. */
export interface RpcReply {
  readonly t: "rpcReply";
  readonly id: number;
  readonly ok: boolean;
  /** The result, or a `WireError` when `ok` is false. */
  readonly value: unknown;
}

/** Library errors an RPC failure is rebuilt as (by name), keeping their class. */
const LIBRARY_ERRORS: Record<string, new (message?: string) => Error> = {
  ProcessError,
  BrokenBarrierError,
  TimeoutError,
  Empty,
  Full,
};

/**
 * Rebuild an error a parent-side method threw: the library's own error
 * classes by name, anything else through the error codec.
 *
 * @param wire The encoded error.
 * @returns The error to throw.
 * @example
 * ```ts ignore
 * throw rebuildError(reply.value as WireError);
 * ```
 */
export function rebuildError(wire: WireError): unknown {
  const Ctor = LIBRARY_ERRORS[wire.name];
  if (Ctor === undefined || wire.thrown !== undefined) return decodeError(wire);
  const error = new Ctor(wire.message);
  Object.assign(error, wire.props);
  return error;
}

/** An object the parent serves to workers. Methods may return promises. */
export type RpcTarget = Record<string, (...args: unknown[]) => unknown>;

const targets = new Map<string, RpcTarget>();
let port: ParentPort | undefined;
let nextId = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();

/**
 * Main side: make `target` callable from workers under `id`.
 *
 * @param id Unique id that travels inside the object's shared marker.
 * @param target The object whose methods workers may call.
 * @example
 * ```ts
 * import { registerRpcTarget } from "./rpc.ts";
 * registerRpcTarget("lock-1", { locked: () => false });
 * ```
 */
export function registerRpcTarget(id: string, target: RpcTarget): void {
  targets.set(id, target);
}

/**
 * Main side: stop serving `id` (a later call for it fails as unknown).
 *
 * @param id The id given to `registerRpcTarget()`.
 * @example
 * ```ts
 * import { registerRpcTarget, unregisterRpcTarget } from "./rpc.ts";
 * registerRpcTarget("lock-2", { locked: () => false });
 * unregisterRpcTarget("lock-2");
 * ```
 */
export function unregisterRpcTarget(id: string): void {
  targets.delete(id);
}

/**
 * Main side: answer one worker request through `reply`.
 *
 * @param request The worker's request.
 * @param reply Posts the reply back to that worker.
 * @example
 * ```ts
 * import { serveRpc } from "./rpc.ts";
 * serveRpc({ t: "rpc", id: 1, target: "x", method: "m", args: [] }, () => {});
 * ```
 */
export function serveRpc(request: RpcRequest, reply: (message: RpcReply) => void): void {
  const send = (ok: boolean, value: unknown) => {
    try {
      reply({ t: "rpcReply", id: request.id, ok, value: ok ? value : encodeError(value) });
    } catch {
      // the worker is gone; nothing to answer
    }
  };
  dispatchRpc(request.target, request.method, request.args).then(
    (value) => send(true, value),
    (error) => send(false, error),
  );
}

/**
 * Main side: the one entry for a worker's messages. A request is served (its
 * reply posted through `reply`); anything else is left to the caller.
 *
 * @param message Any message from a worker.
 * @param reply Posts a reply back to that worker.
 * @returns True when the message was an RPC request (handled).
 * @example
 * ```ts
 * import { serveWorkerRpc } from "./rpc.ts";
 * console.log(serveWorkerRpc({ t: "ready" }, () => {})); // false
 * ```
 */
export function serveWorkerRpc(message: unknown, reply: (message: RpcReply) => void): boolean {
  if ((message as { t?: unknown } | null)?.t !== "rpc") return false;
  serveRpc(message as RpcRequest, reply);
  return true;
}

/**
 * Main side: call `method(...args)` on the registered object `target`.
 *
 * @param target The object's id.
 * @param method The method name.
 * @param args Its arguments.
 * @returns What the method returned (awaited).
 * @example
 * ```ts
 * import { dispatchRpc, registerRpcTarget } from "./rpc.ts";
 * registerRpcTarget("answer", { get: () => 42 });
 * console.log(await dispatchRpc("answer", "get", []));
 * ```
 */
export function dispatchRpc(
  target: string,
  method: string,
  args: readonly unknown[],
): Promise<unknown> {
  const object = targets.get(target);
  if (object === undefined || typeof object[method] !== "function") {
    return Promise.reject(new Error(`No shared object '${target}' with method '${method}'`));
  }
  try {
    return Promise.resolve(object[method](...args));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Worker side: remember the port requests go through (called by the bootstrap).
 *
 * @param parent The worker's channel to its parent.
 * @example
 * ```ts ignore
 * setRpcPort(parent);
 * ```
 */
export function setRpcPort(parent: ParentPort): void {
  port = parent;
}

/**
 * Worker side: call a method of a parent-owned object.
 *
 * @param target The object's id.
 * @param method The method name.
 * @param args Structured-clonable arguments.
 * @returns The method's result.
 * @throws {Error} When not inside a worker, or the parent's method threw.
 * @example
 * ```ts ignore
 * await callParent("lock-1", "acquire", [true, null]);
 * ```
 */
export function callParent(
  target: string,
  method: string,
  args: readonly unknown[],
): Promise<unknown> {
  if (port === undefined) {
    return Promise.reject(new Error("callParent() is only available inside a worker"));
  }
  const id = nextId++;
  const message: RpcRequest = { t: "rpc", id, target, method, args };
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port!.post(message);
  });
}

/**
 * Worker side: the one entry for the parent's messages. A reply settles the
 * call it belongs to; anything else is left to the caller.
 *
 * @param message Any message from the parent.
 * @returns True when the message was an RPC reply (handled).
 * @example
 * ```ts
 * import { acceptRpcReply } from "./rpc.ts";
 * console.log(acceptRpcReply({ t: "stop" })); // false
 * ```
 */
export function acceptRpcReply(message: unknown): boolean {
  if ((message as { t?: unknown } | null)?.t !== "rpcReply") return false;
  handleRpcReply(message as RpcReply);
  return true;
}

/**
 * Worker side: settle the call a reply belongs to (see `acceptRpcReply()`).
 *
 * @param reply The parent's reply.
 * @example
 * ```ts ignore
 * handleRpcReply({ t: "rpcReply", id: 1, ok: true, value: 1 });
 * ```
 */
export function handleRpcReply(reply: RpcReply): void {
  const waiter = pending.get(reply.id);
  if (waiter === undefined) return;
  pending.delete(reply.id);
  if (reply.ok) waiter.resolve(reply.value);
  else waiter.reject(rebuildError(reply.value as WireError));
}
