/**
 * Python's `with lock:` for runtimes and code without the `using` syntax
 * (Node 20 does not parse it): `withLock()` / `withLockSync()` hold a lock,
 * semaphore or condition while a function runs.
 *
 * With `using` (Deno, Bun, Node 24, TypeScript 5.2+), acquire and let the
 * block release it: `await lock.acquire(); using _ = lock;`.
 *
 * @module
 */
import { type AcquireOptions, checkBlockTimeout } from "../args.ts";
import { ProcessError } from "../errors.ts";

/** Anything with `acquire()` / `release()`: `Lock`, `RLock`, `Semaphore`, `Condition`, ... */
export interface Acquirable {
  /** Acquire, resolving whether it was acquired. */
  acquire(block?: boolean | AcquireOptions, timeout?: number | null): Promise<boolean>;
  /** Release. */
  release(): void;
}

/** `Acquirable` with a blocking acquire. */
export interface SyncAcquirable {
  /** Acquire, blocking the thread. */
  acquireSync(block?: boolean | AcquireOptions, timeout?: number | null): boolean;
  /** Release. */
  release(): void;
}

function timedOut(timeout: number): ProcessError {
  return new ProcessError(`Cannot run with lock: not acquired within ${timeout} ms`);
}

/**
 * Acquire `lock`, run `fn` (awaited), release `lock` whatever happens
 * (Python's `with lock: ...`).
 *
 * @param lock A `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore` or `Condition`.
 * @param fn The work to do while holding it.
 * @param options `{ timeout }` in ms to give up acquiring (default: wait forever).
 * @returns What `fn` returned.
 * @throws {ProcessError} When `timeout` passed before the lock was acquired.
 * @example
 * ```ts
 * import { Lock } from "./lock.ts";
 * import { withLock } from "./scoped.ts";
 * const lock = new Lock();
 * const n = await withLock(lock, () => 42);
 * console.log(n, lock.locked()); // 42 false
 * ```
 */
export async function withLock<T>(
  lock: Acquirable,
  fn: () => T | Promise<T>,
  options?: { readonly timeout?: number | null },
): Promise<T> {
  const ms = checkBlockTimeout("run with lock", options ?? {}, undefined);
  if (!(await lock.acquire({ timeout: ms === Infinity ? null : ms }))) throw timedOut(ms);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * `withLock()` blocking the thread to acquire (for worker code); `fn` runs
 * synchronously.
 *
 * @param lock A `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore` or `Condition`.
 * @param fn The work to do while holding it.
 * @param options `{ timeout }` in ms to give up acquiring (default: wait forever).
 * @returns What `fn` returned.
 * @throws {ProcessError} When `timeout` passed before the lock was acquired.
 * @example
 * ```ts
 * import { Lock } from "./lock.ts";
 * import { withLockSync } from "./scoped.ts";
 * console.log(withLockSync(new Lock(), () => "done")); // done
 * ```
 */
export function withLockSync<T>(
  lock: SyncAcquirable,
  fn: () => T,
  options?: { readonly timeout?: number | null },
): T {
  const ms = checkBlockTimeout("run with lock", options ?? {}, undefined);
  if (!lock.acquireSync({ timeout: ms === Infinity ? null : ms })) throw timedOut(ms);
  try {
    return fn();
  } finally {
    lock.release();
  }
}
