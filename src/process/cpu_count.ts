/**
 * Python's `multiprocessing.cpu_count()`.
 *
 * @module
 */
import { logicalCpuCount } from "../runtime/cpu.ts";

/**
 * The number of logical CPUs (the default size of a `Pool`).
 *
 * @returns A positive integer.
 * @example
 * ```ts
 * import { cpuCount } from "./cpu_count.ts";
 * console.log(cpuCount() >= 1); // true
 * ```
 */
export function cpuCount(): number {
  return logicalCpuCount();
}
