/**
 * Loads this project's `Pool` for the benchmarks and finds the contexts that work, so the
 * suites run (and say why) while parts of the library are still missing.
 *
 * @module
 */
import type { Context } from "../src/runtime/types.ts";

export type { Context };

/** The slice of the public `AsyncResult` the benchmarks use. */
export interface AsyncResultLike<T> {
  get(timeout?: number): Promise<T>;
}

/** The slice of the public `Pool` API the benchmarks use. */
export interface PoolLike {
  apply(fn: (...args: never[]) => unknown, args?: unknown[]): Promise<unknown>;
  applyAsync(
    fn: (...args: never[]) => unknown,
    args?: unknown[],
    options?: { signal?: AbortSignal },
  ): AsyncResultLike<unknown>;
  map(fn: (x: never) => unknown, items: Iterable<unknown>, chunksize?: unknown): Promise<unknown[]>;
  imap(fn: (x: never) => unknown, items: Iterable<unknown>, chunksize?: unknown): AsyncIterable<
    unknown
  >;
  imapUnordered(
    fn: (x: never) => unknown,
    items: Iterable<unknown>,
    chunksize?: unknown,
  ): AsyncIterable<unknown>;
  close(): void;
  terminate(): Promise<void>;
  join(): Promise<void>;
}

/** Constructor of the project's Pool. */
export type PoolCtor = new (options: { processes: number; context?: Context }) => PoolLike;

/** Constructor of the project's `Transfer` (a value and the buffers that move with it). */
export type TransferCtor = new (value: unknown, transferList: readonly unknown[]) => object;

/** Our Pool (and the `Transfer` of the same build), or why it could not be loaded. */
export interface LoadedPool {
  readonly Pool: PoolCtor | null;
  readonly Transfer?: TransferCtor | null;
  readonly reason?: string;
}

/** Which build of our package the benchmarks load. */
export type PackageEntry = "source" | "dist";

/**
 * Imports `Pool` from the package entry: the TypeScript sources (`mod.ts`), or the
 * JavaScript that `npm install` delivers (`dist/mod.js`, built by `npm run build`).
 *
 * @param entry `"source"` (default) or `"dist"`.
 * @returns The constructor, or `null` with the reason.
 * @example
 * ```ts
 * import { loadPool } from "./_pool.ts";
 * const { Pool, reason } = await loadPool();
 * console.log(Pool ? "ok" : reason);
 * ```
 */
export async function loadPool(entry: PackageEntry = "source"): Promise<LoadedPool> {
  const file = entry === "dist" ? "../dist/mod.js" : "../mod.ts";
  try {
    const mod = await import(new URL(file, import.meta.url).href) as {
      Pool?: PoolCtor;
      Transfer?: TransferCtor;
    };
    if (typeof mod.Pool !== "function") return { Pool: null, reason: `${file} exports no Pool` };
    // Transfer from the same build as Pool: the pool recognises only its own Transfer class.
    return { Pool: mod.Pool, Transfer: typeof mod.Transfer === "function" ? mod.Transfer : null };
  } catch (e) {
    return { Pool: null, reason: `cannot import ${file}: ${(e as Error).message?.split("\n")[0]}` };
  }
}

/**
 * Rejects when `promise` takes longer than `ms`.
 *
 * @param promise The operation.
 * @param ms Time limit in milliseconds.
 * @param what What is being waited for (in the error message).
 * @returns The operation's value.
 * @throws {Error} On timeout.
 * @example
 * ```ts
 * import { withTimeout } from "./_pool.ts";
 * console.log(await withTimeout(Promise.resolve(1), 100, "one"));
 * ```
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens a pool and checks it computes, within a time limit.
 *
 * @param Pool The constructor.
 * @param processes Worker count.
 * @param context `"thread"` or `"process"`.
 * @returns The working pool.
 * @throws {Error} When it cannot start or compute (the pool is terminated first).
 * @example
 * ```ts
 * import { loadPool, openPool } from "./_pool.ts";
 * const { Pool } = await loadPool();
 * if (Pool) await (await openPool(Pool, 1, "thread")).terminate();
 * ```
 */
export async function openPool(
  Pool: PoolCtor,
  processes: number,
  context: Context,
): Promise<PoolLike> {
  const pool = new Pool({ processes, context });
  try {
    const r = await withTimeout(
      pool.map((x: number) => x + 1, Array.from({ length: processes * 2 }, (_, i) => i), 1),
      30_000,
      `Pool(${context}) start`,
    );
    if (r[0] !== 1) throw new Error(`Pool(${context}) computed ${String(r[0])} for 0 + 1`);
    return pool;
  } catch (e) {
    await withTimeout(pool.terminate(), 10_000, "terminate").catch(() => {});
    throw e;
  }
}

/**
 * Which contexts of our Pool start and compute on this runtime.
 *
 * @param Pool The constructor.
 * @param wanted Contexts to try.
 * @returns The working contexts, and a note for each that failed.
 * @example
 * ```ts
 * import { loadPool, workingContexts } from "./_pool.ts";
 * const { Pool } = await loadPool();
 * if (Pool) console.log((await workingContexts(Pool, ["thread"])).ok);
 * ```
 */
export async function workingContexts(
  Pool: PoolCtor,
  wanted: readonly Context[],
): Promise<{ ok: Context[]; notes: string[] }> {
  const ok: Context[] = [];
  const notes: string[] = [];
  for (const context of wanted) {
    try {
      const pool = await openPool(Pool, 2, context);
      await closePool(pool, `${context} context probe`);
      ok.push(context);
    } catch (e) {
      notes.push(`context "${context}" skipped: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return { ok, notes };
}

/** Problems seen while closing pools (reported in the suite's notes). */
export const closeProblems: Set<string> = new Set();

/**
 * Terminates a pool, giving up after 10 s (a hang is recorded in {@linkcode closeProblems}
 * instead of stalling the benchmark).
 *
 * @param pool The pool.
 * @param label Where it came from (for the note).
 * @returns Resolves when terminated or given up on.
 * @example
 * ```ts
 * import { closePool, loadPool, openPool } from "./_pool.ts";
 * const { Pool } = await loadPool();
 * if (Pool) await closePool(await openPool(Pool, 1, "thread"), "example");
 * ```
 */
export async function closePool(pool: PoolLike | null | undefined, label: string): Promise<void> {
  if (!pool) return;
  try {
    await withTimeout(pool.terminate(), 10_000, `terminate() (${label})`);
  } catch (e) {
    closeProblems.add((e as Error).message);
  }
}
