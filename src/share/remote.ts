/**
 * The process context (Python's Manager design): a child process cannot share
 * memory with its parent, so an object passed to a child stays in the parent,
 * which serves its operations over IPC (`serve()`, `src/transport/rpc.ts`);
 * the child's object of the same class calls them (`Handle`, at a `Remote`): over
 * the IPC channel for the async forms, over the synchronous channel
 * (`src/runtime/sync_channel.ts`) for the blocking forms and queries. The two
 * channels are not ordered with each other: an async call not yet awaited
 * may be served after a later synchronous one.
 *
 * @module
 */
import { lease, leasedObject } from "../transport/leases.ts";
import type { RpcTarget } from "../transport/rpc.ts";

const ids = new WeakMap<object, string>();
let counter = 0;

/**
 * Parent side: make `object` callable from child processes and return its id
 * (the same every time). It stays served while a message carrying it is on
 * its way or a live child holds it (`leases.ts`).
 *
 * @param object The primitive.
 * @param tag Its class name, the id's prefix.
 * @param methods Its RPC methods; each receives the caller's owner id first.
 * @returns The id that travels in the marker.
 */
export function serve(object: object, tag: string, methods: () => RpcTarget): string {
  let id = ids.get(object);
  if (id === undefined) {
    const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
    id = `${tag}:${pid}:${++counter}`;
    ids.set(object, id);
  }
  lease(object, id, methods);
  return id;
}

/** Held weakly, so that an unused proxy is collected and the parent told (`holdLease()`). */
const proxies = new Map<string, WeakRef<object>>();
const unused = new FinalizationRegistry<string>((id) => {
  if (proxies.get(id)?.deref() === undefined) proxies.delete(id);
});

/**
 * Child side: the one proxy object for `id` in this process (the same object
 * every time it arrives), built by `make` the first time.
 *
 * @param id The served object's id.
 * @param make Builds the proxy.
 * @returns The original (when this process serves it) or the proxy.
 */
export function proxyFor<T extends object>(id: string, make: () => T): T {
  const own = leasedObject(id);
  if (own !== undefined) return own as T;
  let proxy = proxies.get(id)?.deref();
  if (proxy === undefined) {
    proxy = make();
    proxies.set(id, new WeakRef(proxy));
    unused.register(proxy, id);
  }
  return proxy as T;
}

/** A child's address of an object its parent serves (`Handle` calls it there). */
export interface Remote {
  /** The served object's id. */
  readonly id: string;
  /** The address of the parent's synchronous channel. */
  readonly sync: string;
}
