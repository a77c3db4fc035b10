/**
 * Python's `exitcode` from how a worker ended: the exit code, or `-N` when
 * signal N ended it.
 *
 * @module
 */
import { constants } from "node:os";
import type { ExitInfo } from "../runtime/types.ts";

const FALLBACK: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGHUP: 1 };

/**
 * The number of a signal by name.
 *
 * @param signal A name such as `"SIGKILL"`.
 * @returns Its number (15 for an unknown name, as if terminated).
 * @example
 * ```ts
 * import { signalNumber } from "./exit_code.ts";
 * console.log(signalNumber("SIGKILL")); // 9
 * ```
 */
export function signalNumber(signal: string): number {
  const table = constants?.signals as Record<string, number> | undefined;
  return table?.[signal] ?? FALLBACK[signal] ?? 15;
}

/**
 * Python's `exitcode` for an exit.
 *
 * @param info How the worker ended.
 * @returns The code, `-N` for signal N, or 1 when neither is known.
 * @example
 * ```ts
 * import { exitCodeOf } from "./exit_code.ts";
 * console.log(exitCodeOf({ code: null, signal: "SIGTERM" })); // -15
 * ```
 */
export function exitCodeOf(info: ExitInfo): number {
  if (info.signal !== undefined) return -signalNumber(info.signal);
  return info.code ?? 1;
}
