/**
 * Refuses to start workers where that would recurse without end: the
 * library's answer to CPython's "An attempt has been made to start a new
 * process before the current process has finished its bootstrapping phase".
 *
 * With `module: import.meta.url`, every worker imports the program's module.
 * A module that creates a pool or starts a `Process` at its top level, without
 * the `isMainProcess()` guard, would make each worker start more workers, each
 * of which imports the module again: a fork bomb. Two checks stop it:
 *
 * - while a worker imports its task module, creating a `Pool` or starting a
 *   `Process` throws (a pool created later, inside a task, is fine);
 * - workers are nested at most `MAX_NESTING` deep (a task that creates a pool
 *   that runs the same task, forever).
 *
 * The state lives on `globalThis` under a registered symbol, so that a second
 * copy of the library in the same worker (say, one from npm and one from JSR)
 * sees it too.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { getIdentity } from "./identity.ts";

/** How deep workers may be nested: a worker at this depth cannot start more. */
export const MAX_NESTING = 8;

interface GuardState {
  /** The task module this worker is importing now, if any. */
  importing?: string;
  /** How deep this worker is nested (0 in the main program). */
  depth: number;
}

const KEY = Symbol.for("@seed/multiprocessing.bootstrap");

function state(): GuardState {
  const g = globalThis as { [KEY]?: GuardState };
  return (g[KEY] ??= { depth: 0 });
}

/**
 * Mark this worker as importing its task module while `load` runs.
 *
 * @param module The module's URL (named in the error).
 * @param load Imports the module.
 * @returns What `load` returns.
 * @example
 * ```ts ignore
 * const ns = await whileImporting(url, () => import(url));
 * ```
 */
export async function whileImporting<T>(module: string, load: () => Promise<T>): Promise<T> {
  const s = state();
  const previous = s.importing;
  s.importing = module;
  try {
    return await load();
  } finally {
    s.importing = previous;
  }
}

/**
 * Record how deep this worker is nested (worker bootstrap only).
 *
 * @param depth 1 for a worker of the main program, 2 for a worker of that worker, ...
 * @example
 * ```ts ignore
 * setNestingDepth(data.depth ?? 1);
 * ```
 */
export function setNestingDepth(depth: number): void {
  state().depth = depth;
}

/**
 * The nesting depth the workers this code starts will have (for `workerData`).
 *
 * @returns This worker's depth plus one (1 in the main program).
 * @example
 * ```ts
 * import { childDepth } from "./bootstrap_guard.ts";
 * console.log(childDepth()); // 1 in the main program
 * ```
 */
export function childDepth(): number {
  return state().depth + 1;
}

/**
 * Throw when starting workers here would recurse: this worker is still
 * importing its task module, or workers are already nested `MAX_NESTING` deep.
 *
 * @param what `"create a pool"` or `"start process 'Process-1'"`, for the message.
 * @throws {ProcessError} Saying why, and that the fix is the `isMainProcess()` guard.
 * @example
 * ```ts
 * import { checkCanStartWorkers } from "./bootstrap_guard.ts";
 * checkCanStartWorkers("create a pool"); // fine in the main program
 * ```
 */
export function checkCanStartWorkers(what: string): void {
  const s = state();
  const me = getIdentity().name;
  if (s.importing !== undefined) {
    throw new ProcessError(
      `Cannot ${what} in ${me} while it is importing its task module ${s.importing}: ` +
        `an attempt has been made to start new workers before this worker has finished its ` +
        `bootstrapping phase. The module creates pools or processes when it is imported, so ` +
        `every worker that imports it would start more workers. Guard the module's main ` +
        `program with \`if (isMainProcess()) { ... }\` (import { isMainProcess } from ` +
        `"@seed/multiprocessing"), so that it runs in the main program only, not in the ` +
        `workers that import the module (\`import.meta.main\` is undefined on Node 20)`,
    );
  }
  if (s.depth >= MAX_NESTING) {
    throw new ProcessError(
      `Cannot ${what} in ${me}: workers are already nested ${s.depth} deep, the limit ` +
        `(${MAX_NESTING}). Pools or processes are being created recursively (a task that ` +
        `creates a pool that runs the same task, or a module without the ` +
        `\`if (isMainProcess())\` guard around its main program)`,
    );
  }
}
