/**
 * Errors across the worker boundary: a worker's error is encoded to plain
 * data and rebuilt in the main thread with its name, message and own
 * properties; built-in classes keep their class; the worker's stack becomes a
 * `RemoteError` set as `cause` (Python's `RemoteTraceback`). A class the
 * pool's module exports comes back as that class (see `error_classes.ts`).
 *
 * @module
 */
import { RemoteError } from "../errors.ts";
import { errorClass, type ErrorClassRef, exportedClassOf } from "./error_classes.ts";

/** An error as it travels. */
export interface WireError {
  /** The error's `name`. */
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  /** Constructor name when it is a built-in error class. */
  readonly builtin?: string;
  /** The export of the pool's module that is the error's class (or its nearest ancestor). */
  readonly exported?: ErrorClassRef;
  /** Own enumerable properties (cloneable ones; others as strings). */
  readonly props: Record<string, unknown>;
  /** A thrown value that is not an Error travels as itself. */
  readonly thrown?: { readonly value: unknown };
}

const BUILTINS: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const SKIPPED = new Set(["name", "message", "stack", "cause"]);

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/**
 * Encode any thrown value for the trip to the main thread.
 *
 * @param error What was thrown.
 * @param hint Extra text appended to the message (e.g. transport hints).
 * @returns Plain cloneable data.
 * @example
 * ```ts
 * import { encodeError } from "./error_codec.ts";
 * console.log(encodeError(new RangeError("bad")).builtin);
 * ```
 */
export function encodeError(error: unknown, hint?: string): WireError {
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      message: String(error),
      stack: String(error),
      props: {},
      thrown: { value: cloneable(error) },
    };
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (!SKIPPED.has(key)) {
      props[key] = cloneable((error as unknown as Record<string, unknown>)[key]);
    }
  }
  const ctor = error.constructor?.name;
  const message = hint === undefined ? error.message : `${error.message}${hint}`;
  return {
    name: error.name,
    message,
    stack: error.stack ?? `${error.name}: ${error.message}`,
    builtin: ctor !== undefined && ctor in BUILTINS ? ctor : undefined,
    exported: exportedClassOf(error),
    props,
  };
}

/**
 * Rebuild an error that came from a worker.
 *
 * @param wire The encoded error.
 * @returns An Error (of the built-in class when it was one, or of the class
 *   the pool's module exports, when known here) whose `cause` is a
 *   `RemoteError` with the worker's stack; or the thrown non-Error value.
 * @example
 * ```ts
 * import { decodeError, encodeError } from "./error_codec.ts";
 * const e = decodeError(encodeError(new TypeError("x"))) as Error;
 * console.log(e instanceof TypeError, e.cause);
 * ```
 */
export function decodeError(wire: WireError): unknown {
  if (wire.thrown !== undefined) return wire.thrown.value;
  const Ctor = wire.builtin === undefined ? Error : BUILTINS[wire.builtin] ?? Error;
  const Exported = wire.exported === undefined ? undefined : errorClass(wire.exported);
  // An instance of the exported class without running its constructor (whose
  // parameters are unknown here): Error's own construction with the class as
  // `new.target`; its fields come back from `props` below.
  const error: Error = Exported === undefined
    ? new Ctor(wire.message)
    : Reflect.construct(Error, [wire.message], Exported);
  Object.defineProperty(error, "cause", {
    value: new RemoteError(wire.stack),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  if (error.name !== wire.name) {
    Object.defineProperty(error, "name", { value: wire.name, writable: true, configurable: true });
  }
  Object.assign(error, wire.props);
  // JavaScriptCore (Bun) gives an Error built with another `new.target` no stack.
  if (error.stack === undefined) {
    const capture = (Error as { captureStackTrace?: (target: object) => void }).captureStackTrace;
    if (capture !== undefined) capture(error);
    else error.stack = `${wire.name}: ${wire.message}`;
  }
  return error;
}
