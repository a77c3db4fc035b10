/**
 * Errors through Redis. A host's local pool hands back an error already rebuilt
 * (its class when the module exports it, the worker's stack in a `RemoteError`
 * cause); this re-encodes it as JSON for the client, naming its class by module
 * key and export name, and the client rebuilds it against its own copy of the
 * module. So an error keeps its class and remote stack across machines, as it
 * does across threads.
 *
 * @module
 */
import { RemoteError } from "../errors.ts";
import { decodeError, encodeError, type WireError } from "../transport/error_codec.ts";

/** Exported error classes of one module, found by walking the prototype chain. */
function exportedClass(
  error: Error,
  namespace: Record<string, unknown>,
): string | undefined {
  for (
    let proto = Object.getPrototypeOf(error);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (ctor === Error) return undefined;
    for (const [name, value] of Object.entries(namespace)) if (value === ctor) return name;
  }
  return undefined;
}

/**
 * Host side: encode an error a local pool gave back (or the host raised) as JSON-safe data.
 *
 * @param error What was thrown.
 * @param key The module's key, for its exported classes.
 * @param namespace The module's exports.
 * @returns The wire form; its `stack` is the worker's when the error came from one.
 * @example
 * ```ts
 * import { errorToWire } from "./wire.ts";
 * console.log(errorToWire(new RangeError("x"), "tasks", {}).builtin); // "RangeError"
 * ```
 */
export function errorToWire(
  error: unknown,
  key: string,
  namespace: Record<string, unknown>,
): WireError {
  const wire = encodeError(error);
  if (!(error instanceof Error)) return JSON.parse(JSON.stringify(wire)) as WireError;
  const cause = error.cause;
  const stack = cause instanceof RemoteError ? cause.remoteStack : wire.stack;
  const name = exportedClass(error, namespace);
  const exported = name === undefined ? undefined : { module: key, name };
  // JSON drops what it cannot carry (functions, symbols); a cycle becomes a string.
  let props: Record<string, unknown>;
  try {
    props = JSON.parse(JSON.stringify(wire.props)) as Record<string, unknown>;
  } catch {
    props = {};
  }
  return { ...wire, stack, exported, props };
}

/**
 * Client side: rebuild an error from a host.
 *
 * @param wire The wire form.
 * @param modules The client's module URL for each module key.
 * @returns The error (its class when the client's module exports it), with a
 *   `RemoteError` cause holding the remote stack.
 * @example
 * ```ts
 * import { errorFromWire, errorToWire } from "./wire.ts";
 * const e = errorFromWire(errorToWire(new TypeError("x"), "tasks", {}), new Map());
 * console.log(e instanceof TypeError); // true
 * ```
 */
export function errorFromWire(wire: WireError, modules: ReadonlyMap<string, string>): unknown {
  const module = wire.exported === undefined ? undefined : modules.get(wire.exported.module);
  const exported = module === undefined ? undefined : { module, name: wire.exported!.name };
  return decodeError({ ...wire, exported });
}
