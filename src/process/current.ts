/**
 * Who is running: `currentProcess()`, `parentProcess()` and `isMainProcess()`
 * (Python's `current_process()`, `parent_process()` and the
 * `if __name__ == "__main__"` guard).
 *
 * @module
 */
import process from "node:process";
import { inWorkerThread } from "../runtime/in_worker.ts";
import { isProcessAlive } from "../runtime/process_alive.ts";
import { getIdentity } from "./identity.ts";

/**
 * A running program or worker, as `currentProcess()` and `parentProcess()`
 * see it: the read-only part of a `Process` (Python's `current_process()`
 * and `parent_process()` objects).
 */
export interface ProcessInfo {
  /** `"MainProcess"`, `"Process-1"`, `"ThreadPoolWorker-3"`, `"ForkPoolWorker-2"`, ... */
  readonly name: string;
  /** OS process id (a thread worker shares its process's); undefined when unknown. */
  readonly pid: number | undefined;
  /** The pid, or the thread id in a thread worker. */
  readonly ident: number | undefined;
  /** Whether it is a daemon (pool workers are). */
  readonly daemon: boolean;
  /** Its exit code: null, since it is still running. */
  readonly exitcode: number | null;
  /**
   * Whether it is still running: always true for `currentProcess()`; for
   * `parentProcess()`, whether the parent process still exists.
   *
   * @returns True while it runs.
   */
  isAlive(): boolean;
}

function info(
  name: string,
  pid: number | undefined,
  ident: number | undefined,
  daemon: boolean,
  isAlive: () => boolean,
): ProcessInfo {
  const idText = ident === undefined ? "" : ` ${ident === pid ? "pid" : "ident"}=${ident}`;
  return Object.freeze({
    name,
    pid,
    ident,
    daemon,
    exitcode: null,
    isAlive,
    toString: () => `<Process name='${name}'${idText} started${daemon ? " daemon" : ""}>`,
  });
}

/**
 * The program or worker running this code (Python's `current_process()`).
 *
 * @returns Its name, pid, ident and daemon flag; `isAlive()` is true and
 *   `exitcode` null, as for a running `Process`.
 * @example
 * ```ts
 * import { currentProcess } from "./current.ts";
 * const me = currentProcess();
 * console.log(me.name, me.isAlive()); // "MainProcess" true, in the program itself
 * ```
 */
export function currentProcess(): ProcessInfo {
  const id = getIdentity();
  const ident = id.context === "thread" ? id.threadId ?? id.pid : id.pid;
  return info(id.name, id.pid, ident, id.daemon ?? id.role === "pool", () => true);
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
  const pid = id.parentPid ?? (id.context === "process" ? process.ppid : id.pid);
  const alive = (): boolean => pid === id.pid || isProcessAlive(pid);
  return info(id.parentName ?? "MainProcess", pid, pid, false, alive);
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
