/**
 * Work to do when the program is about to end by itself: the event loop has
 * nothing left that keeps it alive (Node's, Deno's and Bun's `beforeExit`).
 * It is how daemon processes and forgotten pools are stopped before the
 * runtime tears itself down, as CPython's `multiprocessing.util._exit_function`
 * does at interpreter exit. Not run on an explicit `process.exit()`.
 *
 * @module
 */
import process from "node:process";

const hooks = new Set<() => Promise<void> | void>();
let installed = false;

async function runHooks(): Promise<void> {
  await Promise.all([...hooks].map(async (hook) => {
    try {
      await hook();
    } catch (error) {
      console.error("multiprocessing: an exit hook failed:", error);
    }
  }));
}

/**
 * Run `hook` each time the program is about to end because nothing keeps it
 * alive. A hook that starts work (and keeps the loop alive with it) delays the
 * exit until that work is done; it then runs again, so it must be a no-op
 * when there is nothing left to stop.
 *
 * @param hook The work; awaited.
 * @example
 * ```ts
 * import { onBeforeExit } from "./exit_hook.ts";
 * onBeforeExit(() => console.log("about to exit"));
 * ```
 */
export function onBeforeExit(hook: () => Promise<void> | void): void {
  hooks.add(hook);
  if (installed) return;
  installed = true;
  process.on("beforeExit", () => void runHooks());
}
