/**
 * Decoding task arguments in a worker, loading the shareable classes (locks,
 * queues, shared values and their revivers) only when an argument needs
 * them. Most pools never send one, and loading those ~40 modules up front
 * was most of a worker's start-up time.
 *
 * @module
 */
import { decodeShared, MissingReviverError } from "../transport/shareable.ts";

let loading: Promise<unknown> | undefined;

/**
 * Load every module that registers a reviver (once).
 *
 * @returns Resolves when they are registered.
 * @example
 * ```ts ignore
 * await loadRevivers();
 * ```
 */
export function loadRevivers(): Promise<unknown> {
  return loading ??= import("../transport/revivers.ts");
}

/**
 * `decodeShared()`, loading the revivers first when the value holds a marker
 * whose class is not loaded yet: synchronous in the common case, a promise
 * only then.
 *
 * @param value A value received from the parent.
 * @returns The decoded value, or a promise of it.
 * @example
 * ```ts ignore
 * let args = decodeArgs(payload);
 * if (args instanceof Promise) args = await args;
 * ```
 */
export function decodeArgs(value: unknown): unknown {
  try {
    return decodeShared(value);
  } catch (error) {
    if (!(error instanceof MissingReviverError)) throw error;
    return loadRevivers().then(() => decodeShared(value));
  }
}
