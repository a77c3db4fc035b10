/**
 * The baseline of `bench/cluster.ts`: a bare BullMQ `Worker` in its own OS process that
 * computes the same trivial task inline (no local pool, no chunk format), as a user of
 * BullMQ alone would write it.
 *
 * `node bench/cluster_bare_worker.ts <redis-port> <password> <queue> <concurrency>`
 *
 * @module
 */
import { Worker } from "bullmq";
import process from "node:process";

const [port, password, queue, concurrency] = process.argv.slice(2);
const worker = new Worker(queue, (job) => Promise.resolve((job.data.x as number) ** 2), {
  connection: { host: "127.0.0.1", port: Number(port), password, maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
  drainDelay: 1,
});
worker.on("error", () => {});
await worker.waitUntilReady();
console.log("serving queue (bare BullMQ)");
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
