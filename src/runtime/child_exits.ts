/**
 * Which child processes of this process are alive, by pid, and a hook for
 * when one ends: what the served-object registry (`src/transport/leases.ts`)
 * needs to release what only a dead child could use. `child_process.ts`
 * reports starts and ends; nothing here touches a runtime API.
 *
 * @module
 */

const live = new Set<number>();
const listeners = new Set<(pid: number) => void>();

/**
 * Record that the child with `pid` is running (called by the process adapter).
 *
 * @param pid Its OS pid.
 * @example
 * ```ts
 * import { childStarted, isLiveChild } from "./child_exits.ts";
 * childStarted(12345);
 * console.log(isLiveChild(12345)); // true
 * ```
 */
export function childStarted(pid: number): void {
  live.add(pid);
}

/**
 * Record that the child with `pid` has ended, after its last message was
 * delivered, and tell the listeners.
 *
 * @param pid Its OS pid.
 * @example
 * ```ts
 * import { childEnded, childStarted, isLiveChild } from "./child_exits.ts";
 * childStarted(12346);
 * childEnded(12346);
 * console.log(isLiveChild(12346)); // false
 * ```
 */
export function childEnded(pid: number): void {
  if (!live.delete(pid)) return;
  for (const listener of listeners) listener(pid);
}

/**
 * Whether `pid` is a child of this process that has not ended.
 *
 * @param pid A pid.
 * @returns True while that child runs.
 * @example
 * ```ts
 * import { isLiveChild } from "./child_exits.ts";
 * console.log(isLiveChild(-1)); // false
 * ```
 */
export function isLiveChild(pid: number): boolean {
  return live.has(pid);
}

/**
 * Call `listener(pid)` whenever a child ends.
 *
 * @param listener Receives the ended child's pid.
 * @example
 * ```ts
 * import { onChildEnded } from "./child_exits.ts";
 * onChildEnded((pid) => console.log(`child ${pid} ended`));
 * ```
 */
export function onChildEnded(listener: (pid: number) => void): void {
  listeners.add(listener);
}
