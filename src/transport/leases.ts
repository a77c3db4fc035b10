/**
 * How long the parent serves an object to child processes (process context):
 * as long as some child may still call it, and no longer.
 *
 * An object is served (its RPC methods registered, `rpc.ts`) while it is
 * pinned by at least one of:
 *
 * - a message on its way: the encoding of a task, a map, a pool's initargs or
 *   a `Process`'s args pins what it served (`collectLeases()`) until that
 *   task settles, that pool ends or that process exits (`releaseLeases()`);
 * - a live child that revived it: the child reports `hold` (before the task
 *   runs, so before its result arrives) and `drop` when its handle is
 *   collected, and all its holds end when it exits (`child_exits.ts`). A
 *   child that passes the object on keeps its handle (`src/share/marker.ts`), and its
 *   own children end with it.
 *
 * Unpinned, the registration is dropped and the parent's object is held only
 * weakly; sending it again serves it again under the same id, and once it is
 * collected its entry goes too. An object encoded where no one collects the
 * lease (none today) stays pinned: leaking is safe, failing a call is not.
 *
 * @module
 */
import { isLiveChild, onChildEnded } from "../runtime/child_exits.ts";
import { callParent, registerRpcTarget, type RpcTarget, unregisterRpcTarget } from "./rpc.ts";

/** The id under which the parent takes `hold` and `drop` reports. */
const LEASES_ID = "mp.leases";

interface Entry {
  readonly ref: WeakRef<object>;
  /** The object itself while pinned (whatever its methods close over). */
  strong: object | undefined;
  transit: number;
  forever: boolean;
  /** pid → how many handles that child holds. */
  readonly holders: Map<number, number>;
}

const entries = new Map<string, Entry>();
const targetOf = new WeakMap<object, RpcTarget>();
/** pid → ids that child holds. */
const byPid = new Map<number, Set<string>>();
let collecting: string[] | undefined;
let collectingActive = false;
let installed = false;

const collected = new FinalizationRegistry<string>((id) => {
  const entry = entries.get(id);
  if (entry !== undefined && entry.ref.deref() === undefined) entries.delete(id);
});

function install(): void {
  if (installed) return;
  installed = true;
  registerRpcTarget(LEASES_ID, {
    hold: (pid, id) => hold(pid as number, id as string),
    drop: (pid, id) => drop(pid as number, id as string),
  });
  onChildEnded(childEnded);
}

function update(id: string, entry: Entry): void {
  const pinned = entry.forever || entry.transit > 0 || entry.holders.size > 0;
  const owner = entry.ref.deref();
  if (pinned && entry.strong === undefined && owner !== undefined) {
    entry.strong = owner;
    registerRpcTarget(id, targetOf.get(owner)!);
  } else if (!pinned && entry.strong !== undefined) {
    entry.strong = undefined;
    unregisterRpcTarget(id);
  }
}

function hold(pid: number, id: string): boolean {
  const entry = entries.get(id);
  if (entry === undefined || entry.ref.deref() === undefined || !isLiveChild(pid)) return false;
  entry.holders.set(pid, (entry.holders.get(pid) ?? 0) + 1);
  let ids = byPid.get(pid);
  if (ids === undefined) byPid.set(pid, ids = new Set());
  ids.add(id);
  update(id, entry);
  return true;
}

function drop(pid: number, id: string): boolean {
  const entry = entries.get(id);
  const count = entry?.holders.get(pid);
  if (entry === undefined || count === undefined) return false;
  if (count > 1) entry.holders.set(pid, count - 1);
  else {
    entry.holders.delete(pid);
    byPid.get(pid)?.delete(id);
  }
  update(id, entry);
  return true;
}

function childEnded(pid: number): void {
  const ids = byPid.get(pid);
  if (ids === undefined) return;
  byPid.delete(pid);
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry === undefined) continue;
    entry.holders.delete(pid);
    update(id, entry);
  }
}

