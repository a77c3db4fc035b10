/**
 * CPU count on every runtime.
 *
 * @module
 */
import { availableParallelism } from "node:os";

/**
 * Number of logical CPUs usable by this program
 * (`navigator.hardwareConcurrency` or `os.availableParallelism()`).
 *
 * @returns A positive integer.
 * @example
 * ```ts
 * import { logicalCpuCount } from "./cpu.ts";
 * console.log(logicalCpuCount() > 0);
 * ```
 */
export function logicalCpuCount(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const n = nav?.hardwareConcurrency ?? availableParallelism();
  return Number.isInteger(n) && n > 0 ? n : 1;
}
