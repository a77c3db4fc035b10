/**
 * Pools that are still open when the program is about to end by itself are
 * terminated first, as CPython's exit handler runs each pool's finalizer.
 * Their idle workers would not keep the program alive, but stopping them
 * before the runtime tears itself down avoids Node's races between its own
 * exit and a thread still running.
 *
 * @module
 */
import { onBeforeExit } from "../runtime/exit_hook.ts";

/** The part of `Pool` the exit handler uses. */
interface Terminable {
  terminate(): Promise<void>;
}

const open = new Set<Terminable>();
let registered = false;

async function terminateOpenPools(): Promise<void> {
  const pools = [...open];
  open.clear();
  await Promise.all(pools.map((pool) => pool.terminate()));
}

/**
 * Record an open pool (called by its constructor).
 *
 * @param pool The pool.
 * @example
 * ```ts ignore
 * trackOpenPool(this);
 * ```
 */
export function trackOpenPool(pool: Terminable): void {
  open.add(pool);
  if (registered) return;
  registered = true;
  onBeforeExit(terminateOpenPools);
}

/**
 * Forget a pool whose workers have all ended (after `join()`/`terminate()`).
 *
 * @param pool The pool.
 * @example
 * ```ts ignore
 * forgetOpenPool(this);
 * ```
 */
export function forgetOpenPool(pool: Terminable): void {
  open.delete(pool);
}
