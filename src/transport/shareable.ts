/**
 * Objects that cross to workers as live handles rather than copies
 * (locks, queues, shared values, ...).
 *
 * A class opts in by implementing `[SHAREABLE]()`, which returns the state the
 * other side needs, and by registering a reviver for its tag with
 * `registerReviver()` at module load. `encodeShared()` replaces such objects
 * (also nested in arrays and plain objects) by markers before a message is
 * posted; `decodeShared()` turns markers back into live objects in the worker.
 *
 * @module
 */

/** Method key a shareable class implements. */
export const SHAREABLE: unique symbol = Symbol.for("@seed/multiprocessing.shareable");

/** The marker that travels in place of a shareable object. */
export interface SharedMarker {
  readonly __mpShared: string;
  readonly state: unknown;
}

/** An object that can cross to a worker as a live handle. */
export interface Shareable {
  /**
   * The tag its reviver is registered under, and the state the other side
   * needs. `context` says where it goes: `"thread"` may carry a
   * `SharedArrayBuffer`; `"process"` can't (serve the state over RPC instead).
   */
  [SHAREABLE](context: Context): SharedMarker;
}

import type { Context } from "../runtime/types.ts";

const revivers = new Map<string, (state: unknown) => unknown>();

/**
 * A marker arrived whose tag has no registered reviver: the module of that
 * class has not been loaded on this side (workers load them on first need).
 *
 * @example
 * ```ts
 * import { decodeShared, MissingReviverError } from "./shareable.ts";
 * try {
 *   decodeShared({ __mpShared: "Nope", state: 0 });
 * } catch (error) {
 *   console.log(error instanceof MissingReviverError); // true
 * }
 * ```
 */
export class MissingReviverError extends TypeError {
  /** The marker's tag. */
  readonly tag: string;

  /** @param tag The tag nobody registered. */
  constructor(tag: string) {
    super(`Cannot revive shared object: no reviver registered for '${tag}'`);
    this.name = "MissingReviverError";
    this.tag = tag;
  }
}

/**
 * Register how to revive objects of one tag on the receiving side.
 *
 * @param tag The `__mpShared` tag.
 * @param revive Builds a live object from the marker's state.
 * @example
 * ```ts
 * import { registerReviver } from "./shareable.ts";
 * registerReviver("Example", (state) => ({ state }));
 * ```
 */
export function registerReviver(tag: string, revive: (state: unknown) => unknown): void {
  revivers.set(tag, revive);
}

function isShareable(value: object): value is Shareable {
  return typeof (value as Partial<Shareable>)[SHAREABLE] === "function";
}

/**
 * Built-in objects that structured clone copies as what they are. An instance
 * of any other class would arrive as a plain object without its class,
 * methods and `#private` fields, so it is refused rather than silently
 * changed.
 */
function clonesFaithfully(value: object): boolean {
  return value instanceof Date || value instanceof RegExp || value instanceof Map ||
    value instanceof Set || value instanceof ArrayBuffer || ArrayBuffer.isView(value) ||
    value instanceof Error || value instanceof Boolean || value instanceof Number ||
    value instanceof String || (typeof SharedArrayBuffer === "function" &&
      value instanceof SharedArrayBuffer) ||
    (typeof Blob === "function" && value instanceof Blob) ||
    // A port only ever moves (a `Transfer` lists it); a child process rejects it when sending.
    (typeof MessagePort === "function" && value instanceof MessagePort);
}

function classInstanceError(value: object): TypeError {
  const name = (value as { constructor?: { name?: string } }).constructor?.name || "an object";
  return new TypeError(
    `Cannot send an instance of ${name} to a worker: structured clone would drop its class, ` +
      `methods and #private fields. Send plain data (e.g. an object of its fields) and rebuild ` +
      `it in the task`,
  );
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Replace shareable objects by markers, recursively through arrays and plain
 * objects. Returns the input itself when nothing needed replacing.
 *
 * @param value Any value about to be posted.
 * @param context Where it is going.
 * @returns The value to post.
 * @example
 * ```ts
 * import { encodeShared } from "./shareable.ts";
 * encodeShared([1, { a: 2 }], "thread");
 * ```
 */
export function encodeShared(value: unknown, context: Context): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isShareable(value)) return value[SHAREABLE](context);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const e = encodeShared(v, context);
      if (e !== v) {
        out ??= value.slice();
        out[i] = e;
      }
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) {
    if (!clonesFaithfully(value)) throw classInstanceError(value);
    return value;
  }
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const e = encodeShared(v, context);
    if (e !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = e;
    }
  }
  return out ?? value;
}

/**
 * Turn markers back into live objects, recursively. Returns the input itself
 * when it held no markers.
 *
 * @param value A value received from the other side.
 * @returns The value with live objects in place of markers.
 * @throws {MissingReviverError} When a marker's tag has no registered reviver.
 * @example
 * ```ts
 * import { decodeShared } from "./shareable.ts";
 * decodeShared([1, 2]);
 * ```
 */
export function decodeShared(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const d = decodeShared(v);
      if (d !== v) {
        out ??= value.slice();
        out[i] = d;
      }
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  const tag = (value as Partial<SharedMarker>).__mpShared;
  if (typeof tag === "string") {
    const revive = revivers.get(tag);
    if (revive === undefined) throw new MissingReviverError(tag);
    return revive((value as SharedMarker).state);
  }
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const d = decodeShared(v);
    if (d !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = d;
    }
  }
  return out ?? value;
}
