/**
 * Error classes exported by a pool's module, so that an error a task throws
 * arrives in the main thread as an instance of its own class (Python pickles
 * exceptions by reference to their class in the same way).
 *
 * - In the worker, `indexErrorClasses()` records the module's exported error
 *   classes once the module is imported; `exportedClassOf()` then names the
 *   export of a thrown error's class (or of its nearest exported ancestor).
 * - In the main thread, `preloadErrorClasses()` imports the module in the
 *   background (never awaited: awaiting the import of a module that is still
 *   running its top-level `await` would deadlock); `errorClass()` finds the
 *   class once that import has finished. A main module that is still inside
 *   its top-level `await` has not finished, so its classes are not found
 *   until it has: put them in a module the program imports, or run the main
 *   program from a function (`if (isMainProcess()) main();`).
 *
 * @module
 */

/** Where a revivable error class lives: an export of a module. */
export interface ErrorClassRef {
  /** The module's URL (the pool's `module`). */
  readonly module: string;
  /** The export name of the class. */
  readonly name: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Worker side: exported error classes, by class, with their module and export name. */
const exported = new Map<unknown, ErrorClassRef>();
/** Main side: namespaces of modules whose background import has finished. */
const namespaces = new Map<string, Record<string, unknown>>();
const loading = new Set<string>();

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === "function" &&
    (value === Error || (value as { prototype?: unknown }).prototype instanceof Error);
}

/**
 * Worker side: remember the error classes `namespace` exports.
 *
 * @param module The module's URL.
 * @param namespace Its namespace object.
 * @example
 * ```ts
 * import { indexErrorClasses } from "./error_classes.ts";
 * class QuotaError extends Error {}
 * indexErrorClasses("file:///tasks.ts", { QuotaError });
 * ```
 */
export function indexErrorClasses(module: string, namespace: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(namespace)) {
    if (isErrorClass(value) && value !== Error && !exported.has(value)) {
      exported.set(value, { module, name });
    }
  }
}

/**
 * Worker side: the export of `error`'s class, or of its nearest exported ancestor class.
 *
 * @param error A thrown error.
 * @returns The module and export name, or undefined when no class in its chain is exported.
 * @example
 * ```ts
 * import { exportedClassOf } from "./error_classes.ts";
 * console.log(exportedClassOf(new Error("x"))); // undefined
 * ```
 */
export function exportedClassOf(error: Error): ErrorClassRef | undefined {
  if (exported.size === 0) return undefined;
  let proto: unknown = Object.getPrototypeOf(error);
  while (proto !== null && proto !== Error.prototype && typeof proto === "object") {
    const ref = exported.get((proto as { constructor?: unknown }).constructor);
    if (ref !== undefined) return ref;
    proto = Object.getPrototypeOf(proto);
  }
  return undefined;
}

/**
 * Main side: start importing `module` in the background (once), so that
 * errors of its exported classes can be revived as those classes. A failed
 * import is ignored (errors then arrive as plain `Error`s, as without it).
 *
 * @param module The pool's module URL.
 * @example
 * ```ts ignore
 * preloadErrorClasses(import.meta.url);
 * ```
 */
export function preloadErrorClasses(module: string): void {
  if (loading.has(module)) return;
  loading.add(module);
  import(module).then(
    (namespace: Record<string, unknown>) => namespaces.set(module, namespace),
    () => {},
  );
}

/**
 * Main side: the class `ref` names, once its module's background import has finished.
 *
 * @param ref Module and export name, as the worker sent them.
 * @returns The class, or undefined when it is not (yet) known here.
 * @example
 * ```ts
 * import { errorClass } from "./error_classes.ts";
 * console.log(errorClass({ module: "file:///nowhere.ts", name: "X" })); // undefined
 * ```
 */
export function errorClass(ref: ErrorClassRef): ErrorClass | undefined {
  const value = namespaces.get(ref.module)?.[ref.name];
  return isErrorClass(value) ? value : undefined;
}
