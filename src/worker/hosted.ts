/**
 * The start of a self-hosted worker: a bundle or compiled binary run again
 * as a worker (see `runtime/self_host.ts`). The library's identity module
 * asks here while it loads, so that `isMainProcess()` is already false when
 * the program's own code runs; the worker bootstrap then starts on its own.
 *
 * @module
 */
import { selfHostStart } from "../runtime/self_host.ts";
import type { Context } from "../runtime/types.ts";

/** The identity a self-hosted worker starts with, until it has its start data. */
export interface HostedIdentity {
  /** Its name (`"ThreadPoolWorker-1"`, `"Process-2"`, ...). */
  readonly name: string;
  /** Pool worker or `Process`. */
  readonly role: "pool" | "process";
  /** Thread or child process. */
  readonly context: Context;
}

let booted = false;

function boot(): void {
  booted = true;
  // Not awaited: the bundle must go on loading (its exports are what a
  // `module: import.meta.url` pool calls). A failure to start is uncaught,
  // as it is in the worker entry: the worker ends with code 1.
  import("./boot.ts").then((m) => m.runWorker()).catch((error) => {
    setTimeout(() => {
      throw error;
    });
  });
}

/**
 * In a self-hosted worker: its identity, with the worker bootstrap started
 * (once). Undefined in a main program and in an ordinary worker.
 *
 * @returns The worker's starting identity, or undefined.
 * @example
 * ```ts
 * import { hostedIdentity } from "./hosted.ts";
 * console.log(hostedIdentity()); // undefined in a main program
 * ```
 */
export function hostedIdentity(): HostedIdentity | undefined {
  const start = selfHostStart();
  if (start === undefined) return undefined;
  if (!booted) boot();
  return { name: start.name, role: start.role, context: start.context };
}
