/**
 * Markers of shared objects: what crosses to a worker in place of the object
 * (to a thread: its shared memory and the table that numbers threads, see
 * `owner.ts`; to a child process: the id its owner serves it under), and how
 * the other side revives it.
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { holdLease, leasedObject } from "../transport/leases.ts";
import { callParent, registerRpcTarget, type RpcTarget } from "../transport/rpc.ts";
import { syncRpcAddress } from "../transport/rpc_sync.ts";
import { registerReviver, type SharedMarker } from "../transport/shareable.ts";
import { adoptOwnerTable, ownerTable } from "./owner.ts";
import { proxyFor, Remote, serve } from "./remote.ts";

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

/** What a primitive tells `marker()` about itself. */
export interface ShareSpec {
  /** The class name, the reviver's tag. */
  readonly tag: string;
  /** Its shared memory, structured-cloneable (undefined in a child-process proxy). */
  readonly cells: unknown;
  /** Its id when it is a child-process proxy. */
  readonly remote: Remote | undefined;
  /** Its RPC methods, for serving it to child processes. */
  readonly methods: () => RpcTarget;
  /** Whatever else the other side needs (cloneable). */
  readonly extra?: unknown;
}

/**
 * Build the marker of a primitive bound for `context`.
 *
 * @param object The primitive.
 * @param context Where it goes.
 * @param spec What it says about itself.
 * @returns The marker.
 */
export function marker(object: object, context: Context, spec: ShareSpec): SharedMarker {
  const extra = spec.extra;
  if (spec.remote !== undefined) {
    // A proxy passed on (from a child process to its own workers): this
    // process forwards their async calls to its parent; their synchronous
    // calls reach the parent's channel directly.
    const { id, sync } = spec.remote;
    forward(id, object);
    return { __mpShared: spec.tag, state: { mode: "process", id, sync, extra } };
  }
  if (context === "thread") {
    const state: MarkerState = {
      mode: "thread",
      cells: spec.cells!,
      counter: ownerTable(),
      extra,
    };
    return { __mpShared: spec.tag, state };
  }
  const id = serve(object, spec.tag, spec.methods);
  return { __mpShared: spec.tag, state: { mode: "process", id, sync: syncRpcAddress(), extra } };
}

/**
 * Proxies this process passed on, kept for its life: its own children's calls
 * go through them, so the parent must go on seeing this process hold them.
 */
const forwarded = new Map<string, object>();

function forward(id: string, proxy: object): void {
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
        const remote = new Remote(state.id, state.sync);
        holdLease(remote, state.id);
        return fromRemote(remote, state.extra);
      });
  });
}
