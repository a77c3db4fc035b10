/**
 * Inside a forked child: the channel to the parent over the IPC pipe that
 * `child_process.ts` opened. The first message carries `workerData`; the
 * child exits when the channel closes (the parent died or let it go), so no
 * orphan keeps running.
 *
 * @module
 */
import process from "node:process";
import * as v8 from "node:v8";
import { detectRuntime } from "./detect.ts";
import { jsonBatchesOn } from "./ipc_batches.ts";
import type { ParentPort } from "./types.ts";

const INIT_KEY = "__seedMpInit";

/** How long `exit()` waits for queued messages to reach the parent (ms). */
const FLUSH_LIMIT_MS = 10_000;

interface ChildProcessApi {
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  connected?: boolean;
}

/**
 * Connect to the parent of this forked child.
 *
 * @returns The parent port, once the parent's start data (`workerData`) has arrived.
 * @throws {Error} When this process has no IPC channel (it was not forked).
 * @example
 * ```ts ignore
 * import { connectChildParent } from "./child_port.ts";
 * const port = await connectChildParent();
 * port.onMessage((message) => port.post(message)); // echo
 * ```
 */
export function connectChildParent(): Promise<ParentPort> {
  const proc = process as unknown as ChildProcessApi & typeof process;
  if (typeof proc.send !== "function") {
    return Promise.reject(new Error("Cannot connect to the parent: this process was not forked"));
  }
  // Grandchildren started by other means must not believe they are ours.
  delete process.env.SEED_MP_CHILD;
  const checkClone = detectRuntime() === "deno";
  let listener: ((message: unknown) => void) | undefined;
  const early: unknown[] = [];
  let disconnectListener: (() => void) | undefined;
  let unsent = 0;
  let exitCode: number | undefined;

  const flushed = () => {
    if (exitCode !== undefined && unsent === 0) process.exit(exitCode);
  };
  const post = (message: unknown) => {
    if (checkClone) v8.serialize(message);
    if (!proc.connected) return;
    unsent++;
    proc.send!(message, () => {
      unsent--;
      flushed();
    });
  };

  process.on("disconnect", () => {
    try {
      disconnectListener?.();
    } finally {
      process.exit(exitCode ?? 0);
    }
  });

  return new Promise((resolve) => {
    process.on("message", (message: unknown) => {
      if (exitCode !== undefined) return;
      if (listener !== undefined) {
        listener(message);
        return;
      }
      const init = message as { [INIT_KEY]?: boolean; workerData?: unknown } | null;
      if (typeof init === "object" && init !== null && init[INIT_KEY] === true) {
        resolve(makePort(init.workerData));
        return;
      }
      early.push(message);
    });
  });

  function makePort(workerData: unknown): ParentPort {
    return {
      context: "process",
      workerData,
      jsonBatches: jsonBatchesOn(detectRuntime()),
      pid: process.pid,
      post: (message) => post(message),
      onMessage: (next) => {
        listener = next;
        for (const message of early.splice(0)) next(message);
      },
      onDisconnect: (next) => {
        disconnectListener = next;
      },
      exit: (code) => {
        exitCode = code;
        if (unsent === 0 || !proc.connected) process.exit(code);
        // Let queued messages reach the parent first, but never hang.
        setTimeout(() => process.exit(code), FLUSH_LIMIT_MS);
        return undefined as never;
      },
    };
  }
}
