/**
 * Functions by reference, one mechanism for every function that goes to a
 * worker: a pool's task functions and initializer, a `Process` target and a
 * `Barrier` action.
 *
 * A function travels as its own name and source text (`functionRef()`, or
 * `sourceFunction()` with an id for the pool's per-worker table). The worker
 * (`resolveFunction()`) calls the export of the loaded module (the pool's or
 * process's `module`) that has that same name and source, so an exported
 * function may use imports and helpers; any other function is compiled from
 * its source on its own. The sender never imports that module: in a program
 * that uses top-level `await`, it is the main module, still evaluating, and
 * awaiting its import would never end.
 *
 * A function compiled from its source must be self-contained. What that text
 * holds depends on the runtime's transpiler: Bun inlines a block-scoped
 * `const` with a primitive value (`const factor = 3; (x) => x * factor`
 * becomes `(x) => x * 3`), so a closure over it runs on Bun and fails with a
 * `ReferenceError` on Node and Deno. Pass such values as arguments instead.
 *
 * @module
 */
import { describe } from "../args.ts";
import { ProcessError } from "../errors.ts";
import { whileImporting } from "../process/bootstrap_guard.ts";
import { indexErrorClasses } from "../transport/error_classes.ts";
import type { FunctionRef, SourceFunction } from "../transport/protocol.ts";

/** Any function that may be sent to a worker. */
// deno-lint-ignore no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

const sent = new WeakMap<object, SourceFunction>();
let nextId = 1;

/**
 * The loaded module's exported functions by their own name and source text,
 * so that one exported under another name (`export { impl as fileLength }`)
 * is found too: the sender only knows a function's own name (`impl`).
 */
let exportsBySource: Map<string, AnyFunction> | undefined;

function sourceKey(name: string, source: string): string {
  return `${name}\0${source}`;
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
 * import { assertFunction } from "./functions.ts";
 * assertFunction(() => 1, "Cannot submit task", "fn");
 * ```
 */
export function assertFunction(fn: unknown, what: string, role: string): asserts fn is AnyFunction {
  if (typeof fn !== "function") {
    throw new TypeError(`${what}: '${role}' must be a function, received ${describe(fn)}`);
  }
}

/**
 * What `fn` travels as, with an id for the pool's per-worker table (cached
 * per function object, so a function is checked and numbered once).
 *
 * @param fn The function.
 * @returns `[id, name, source]` (the source as this runtime's `toString()`
 *   gives it: on Bun, with block-scoped primitive constants inlined).
 * @throws {TypeError} For native, bound and class functions, which have no
 *   usable source text.
 * @example
 * ```ts
 * import { sourceFunction } from "./functions.ts";
 * console.log(sourceFunction((x: number) => x + 1)[2]);
 * ```
 */
export function sourceFunction(fn: AnyFunction): SourceFunction {
  let entry = sent.get(fn);
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
  sent.set(fn, entry);
  return entry;
}

/**
 * What `fn` travels as: its name and source text.
 *
 * @param fn The function.
 * @returns The reference for a worker's start data or a shared object's marker.
 * @throws {TypeError} As `sourceFunction()` does.
 * @example
 * ```ts
 * import { functionRef } from "./functions.ts";
 * console.log(functionRef(function square(x: number) { return x * x; }).name); // "square"
 * ```
 */
export function functionRef(fn: AnyFunction): FunctionRef {
  const [, name, source] = sourceFunction(fn);
  return { name, source };
}

/**
 * Source compiled by esbuild with `keepNames` (tsx, which runs TypeScript on
 * Node 20) calls a `__name(fn, "name")` helper that lives in the original
 * module; compiled functions get their own.
 */
function keepName<F>(fn: F, name: string): F {
  return Object.defineProperty(fn, "name", { value: name, configurable: true });
}

function compile(name: string, source: string): AnyFunction {
  let fn: unknown;
  try {
    fn = new Function("__name", `return (${source});`)(keepName);
  } catch (first) {
    try {
      // Method shorthand (`name(x) { ... }`) is not an expression on its own.
      fn = new Function("__name", `return ({ ${source} })[${JSON.stringify(name)}];`)(keepName);
    } catch {
      throw new TypeError(
        `Cannot compile function '${name}' in the worker: ${(first as Error).message}`,
      );
    }
  }
  if (typeof fn !== "function") {
    throw new TypeError(`Source of '${name}' did not evaluate to a function`);
  }
  return fn as AnyFunction;
}

/**
 * In the worker: the function behind a reference. The loaded module's export
 * with the same name and source when there is one (called by reference, so
 * it may use imports and helpers), else the source compiled on its own
 * (declarations, arrows, async and generator functions, method shorthand).
 *
 * @param ref The function's name and source text.
 * @returns The function.
 * @throws {TypeError} When the source does not compile to a function.
 * @example
 * ```ts
 * import { resolveFunction } from "./functions.ts";
 * console.log(resolveFunction({ name: "sq", source: "(x) => x * x" })(3)); // 9
 * ```
 */
export function resolveFunction(ref: FunctionRef): AnyFunction {
  return exportsBySource?.get(sourceKey(ref.name, ref.source)) ?? compile(ref.name, ref.source);
}

function indexExports(namespace: Record<string, unknown>): Map<string, AnyFunction> {
  const index = new Map<string, AnyFunction>();
  for (const value of Object.values(namespace)) {
    if (typeof value !== "function") continue;
    let source: string;
    try {
      source = Function.prototype.toString.call(value);
    } catch {
      continue;
    }
    const key = sourceKey(value.name, source);
    if (!index.has(key)) index.set(key, value as AnyFunction);
  }
  return index;
}

/**
 * In the worker: import the pool's (or process's) module once, so that
 * `resolveFunction()` finds its exports and its exported error classes are
 * revived. While it is imported, creating a pool or starting a process here
 * throws (see `bootstrap_guard.ts`).
 *
 * @param specifier Module URL.
 * @param owner Whose module it is, for the message: `"pool"` (default) or `"process"`.
 * @returns Resolves once the module is imported and indexed.
 * @throws {ProcessError} "Cannot import the pool's module <url>: <reason>", with
 *   the import's error as `cause` and the URL as `module`.
 * @example
 * ```ts ignore
 * await loadModule(import.meta.url, "pool");
 * ```
 */
export async function loadModule(
  specifier: string,
  owner: "pool" | "process" = "pool",
): Promise<void> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await whileImporting(specifier, () => import(specifier));
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw Object.assign(
      new ProcessError(`Cannot import the ${owner}'s module ${specifier}: ${reason}`, {
        cause: error,
      }),
      { module: specifier },
    );
  }
  exportsBySource = indexExports(namespace);
  indexErrorClasses(specifier, namespace);
}

/**
 * The hint appended to a `ReferenceError` raised by a function sent by source.
 *
 * @param name The function's name.
 * @returns Text to append to the error message.
 * @example
 * ```ts
 * import { closureHint } from "./functions.ts";
 * console.log(closureHint("work"));
 * ```
 */
export function closureHint(name: string): string {
  return ` (in '${name || "anonymous"}', which was sent to the worker by source text: such ` +
    `functions must be self-contained, without closures over outer variables or imports; ` +
    `pass values as arguments, or export the function and create the pool with ` +
    `{ module: import.meta.url })`;
}
