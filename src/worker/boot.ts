/**
 * The worker bootstrap: connect to the parent, take on the worker's
 * identity, and run its role. The worker entry module runs it; so does a
 * self-hosted worker (a bundle run again as a worker, see `hosted.ts`).
 *
 * @module
 */
import { connectParent } from "../runtime/parent_port.ts";
import { getIdentity, setIdentity } from "../process/identity.ts";
import { setNestingDepth } from "../process/bootstrap_guard.ts";
import type { PoolWorkerData, ProcessWorkerData } from "../transport/protocol.ts";

/**
 * Run this worker: a pool worker's task loop, or a `Process` target.
 *
 * @returns Resolves when the role has run (the worker usually exits before).
 * @example
 * ```ts ignore
 * import { runWorker } from "./boot.ts";
 * await runWorker();
 * ```
 */
export async function runWorker(): Promise<void> {
  const port = await connectParent();
  const data = port.workerData as PoolWorkerData | ProcessWorkerData;
  setIdentity({
    ...getIdentity(),
    name: data.name,
    role: data.role,
    context: port.context,
    threadId: port.threadId,
  });
  setNestingDepth(data.depth ?? 1);
  if (data.role === "pool") {
    const { runPoolWorker } = await import("./pool_main.ts");
    await runPoolWorker(port, data);
  } else {
    const { runProcess } = await import("./process_main.ts");
    await runProcess(port, data);
  }
}
