/**
 * Worker side of function transport: compile functions sent by source text
 * (cached by id) and look up functions exported by the pool's module.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { whileImporting } from "../process/bootstrap_guard.ts";
import { indexErrorClasses } from "../transport/error_classes.ts";
import type { FunctionRef } from "../transport/protocol.ts";

/** A function the worker can call. */
export type AnyFunction = (...args: unknown[]) => unknown;

let moduleExports: Record<string, unknown> | undefined;
/**
 * The module's exported functions by their own name and source text, so that
 * one exported under another name (`export { impl as fileLength }`) is found
 * too: the main thread sends a function's own name (`impl`) and source.
 */
let exportsBySource: Map<string, AnyFunction> | undefined;

function sourceKey(name: string, source: string): string {
  return `${name}\0${source}`;
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
 * Source compiled by esbuild with `keepNames` (tsx, which runs TypeScript on
 * Node 20) calls a `__name(fn, "name")` helper that lives in the original
 * module; compiled functions get their own.
 */
function keepName<F>(fn: F, name: string): F {
  return Object.defineProperty(fn, "name", { value: name, configurable: true });
}

/**
 * Find the function behind a source-text entry: the pool module's export of
 * that name when its source is identical (called by reference, so it may use
 * imports and helpers), else the source compiled on its own. Compilation
 * handles declarations, arrows, async/generator functions and method
 * shorthand (`name(x) { ... }`).
 *
 * @param name The function's name (for method shorthand and messages).
 * @param source Its source text.
 * @returns The function.
 * @throws {TypeError} When the source does not compile to a function.
 * @example
 * ```ts
 * import { compileFunction } from "./functions.ts";
 * console.log(compileFunction("sq", "(x) => x * x")(3));
 * ```
 */
export function compileFunction(name: string, source: string): AnyFunction {
  const exported = exportsBySource?.get(sourceKey(name, source));
  if (exported !== undefined) return exported;
  let fn: unknown;
  try {
    fn = new Function("__name", `return (${source});`)(keepName);
  } catch (first) {
    try {
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
 * Import the pool's (or process's) module once, so its exports can be called
 * by reference and its exported error classes revived. While it is imported,
 * creating a pool or starting a process here throws (see `bootstrap_guard.ts`).
 *
 * @param specifier Module URL.
 * @param owner Whose module it is, for the message: `"pool"` (default) or `"process"`.
 * @returns Nothing; afterwards `exportedFunction` can find exports.
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
  moduleExports = namespace;
  exportsBySource = indexExports(namespace);
  indexErrorClasses(specifier, namespace);
}

/**
 * A function exported by the loaded module.
 *
 * @param name Export name.
 * @returns The function.
 * @throws {TypeError} When the module has no such exported function.
 * @example
 * ```ts ignore
 * const fn = exportedFunction("square");
 * ```
 */
export function exportedFunction(name: string): AnyFunction {
  const fn = moduleExports?.[name];
  if (typeof fn !== "function") {
    throw new TypeError(
      moduleExports === undefined
        ? `Cannot call '${name}' by reference: the pool has no 'module'`
        : `Cannot call '${name}' by reference: the module exports no function of that name`,
    );
  }
  return fn as AnyFunction;
}

/**
 * Resolve an initializer or Process target.
 *
 * @param ref How to find it.
 * @returns The function.
 * @example
 * ```ts
 * import { resolveFunction } from "./functions.ts";
 * resolveFunction({ kind: "source", name: "f", source: "() => 1" });
 * ```
 */
export function resolveFunction(ref: FunctionRef): AnyFunction {
  return ref.kind === "source" ? compileFunction(ref.name, ref.source) : exportedFunction(ref.name);
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
