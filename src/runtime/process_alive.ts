/**
 * Whether a process is still running (signal 0: checks, sends nothing).
 * `process.kill(pid, 0)` behaves alike on Deno, Bun and Node.
 *
 * @module
 */
import process from "node:process";

/**
 * Whether the process `pid` is still running.
 *
 * @param pid An OS process id.
 * @returns False only when the process certainly does not exist (`ESRCH`).
 * @example
 * ```ts
 * import process from "node:process";
 * import { isProcessAlive } from "./process_alive.ts";
 * console.log(isProcessAlive(process.pid)); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ESRCH";
  }
}
