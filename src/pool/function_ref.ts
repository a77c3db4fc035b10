/**
 * Main side of function transport: turns a function into what travels
 * (a cached source-text entry, or an export name of the pool's module) and
 * refuses functions that cannot travel, saying why.
 *
 * A function sent by source text must be self-contained: the worker compiles
 * `fn.toString()` with nothing around it. What that text holds depends on the
 * runtime's transpiler: Bun inlines a block-scoped `const` with a primitive
 * value (`const factor = 3; (x) => x * factor` becomes `(x) => x * 3`), so a
 * closure over it runs on Bun and fails with a `ReferenceError` on Node and
 * Deno. Pass such values as arguments instead.
 *
 * @module
 */
import type { FunctionRef, SourceFunction } from "../transport/protocol.ts";

/** Any function that may be sent to a worker. */
// deno-lint-ignore no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

const cache = new WeakMap<object, SourceFunction>();
let nextId = 1;

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : String(value);
}

/**
 * Check that `fn` is a function.
 *
 * @param fn The value.
 * @param what What is being done, for the message.
 * @param role The argument's name.
 * @throws {TypeError} When it is not a function.
 * @example
 * ```ts
 * import { assertFunction } from "./function_ref.ts";
 * assertFunction(() => 1, "Cannot submit task", "fn");
 * ```
 */
export function assertFunction(fn: unknown, what: string, role: string): asserts fn is AnyFunction {
  if (typeof fn !== "function") {
    throw new TypeError(`${what}: '${role}' must be a function, received ${describe(fn)}`);
  }
}

/**
 * The source-text entry of a function (cached per function object).
 *
 * @param fn The function.
 * @returns `[id, name, source]` (the source as this runtime's `toString()`
 *   gives it: on Bun, with block-scoped primitive constants inlined).
 * @throws {TypeError} For native, bound and class functions, which have no
 *   usable source text.
 * @example
 * ```ts
 * import { sourceFunction } from "./function_ref.ts";
 * console.log(sourceFunction((x: number) => x + 1)[2]);
 * ```
 */
export function sourceFunction(fn: AnyFunction): SourceFunction {
  let entry = cache.get(fn);
  if (entry !== undefined) return entry;
  const source = Function.prototype.toString.call(fn);
  const name = fn.name;
  if (source.includes("[native code]")) {
    const kind = name.startsWith("bound ") ? "a bound function" : "a native function";
    throw new TypeError(
      `Cannot send '${name || "anonymous"}' to a worker: it is ${kind}, which has no source ` +
        `text. Pass a self-contained function instead (e.g. (x) => Math.sqrt(x)), and pass ` +
        `bound values as arguments`,
    );
  }
  if (/^class\b/.test(source)) {
    throw new TypeError(
      `Cannot send '${name}' to a worker: it is a class; pass a function that constructs it`,
    );
  }
  entry = [nextId++, name, source];
  cache.set(fn, entry);
  return entry;
}

/**
 * How a worker finds `fn`: by export name when `exportsByFunction` knows it,
 * else by source text.
 *
 * @param fn The function.
 * @param exportsByFunction Export names of the pool's module, by function.
 * @returns A function reference for `workerData`.
 * @example
 * ```ts
 * import { functionRef } from "./function_ref.ts";
 * console.log(functionRef(() => 1).kind); // "source"
 * ```
 */
export function functionRef(
  fn: AnyFunction,
  exportsByFunction?: Map<AnyFunction, string>,
): FunctionRef {
  const name = exportsByFunction?.get(fn);
  if (name !== undefined) return { kind: "export", name };
  const [, fnName, source] = sourceFunction(fn);
  return { kind: "source", name: fnName, source };
}
