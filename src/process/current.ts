/**
 * Who is running: `currentProcess()`, `parentProcess()` and `isMainProcess()`
 * (Python's `current_process()`, `parent_process()` and the
 * `if __name__ == "__main__"` guard).
 *
 * @module
 */
import { inWorkerThread } from "../runtime/in_worker.ts";
import { getIdentity } from "./identity.ts";

/** A description of a running program or worker. */
export interface ProcessInfo {
  /** `"MainProcess"`, `"Process-1"`, `"ThreadPoolWorker-3"`, `"ForkPoolWorker-2"`, ... */
  readonly name: string;
  /** OS pid (main program and process context); undefined in a thread worker. */
  readonly pid: number | undefined;
  /** The pid, or the thread id in a thread worker. */
  readonly ident: number | undefined;
  /** Whether it is a daemon (pool workers are). */
  readonly daemon: boolean;
}

interface ProcessGlobal {
  pid?: number;
  ppid?: number;
}

function osProcess(): ProcessGlobal | undefined {
  return (globalThis as { process?: ProcessGlobal }).process;
}

/**
 * The program or worker running this code (Python's `current_process()`).
 *
 * @returns Its name, pid, ident and daemon flag.
 * @example
 * ```ts
 * import { currentProcess } from "./current.ts";
 * console.log(currentProcess().name); // "MainProcess" in the program itself
 * ```
 */
export function currentProcess(): ProcessInfo {
  const id = getIdentity();
  return Object.freeze({
    name: id.name,
    pid: id.pid,
    ident: id.pid ?? id.threadId,
    daemon: id.daemon ?? id.role === "pool",
  });
}

/**
 * The parent of this worker (Python's `parent_process()`); null in the main program.
 *
 * @returns The parent's name and pid, or null.
 * @example
 * ```ts
 * import { parentProcess } from "./current.ts";
 * console.log(parentProcess()); // null in the program itself
 * ```
 */
export function parentProcess(): ProcessInfo | null {
  const id = getIdentity();
  if (id.role === "main") return null;
  const pid = id.parentPid ?? (id.context === "process" ? osProcess()?.ppid : osProcess()?.pid);
  return Object.freeze({ name: id.parentName ?? "MainProcess", pid, ident: pid, daemon: false });
}

/**
 * Whether this code runs in the program's main thread of the main process:
 * the guard for code that must not run again in workers (Python's
 * `if __name__ == "__main__"`). Prefer it to `import.meta.main`, which is
 * `undefined` on Node 20 (the guarded program would silently not run).
 *
 * @returns True only in the main program, never in a pool worker or `Process`.
 * @example
 * ```ts
 * import { isMainProcess } from "./current.ts";
 * if (isMainProcess()) console.log("main program");
 * ```
 */
export function isMainProcess(): boolean {
  return getIdentity().role === "main" && !inWorkerThread();
}
