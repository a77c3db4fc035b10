/**
 * Inside a pool worker: catch every way the worker can end by itself, so it
 * can account for its tasks before it goes.
 *
 * A worker ends by itself when task code calls `process.exit()`,
 * `Deno.exit()` or `close()`, or when an error or a promise rejection goes
 * uncaught. Without help its parent would only see the exit, and could not
 * tell which of the tasks it had sent were done (results still unsent), which
 * one was running, and which never started. The hook runs first, while the
 * worker can still send; then the worker ends with the same exit code.
 *
 * Ending needs care in a child process: the IPC channel sends asynchronously
 * (Deno drops what is unsent at exit), so `ParentPort.exit()` may wait for
 * the sends and return. The intercepted call must not return to the task
 * code as if nothing happened, so it throws {@linkcode isSelfExit}'s token,
 * which unwinds the task; the pool worker recognises it and runs nothing more.
 *
 * @module
 */
import type { ParentPort } from "./types.ts";

/** Thrown out of an intercepted exit call to stop the task code that made it. */
const EXITING: unique symbol = Symbol("seed-mp.exiting");
const TOKEN = Object.freeze({ [EXITING]: true, toString: () => "worker exiting" });

interface ProcessLike {
  exit(code?: number): never;
  on(event: string, listener: (reason: unknown) => void): void;
}

/**
 * Whether `value` is the token an intercepted exit call throws.
 *
 * @param value Anything caught.
 * @returns True for the token.
 * @example
 * ```ts ignore
 * try { runTask(); } catch (error) { if (isSelfExit(error)) return; }
 * ```
 */
export function isSelfExit(value: unknown): boolean {
  return value === TOKEN;
}

function exitCodeOf(code: unknown): number {
  if (typeof code === "number" && Number.isInteger(code)) return code;
  const n = Number(code);
  return code === undefined || code === null || !Number.isInteger(n) ? 0 : n;
}

/**
 * Call `before` once, first, when this worker is about to end by itself, then
 * end it with the same exit code through `port`.
 *
 * @param port The channel to the parent (its `exit()` ends the worker).
 * @param before Receives the exit code and, for an uncaught error or
 *   rejection, the error; it may post messages.
 * @returns How the worker ends when it means to (told to stop): without `before`.
 * @example
 * ```ts ignore
 * const exit = interceptSelfExit(port, (code) => port.post({ t: "exiting", code }));
 * exit(0);
 * ```
 */
export function interceptSelfExit(
  port: ParentPort,
  before: (code: number, error?: unknown) => void,
): (code: number) => void {
  const g = globalThis as unknown as {
    process: ProcessLike;
    Deno?: { exit(code?: number): never };
    close?: () => void;
  };
  const proc = g.process;
  const originals = { process: proc.exit, deno: g.Deno?.exit, close: g.close };
  let exiting = false;

  const restore = (): void => {
    exiting = true;
    // The port ends the worker through the runtime's own exit: restore them.
    proc.exit = originals.process;
    if (g.Deno !== undefined && originals.deno !== undefined) g.Deno.exit = originals.deno;
  };
  const end = (code: number, error?: unknown): void => {
    if (exiting) return;
    restore();
    try {
      before(code, error);
    } finally {
      port.exit(code);
    }
  };
  const intercepted = (code?: unknown): never => {
    end(exitCodeOf(code ?? (proc as { exitCode?: unknown }).exitCode));
    throw TOKEN;
  };

  proc.exit = intercepted;
  if (g.Deno !== undefined && originals.deno !== undefined) g.Deno.exit = intercepted;
  if (typeof originals.close === "function") g.close = () => void intercepted(0);
  const fatal = (reason: unknown): void => {
    if (reason === TOKEN) return;
    end(1, reason);
  };
  proc.on("uncaughtException", fatal);
  proc.on("unhandledRejection", fatal);
  // Bun's test runner keeps `process.on("uncaughtException")` from seeing a
  // worker's errors, while the global events still fire; Deno has both.
  const scope = globalThis as unknown as {
    addEventListener?(type: string, listener: (event: Event) => void): void;
  };
  scope.addEventListener?.("error", (event) => {
    event.preventDefault();
    fatal((event as ErrorEvent).error);
  });
  scope.addEventListener?.("unhandledrejection", (event) => {
    event.preventDefault();
    fatal((event as PromiseRejectionEvent).reason);
  });
  return (code) => {
    if (exiting) return;
    restore();
    port.exit(code);
  };
}
