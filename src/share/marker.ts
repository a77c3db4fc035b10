/**
 * Markers of shared objects: what crosses to a worker in place of the object
 * (to a thread: its shared memory and the table that numbers threads, see
 * `owner.ts`; to a child process: the id its owner serves it under, see
 * `Handle.marker()`), and how the other side revives it.
 *
 * @module
 */
import { holdLease, leasedObject } from "../transport/leases.ts";
import { callParent, registerRpcTarget, type RpcTarget } from "../transport/rpc.ts";
import { registerReviver } from "../transport/shareable.ts";
import { adoptOwnerTable } from "./owner.ts";
import { proxyFor, type Remote } from "./remote.ts";

/** The state inside a marker. */
export type MarkerState =
  | {
    readonly mode: "thread";
    readonly cells: unknown;
    readonly counter?: SharedArrayBuffer;
    readonly extra: unknown;
  }
  | {
    readonly mode: "process";
    readonly id: string;
    readonly sync: string;
    readonly extra: unknown;
  };

/**
 * Proxies this process passed on, kept for its life: its own children's calls
 * go through them, so the parent must go on seeing this process hold them.
 */
const forwarded = new Map<string, object>();

/**
 * Serve `proxy`'s calls from this process's own children by forwarding them
 * to the parent (a proxy passed on; its synchronous calls reach the parent's
 * channel directly).
 *
 * @param id The served object's id.
 * @param proxy This process's proxy for it.
 */
export function forward(id: string, proxy: object): void {
  if (forwarded.has(id)) return;
  forwarded.set(id, proxy);
  const methods = new Proxy({} as RpcTarget, {
    get: (_, method) => (...args: unknown[]) => callParent(id, String(method), args),
  });
  registerRpcTarget(id, methods);
}

/**
 * Register the reviver of a primitive.
 *
 * @param tag Its class name.
 * @param fromCells Builds a thread-side object on the shared memory.
 * @param fromRemote Builds a child-process proxy.
 */
export function registerPrimitive(
  tag: string,
  fromCells: (cells: unknown, extra: unknown) => object,
  fromRemote: (remote: Remote, extra: unknown) => object,
): void {
  registerReviver(tag, (raw) => {
    const state = raw as MarkerState;
    if (state.mode === "thread") {
      adoptOwnerTable(state.counter);
      return fromCells(state.cells, state.extra);
    }
    return leasedObject(state.id) ??
      proxyFor(state.id, () => {
        const remote: Remote = { id: state.id, sync: state.sync };
        holdLease(remote, state.id);
        return fromRemote(remote, state.extra);
      });
  });
}
