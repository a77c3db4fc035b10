/**
 * What travels through Redis between a `ClusterPool` and its worker hosts: one
 * BullMQ job per chunk (data below, JSON), its result (per-segment values or
 * errors, JSON), the key under which hosts advertise their workers, and the
 * channel that carries cancellations.
 *
 * @module
 */
import type { WireError } from "../transport/error_codec.ts";

/** BullMQ job name of every chunk. */
export const JOB_NAME = "mp";

/** `apply`: `a` is the argument list. */
export const KIND_APPLY = 0;
/** `map`: `a` is the chunk's items, one argument each. */
export const KIND_MAP = 1;
/** `starmap`: `a` is the chunk's argument lists. */
export const KIND_STARMAP = 2;
/** How a job's `a` is applied. */
export type JobKind = typeof KIND_APPLY | typeof KIND_MAP | typeof KIND_STARMAP;

/** A chunk as it travels (kept short: it is stored per job). */
export interface JobData {
  /** The submitting pool's id (for cancellation). */
  readonly p: string;
  /** The module's key (see {@link moduleKey}). */
  readonly m: string;
  /** The export name of the function. */
  readonly f: string;
  readonly k: JobKind;
  readonly a: readonly unknown[];
}

/** Items of a chunk that succeeded together: `[count, 1, values]`; or failed: `[count, 0, error]`. */
export type Segment =
  | readonly [count: number, ok: 1, values: readonly unknown[]]
  | readonly [count: number, ok: 0, error: WireError];

/** A chunk's outcome, in item order. */
export interface JobResult {
  readonly s: readonly Segment[];
}

/**
 * The name by which a client and a host agree on a module: its file name without
 * extension, so `file:///client/tasks.ts` on one machine and `/srv/app/dist/tasks.js` on
 * another both serve `tasks`.
 *
 * @param module A module URL or path.
 * @returns The key.
 * @example
 * ```ts
 * import { moduleKey } from "./protocol.ts";
 * console.log(moduleKey("file:///app/tasks.ts")); // "tasks"
 * ```
 */
export function moduleKey(module: string | URL): string {
  const path = String(module).replace(/[?#].*$/, "");
  const file = path.slice(path.lastIndexOf("/") + 1);
  const dot = file.indexOf(".");
  return dot > 0 ? file.slice(0, dot) : file;
}

/**
 * Redis hash where hosts advertise `hostId -> "processes:expiresAtMs"`.
 *
 * @param prefix BullMQ key prefix.
 * @param queue Queue name.
 * @returns The key.
 * @example
 * ```ts
 * import { hostsKey } from "./protocol.ts";
 * console.log(hostsKey("bull", "mp")); // "bull:mp:mp-hosts"
 * ```
 */
export function hostsKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:mp-hosts`;
}

/**
 * Pub/sub channel on which a terminating pool names itself.
 *
 * @param prefix BullMQ key prefix.
 * @param queue Queue name.
 * @returns The channel.
 * @example
 * ```ts
 * import { cancelChannel } from "./protocol.ts";
 * console.log(cancelChannel("bull", "mp")); // "bull:mp:mp-cancel"
 * ```
 */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:mp-cancel`;
}

/**
 * The workers hosts currently advertise, from the hash {@link hostsKey} names.
 *
 * @param entries `HGETALL`'s answer.
 * @param now The current time (ms since the epoch).
 * @returns The sum of live hosts' processes (0 when none).
 * @example
 * ```ts
 * import { liveProcesses } from "./protocol.ts";
 * console.log(liveProcesses({ a: `4:${Date.now() + 1000}` }, Date.now())); // 4
 * ```
 */
export function liveProcesses(entries: Record<string, string>, now: number): number {
  let total = 0;
  for (const value of Object.values(entries)) {
    const [processes, expires] = value.split(":").map(Number);
    if (expires > now && processes > 0) total += processes;
  }
  return total;
}
