/**
 * Runtime detection: Bun first, then Deno, then Node (Bun also claims to be Node).
 *
 * @module
 */
import type { RuntimeName } from "./types.ts";

/**
 * Which runtime is executing this code.
 *
 * @returns `"bun"`, `"deno"` or `"node"`.
 * @example
 * ```ts
 * import { detectRuntime } from "./detect.ts";
 * console.log(detectRuntime());
 * ```
 */
export function detectRuntime(): RuntimeName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}
