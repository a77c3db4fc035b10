/**
 * The body of a `Process` worker (thread or child process): run the target
 * once with its arguments, await it, and exit 0; on an uncaught error print
 * its stack to stderr (as Python prints the traceback) and exit 1. A target
 * that calls `process.exit(n)` / `Deno.exit(n)` ends the worker with code n.
 *
 * @module
 */
import { getIdentity, setIdentity } from "../process/identity.ts";
import type { ParentPort } from "../runtime/types.ts";
import type { ProcessWorkerData } from "../transport/protocol.ts";
import { acceptRpcReply, setRpcPort } from "../transport/rpc.ts";
import { decodeArgs } from "./revive.ts";
import { loadModule, resolveFunction } from "./functions.ts";
import { interruptReason } from "../process/interrupt.ts";
import { beginTaskSignal } from "./task_signal.ts";

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `Uncaught ${String(error)}`;
  } catch {
    return "Uncaught exception";
  }
}

/**
 * Run a `Process` target, then end this worker.
 *
 * @param port The channel to the parent.
 * @param data The process's start data (target, args, name, ...).
 * @returns Resolves only if ending the worker is deferred (the runtime exits it).
 * @example
 * ```ts ignore
 * import { runProcess } from "./process_main.ts";
 * await runProcess(port, port.workerData as ProcessWorkerData);
 * ```
 */
export async function runProcess(port: ParentPort, data: ProcessWorkerData): Promise<void> {
  setIdentity({
    ...getIdentity(),
    daemon: data.daemon ?? false,
    parentName: data.parentName,
    parentPid: data.parentPid,
  });
  setRpcPort(port);
  const signal = beginTaskSignal();
  port.onMessage((message) => {
    if ((message as { t?: unknown } | null)?.t === "interrupt") signal.abort(interruptReason());
    else void acceptRpcReply(message);
  });
  let code = 0;
  try {
    if (data.module !== undefined) await loadModule(data.module, "process");
    const target = resolveFunction(data.target);
    const args = await decodeArgs(data.args) as unknown[];
    await target(...args);
  } catch (error) {
    // A target that stopped on its interrupt ends quietly (the parent reports exitcode -2).
    if (!(signal.signal.aborted && error === signal.signal.reason)) {
      console.error(`Process ${data.name}:\n${describeError(error)}`);
    }
    code = 1;
  }
  port.exit(code);
}