/**
 * Parent side: serve `owner` under `id` (its methods built once by
 * `methods`), pinned by the encoding in progress (see `collectLeases()`).
 *
 * @param owner The object children will call.
 * @param id Its id (the same every time it is sent).
 * @param methods Builds its RPC methods.
 * @example
 * ```ts
 * import { lease } from "./leases.ts";
 * lease({}, "Example:1", () => ({ ping: () => "pong" }));
 * ```
 */
export function lease(owner: object, id: string, methods: () => RpcTarget): void {
  install();
  let entry = entries.get(id);
  if (entry === undefined) {
    entry = {
      ref: new WeakRef(owner),
      strong: undefined,
      transit: 0,
      forever: false,
      holders: new Map(),
    };
    entries.set(id, entry);
    collected.register(owner, id);
  }
  if (!targetOf.has(owner)) targetOf.set(owner, methods());
  if (collectingActive) {
    (collecting ??= []).push(id);
    entry.transit++;
  } else entry.forever = true;
  update(id, entry);
}

/**
 * Parent side: run `encode`, returning what it returned and the ids it
 * served (each pinned once until `releaseLeases()`).
 *
 * @param encode Encodes a message's payload.
 * @returns Its value, and the ids to release later (undefined when none).
 * @example
 * ```ts
 * import { collectLeases, releaseLeases } from "./leases.ts";
 * const { value, ids } = collectLeases(() => [1, 2]);
 * if (ids !== undefined) releaseLeases(ids);
 * console.log(value); // [1, 2]
 * ```
 */
export function collectLeases<T>(encode: () => T): { value: T; ids: string[] | undefined } {
  const outer = collecting;
  const outerActive = collectingActive;
  collecting = undefined;
  collectingActive = true;
  try {
    const value = encode();
    return { value, ids: collecting };
  } finally {
    collecting = outer;
    collectingActive = outerActive;
  }
}

/**
 * Parent side: end the pins `collectLeases()` returned (the message was
 * answered, or can no longer be delivered). Call it once per `ids`.
 *
 * @param ids The ids.
 * @example
 * ```ts
 * import { releaseLeases } from "./leases.ts";
 * releaseLeases([]);
 * ```
 */
export function releaseLeases(ids: readonly string[]): void {
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry === undefined || entry.transit === 0) continue;
    entry.transit--;
    update(id, entry);
  }
}

/**
 * Parent side: the object served under `id`, while it exists.
 *
 * @param id Its id.
 * @returns The object, or undefined.
 * @example
 * ```ts
 * import { leasedObject } from "./leases.ts";
 * console.log(leasedObject("nothing")); // undefined
 * ```
 */
export function leasedObject(id: string): object | undefined {
  return entries.get(id)?.ref.deref();
}

/**
 * For tests: how many objects this process serves now.
 *
 * @returns The number of registered (pinned) objects.
 * @example
 * ```ts
 * import { leasedCount } from "./leases.ts";
 * console.log(leasedCount() >= 0); // true
 * ```
 */
export function leasedCount(): number {
  let n = 0;
  for (const entry of entries.values()) if (entry.strong !== undefined) n++;
  return n;
}

/**
 * Child side: report to the parent that this process holds a handle on the
 * object `id`, until `handle` is collected (or this process ends).
 *
 * @param handle What every call on the object goes through.
 * @param id The object's id.
 * @example
 * ```ts ignore
 * holdLease(remote, remote.id);
 * ```
 */
export function holdLease(handle: object, id: string): void {
  const pid = processId();
  if (pid === undefined) return;
  report("hold", pid, id);
  handles.register(handle, id);
}

const handles = new FinalizationRegistry<string>((id) => {
  const pid = processId();
  if (pid !== undefined) report("drop", pid, id);
});

function report(method: string, pid: number, id: string): void {
  // A parent that serves nothing under this id (a worker that got the
  // object from further up) answers with an error: nothing to do then.
  callParent(LEASES_ID, method, [pid, id]).catch(() => {});
}

function processId(): number | undefined {
  return (globalThis as { process?: { pid?: number } }).process?.pid;
}
