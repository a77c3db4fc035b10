/**
 * `Pool` options and their validation.
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import type { ChunkStrategy } from "./chunking.ts";
import { isChunkStrategy } from "./chunking.ts";

/** Options of `new Pool(options)`; every field is optional. */
export interface PoolOptions {
  /** Number of workers. Default: `cpuCount()`. */
  readonly processes?: number;
  /** Called as `initializer(...initargs)` once in each worker before its first task. */
  // deno-lint-ignore no-explicit-any
  readonly initializer?: (...args: any[]) => unknown;
  /** Arguments for `initializer`. Default `[]`. */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after it has run this many tasks (a chunk counts as one). Default: never. */
  readonly maxtasksperchild?: number | null;
  /** `"thread"` or `"process"`. Default: `getStartMethod()` (initially `"thread"`). */
  readonly context?: Context;
  /**
   * A module (usually `import.meta.url`) whose exported functions are called
   * by export name in the workers, so they may use imports and helpers. Each
   * worker imports it: guard its main program with `if (isMainProcess())`.
   */
  readonly module?: string | URL;
  /**
   * Start the workers when the first task is submitted instead of at once
   * (CPython starts them at once). Default `false`.
   */
  readonly lazy?: boolean;
}

/** Chunk size of `map`-like calls: a positive integer or a strategy name. */
export type Chunksize = number | ChunkStrategy;

function received(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * Check a positive integer option.
 *
 * @param value The value.
 * @param what What is being done.
 * @param name The option's name.
 * @returns The value.
 * @throws {RangeError} When it is not a positive integer.
 * @example
 * ```ts
 * import { positiveInteger } from "./options.ts";
 * positiveInteger(4, "Cannot create pool", "processes");
 * ```
 */
export function positiveInteger(value: unknown, what: string, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(
      `${what}: '${name}' must be a positive integer, received ${received(value)}`,
    );
  }
  return value;
}

/**
 * Check a `chunksize` argument.
 *
 * @param value The value (undefined = default).
 * @param what What is being done.
 * @returns The value.
 * @throws {RangeError} When it is neither a positive integer nor a strategy name.
 * @example
 * ```ts
 * import { checkChunksize } from "./options.ts";
 * checkChunksize(10, "Cannot map");
 * ```
 */
export function checkChunksize(value: unknown, what: string): Chunksize | undefined {
  if (value === undefined || value === null) return undefined;
  if (isChunkStrategy(value)) return value;
  return positiveInteger(value, what, "chunksize");
}
