/**
 * Daemon processes end with their parent: when the program is about to end by
 * itself, every daemon still running is terminated and briefly joined, as
 * CPython's exit handler does. Stopping them before the runtime tears itself
 * down avoids Node's races between its own exit and a thread still running.
 *
 * @module
 */
import { onBeforeExit } from "../runtime/exit_hook.ts";
import { activeChildren } from "./children.ts";

/** The part of `Process` the exit handler uses. */
interface Daemonic {
  readonly daemon: boolean;
  terminate(): void;
  join(timeout?: number | null): Promise<void>;
}

/**
 * How long the exit handler waits for a terminated daemon (ms). A thread busy
 * in synchronous code on Deno cannot be stopped; the program then exits
 * without it after this wait.
 */
const EXIT_JOIN_MS = 2_000;

const handled = new WeakSet<Daemonic>();
let registered = false;

async function stopDaemons(): Promise<void> {
  const daemons = activeChildren<Daemonic>().filter((p) => p.daemon && !handled.has(p));
  for (const daemon of daemons) {
    handled.add(daemon);
    daemon.terminate();
  }
  await Promise.all(daemons.map((daemon) => daemon.join(EXIT_JOIN_MS)));
}

/**
 * Make sure the exit handler is installed (called when a daemon starts).
 *
 * @example
 * ```ts ignore
 * if (this.daemon) stopDaemonsAtExit();
 * ```
 */
export function stopDaemonsAtExit(): void {
  if (registered) return;
  registered = true;
  onBeforeExit(stopDaemons);
}
