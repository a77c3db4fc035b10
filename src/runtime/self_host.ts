/**
 * Self-hosted workers: in a bundle or a compiled binary there is no worker
 * entry file on disk, so a worker runs the program's own bundle (or binary)
 * again, told explicitly that it is a worker. The library inside that copy
 * sees the marker while it loads, before the program's own code runs: from
 * then on `isMainProcess()` is false there, and the worker bootstrap connects
 * to the parent (`worker/hosted.ts`). The program's main code, guarded by
 * `isMainProcess()`, does not run again, as in Python's "spawn".
 *
 * How the marker travels, on each runtime and context:
 * - Node and Deno threads: a small eval'd bootstrap sets a global, then
 *   imports the bundle.
 * - Bun threads: an environment variable in the Worker's own `env`.
 * - Child processes (all three): an environment variable. A compiled binary
 *   (`bun build --compile`, `deno compile`) always runs its embedded main
 *   module, whatever its arguments, so this is what stops the child from
 *   being a second copy of the main program.
 *
 * The marker is consumed when read, so children the worker starts by other
 * means (and a second copy of the library in the same bundle) never take it
 * for theirs.
 *
 * @module
 */
import process from "node:process";
import { bufferEarlyMessages } from "./early_messages.ts";
import type { Context } from "./types.ts";

/** Environment variable that tells a child process (or a Bun thread) it is a worker. */
export const SELF_HOST_ENV = "SEED_MP_SELF_HOST";

/** Global that the eval'd bootstrap of a Node or Deno thread sets. */
const SELF_HOST_GLOBAL: unique symbol = Symbol.for("@seed/multiprocessing.selfHost");

/** What a self-hosted worker knows about itself before it connects to its parent. */
export interface SelfHostStart {
  /** Pool worker or `Process`. */
  readonly role: "pool" | "process";
  /** Its name (`"ThreadPoolWorker-1"`, `"Process-2"`, ...). */
  readonly name: string;
  /** Thread or child process. */
  readonly context: Context;
}

type Marked = Record<PropertyKey, unknown>;

/**
 * The marker for a worker with this start data, as text.
 *
 * @param workerData The worker's start data (its `role` and `name` are used).
 * @returns JSON text for the environment variable or the bootstrap.
 * @example
 * ```ts
 * import { selfHostMarker } from "./self_host.ts";
 * console.log(selfHostMarker({ role: "pool", name: "ForkPoolWorker-1" }));
 * ```
 */
export function selfHostMarker(workerData: unknown): string {
  const data = (workerData ?? {}) as { role?: unknown; name?: unknown };
  const role = data.role === "process" ? "process" : "pool";
  return JSON.stringify({ role, name: typeof data.name === "string" ? data.name : role });
}

/**
 * Source of the eval'd bootstrap that starts `script` as a self-hosted
 * Node or Deno worker thread.
 *
 * @param script The bundle (or main module) to run.
 * @param workerData The worker's start data.
 * @returns Code for `new Worker(code, { eval: true })`.
 * @example
 * ```ts
 * import { selfHostBootstrap } from "./self_host.ts";
 * const code = selfHostBootstrap(new URL("file:///app/main.js"), { role: "pool", name: "W" });
 * console.log(code.includes("file:///app/main.js"));
 * ```
 */
export function selfHostBootstrap(script: URL, workerData: unknown): string {
  const key = JSON.stringify(SELF_HOST_GLOBAL.description);
  return `globalThis[Symbol.for(${key})] = ${selfHostMarker(workerData)};\n` +
    `import(${JSON.stringify(script.href)});`;
}

function parse(text: string, context: Context): SelfHostStart | undefined {
  try {
    const data = JSON.parse(text) as { role?: unknown; name?: unknown };
    if ((data.role !== "pool" && data.role !== "process") || typeof data.name !== "string") {
      return undefined;
    }
    return { role: data.role, name: data.name, context };
  } catch {
    return undefined;
  }
}

/** Reading the environment on Deno needs a permission the program may not have: ask first. */
function mayReadEnv(): boolean {
  const deno = (globalThis as {
    Deno?: {
      permissions?: { querySync?(d: { name: string; variable: string }): { state: string } };
    };
  }).Deno;
  const query = deno?.permissions?.querySync;
  if (deno === undefined || query === undefined) return true;
  try {
    return query.call(deno.permissions, { name: "env", variable: SELF_HOST_ENV }).state ===
      "granted";
  } catch {
    return false;
  }
}

function inBunWorker(): boolean {
  return (globalThis as { Bun?: { isMainThread?: boolean } }).Bun?.isMainThread === false;
}

function readMarker(): SelfHostStart | undefined {
  const scope = globalThis as unknown as Marked;
  const fromGlobal = scope[SELF_HOST_GLOBAL];
  if (fromGlobal !== undefined) {
    delete scope[SELF_HOST_GLOBAL];
    return parse(JSON.stringify(fromGlobal), "thread");
  }
  if (!mayReadEnv()) return undefined;
  const fromEnv = process.env[SELF_HOST_ENV];
  if (fromEnv === undefined) return undefined;
  delete process.env[SELF_HOST_ENV];
  const bunThread = inBunWorker();
  // Bun drops messages that arrive while no listener exists, and the parent
  // sends the start data at once: hold them from now on.
  if (bunThread) bufferEarlyMessages();
  return parse(fromEnv, bunThread ? "thread" : "process");
}

let start: SelfHostStart | undefined | null = null;

/**
 * Whether this copy of the library runs in a self-hosted worker, and which:
 * read (and consumed) once, synchronously, when the library loads.
 *
 * @returns The worker's role, name and context, or undefined in a main
 *   program or an ordinary worker.
 * @example
 * ```ts
 * import { selfHostStart } from "./self_host.ts";
 * console.log(selfHostStart()); // undefined in a main program
 * ```
 */
export function selfHostStart(): SelfHostStart | undefined {
  if (start === null) start = readMarker();
  return start;
}
