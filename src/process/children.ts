/**
 * The registry of this program's started, still running `Process` objects
 * (Python's `active_children()`).
 *
 * @module
 */

const running = new Set<object>();

/**
 * Record a started process (called by `Process.start()`).
 *
 * @param child The process object.
 * @example
 * ```ts ignore
 * addChild(this);
 * ```
 */
export function addChild(child: object): void {
  running.add(child);
}

/**
 * Forget a process that has ended (called when its exit is reported).
 *
 * @param child The process object.
 * @example
 * ```ts ignore
 * removeChild(this);
 * ```
 */
export function removeChild(child: object): void {
  running.delete(child);
}

/**
 * The `Process` objects this program started that have not ended yet
 * (Python's `multiprocessing.active_children()`).
 *
 * @returns A new array, in start order.
 * @example
 * ```ts
 * import { activeChildren } from "./children.ts";
 * console.log(activeChildren().length);
 * ```
 */
export function activeChildren<T = object>(): T[] {
  return [...running] as T[];
}
