/**
 * Whether this program is a cluster worker host. A host imports its task
 * modules in its main thread (to check job names and revive error classes),
 * where `isMainProcess()` is true; a task module that is also a client program
 * guards that program with `if (isMainProcess() && !isClusterHost())`.
 *
 * @module
 */

let host = false;

/**
 * Whether `serveCluster()` (or the `worker` CLI) runs in this program.
 *
 * @returns `true` in a worker host's main thread once it has started serving.
 * @example
 * ```ts
 * import { isClusterHost } from "./host_flag.ts";
 * console.log(isClusterHost()); // false
 * ```
 */
export function isClusterHost(): boolean {
  return host;
}

/**
 * Mark this program as a worker host (before it imports task modules).
 *
 * @example
 * ```ts ignore
 * markClusterHost();
 * ```
 */
export function markClusterHost(): void {
  host = true;
}
