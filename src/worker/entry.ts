/**
 * Worker entry module: every pool worker and `Process` (thread or child
 * process) starts here. It connects to the parent, takes on its identity,
 * and runs its role. The shareable classes (locks, queues, shared values)
 * are loaded when a task's arguments first hold one (see `revive.ts`).
 *
 * @module
 */
import "../runtime/early_messages.ts";
import { connectParent } from "../runtime/parent_port.ts";
import { setIdentity } from "../process/identity.ts";
import { setNestingDepth } from "../process/bootstrap_guard.ts";
import type { PoolWorkerData, ProcessWorkerData } from "../transport/protocol.ts";

const port = await connectParent();
const data = port.workerData as PoolWorkerData | ProcessWorkerData;
setIdentity({
  name: data.name,
  role: data.role,
  context: port.context,
  pid: port.pid,
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
