/**
 * The baselines of `bench/cluster.ts`: a bare BullMQ `Worker` in its own OS process that
 * computes the same trivial task (no local pool, no chunk format), as a user of BullMQ alone
 * would write it: `inline` in the main thread, or `threads`, in BullMQ's sandboxed worker
 * threads (`useWorkerThreads`), off the main thread as the cluster's hosts run tasks.
 *
 * `node bench/cluster_bare_worker.ts <redis-port> <password> <queue> <concurrency> <inline|threads>`
 *
 * @module
 */
import { Worker } from "bullmq";
import process from "node:process";

const [port, password, queue, concurrency, mode] = process.argv.slice(2);
const inline = (job: { data: { x: number } }): Promise<number> => Promise.resolve(job.data.x ** 2);
const processor = mode === "threads"
  ? new URL("./cluster_bare_processor.ts", import.meta.url)
  : inline;
const worker = new Worker(queue, processor, {
  connection: { host: "127.0.0.1", port: Number(port), password, maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
  drainDelay: 1,
  useWorkerThreads: mode === "threads",
});
worker.on("error", () => {});
await worker.waitUntilReady();
console.log("serving queue (bare BullMQ)");
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
