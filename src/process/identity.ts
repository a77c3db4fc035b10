/**
 * Who "this process" is: the main program, a pool worker or a `Process`
 * target. Set once by the worker bootstrap; read by `currentProcess()`,
 * `isMainProcess()` and friends.
 *
 * @module
 */
import process from "node:process";
import type { Context } from "../runtime/types.ts";
import { hostedIdentity } from "../worker/hosted.ts";

/** Facts about the running program or worker. */
export interface ProcessIdentity {
  /** `"MainProcess"`, `"ThreadPoolWorker-3"`, `"Process-1"`, ... */
  readonly name: string;
  /** `"main"` in the program itself, else the role of the worker. */
  readonly role: "main" | "pool" | "process";
  /** The context of the worker; undefined in the main program. */
  readonly context?: Context;
  /** OS process id (a thread worker shares its process's). */
  readonly pid: number;
  /** Thread id in a thread worker. */
  readonly threadId?: number;
  /** Name of the parent, when this is a worker. */
  readonly parentName?: string;
  /** OS pid of the parent, when known. */
  readonly parentPid?: number;
  /** Whether this worker is a daemon (pool workers are). */
  readonly daemon?: boolean;
}

// In a bundle run again as a worker, this is the first moment the library
// can say so: before the program's own code, which asks `isMainProcess()`.
let identity: ProcessIdentity = {
  ...(hostedIdentity() ?? { name: "MainProcess", role: "main" }),
  pid: process.pid,
};

/**
 * The identity of the running program or worker.
 *
 * @returns The current identity.
 * @example
 * ```ts
 * import { getIdentity } from "./identity.ts";
 * console.log(getIdentity().name);
 * ```
 */
export function getIdentity(): ProcessIdentity {
  return identity;
}

/**
 * Set the identity (worker bootstrap only).
 *
 * @param next The worker's identity.
 * @example
 * ```ts ignore
 * setIdentity({ name: "ThreadPoolWorker-1", role: "pool", context: "thread", pid: 1234 });
 * ```
 */
export function setIdentity(next: ProcessIdentity): void {
  identity = next;
}
