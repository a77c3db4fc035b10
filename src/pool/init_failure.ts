/**
 * What a pool reports when a worker could not get ready: its module could not
 * be imported, or its initializer threw.
 *
 * @module
 */
import type { WireError } from "../transport/error_codec.ts";

/**
 * The message of the error that breaks a pool whose worker failed to start.
 * A failed import of the pool's module already says so ("Cannot import the
 * pool's module ...", from the worker's `loadModule`); anything else came
 * from the initializer.
 *
 * @param wire The worker's error.
 * @returns The message for the pool's `ProcessError`.
 * @example
 * ```ts
 * import { initFailureMessage } from "./init_failure.ts";
 * console.log(initFailureMessage({ name: "Error", message: "boom", stack: "", props: {} }));
 * // "Pool initializer failed: boom"
 * ```
 */
export function initFailureMessage(wire: WireError): string {
  const importFailed = wire.name === "ProcessError" && typeof wire.props.module === "string" &&
    wire.message.startsWith("Cannot import the pool's module ");
  return importFailed ? wire.message : `Pool initializer failed: ${wire.message}`;
}
