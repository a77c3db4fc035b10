/**
 * Cluster benchmark: `ClusterPool.map` over BullMQ on a local redis-server against the local
 * `Pool`, and the cluster's per-job cost against a bare BullMQ `Queue`/`Worker` pair.
 *
 * ```sh
 * node bench/cluster.ts            # bench/results/cluster.json, cluster.md, cluster.svg
 * node bench/cluster.ts --quick    # smaller inputs, bench/results/quick/
 * node bench/cluster.ts --quick --only=jobs   # only the per-job comparison
 * ```
 *
 * Measures, on this machine (hosts are separate OS processes on loopback, one thread worker
 * each, so "N workers" is N hosts):
 *
 * 1. items/s of `map` over trivial items and 1 ms items with 1, 2 and 4 workers, and the
 *    local `Pool` (threads) with as many workers;
 * 2. ms per job, one item per job, `ClusterPool` + one host against a bare BullMQ `Worker`
 *    process doing the same work inline, and in BullMQ's worker threads (off the main
 *    thread, as the hosts do), with the same concurrency;
 * 3. trivial `map` with the default chunk size against one job per item.
 *
 * @module
 */
import { Queue, QueueEvents } from "bullmq";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Pool } from "../mod.ts";
import { ClusterPool } from "../cluster.ts";
import { busy1ms, square } from "../tests/fixtures/cluster_tasks.ts";
import { type HostProcess, startHost, startRedis, stopHosts } from "../tests/cluster/_redis.ts";
import { renderSvg } from "./_charts.ts";
import { machineInfo, parseFlags, progress } from "./_env.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TASKS = new URL("../tests/fixtures/cluster_tasks.ts", import.meta.url);
const flags = parseFlags(process.argv.slice(2));
const quick = flags.quick === true;
const N_TRIVIAL = quick ? 4_000 : 20_000;
const N_BUSY = quick ? 400 : 2_000;
const N_JOBS = quick ? 200 : 1_000;
const WORKERS = [1, 2, 4];
const REPEATS = quick ? 1 : 3;
/** `--only=jobs` runs only the per-job comparison. */
const onlyJobs = flags.only === "jobs";

interface Row {
  readonly bench: string;
  readonly engine: string;
  readonly workers: number;
  readonly items: number;
  readonly ms: number;
  readonly itemsPerSec: number;
}

const rows: Row[] = [];

async function best(run: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await run();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

function record(bench: string, engine: string, workers: number, items: number, ms: number): void {
  const row = { bench, engine, workers, items, ms, itemsPerSec: (items / ms) * 1000 };
  rows.push(row);
  progress(bench, engine, `${workers}w`, `${ms.toFixed(0)} ms`, `${row.itemsPerSec.toFixed(0)}/s`);
}

const redis = await startRedis();
const hostArgs = (queue: string): string[] => [
  "--redis",
  redis.url,
  "--queue",
  queue,
  "--module",
  "tests/fixtures/cluster_tasks.ts",
  "--processes",
  "1",
  "--context",
  "thread",
];

try {
  const trivial = Array.from({ length: N_TRIVIAL }, (_, i) => i);
  const busy = Array.from({ length: N_BUSY }, (_, i) => i);

  // 1. map throughput: cluster with 1, 2, 4 hosts vs the local Pool.
  for (const n of onlyJobs ? [] : WORKERS) {
    const queue = `map${n}`;
    const hosts: HostProcess[] = Array.from(
      { length: n },
      () => startHost("node", hostArgs(queue)),
    );
    await Promise.all(hosts.map((h) => h.ready));
    const pool = new ClusterPool({ cluster: { redis: redis.url, queue }, module: TASKS });
    await pool.map(square, [1, 2, 3]);
    record("trivial map", "cluster", n, N_TRIVIAL, await best(() => pool.map(square, trivial)));
    record("1 ms map", "cluster", n, N_BUSY, await best(() => pool.map(busy1ms, busy)));
    if (n === 1) {
      const perItem = await best(() => pool.map(square, trivial.slice(0, N_JOBS), 1));
      record("trivial map, one job per item", "cluster", n, N_JOBS, perItem);
    }
    await pool.terminate();
    await stopHosts(hosts);

    const local = new Pool({ processes: n, context: "thread", module: TASKS });
    await local.map(square, [1, 2, 3]);
    record("trivial map", "local Pool", n, N_TRIVIAL, await best(() => local.map(square, trivial)));
    record("1 ms map", "local Pool", n, N_BUSY, await best(() => local.map(busy1ms, busy)));
    await local.terminate();
  }

  // 2. Per-job cost: one item per job, one worker process, concurrency 2 on both sides.
  {
    const hosts = [startHost("node", hostArgs("jobs"))];
    await hosts[0].ready;
    const pool = new ClusterPool({ cluster: { redis: redis.url, queue: "jobs" }, module: TASKS });
    const xs = trivial.slice(0, N_JOBS);
    await pool.map(square, xs.slice(0, 20), 1);
    record("one job per item", "ClusterPool", 1, N_JOBS, await best(() => pool.map(square, xs, 1)));
    await pool.terminate();
    await stopHosts(hosts);

    const connection = { host: "127.0.0.1", port: redis.port, password: redis.password };
    for (const mode of ["inline", "threads"]) {
      const name = `bare${mode}`;
      const bare = spawn(process.execPath, [
        join(ROOT, "bench/cluster_bare_worker.ts"),
        String(redis.port),
        redis.password,
        name,
        "2",
        mode,
      ], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => bare.stdout!.once("data", () => resolve()));
      const queue = new Queue(name, { connection });
      const events = new QueueEvents(name, { connection });
      await events.waitUntilReady();
      let batch = 0;
      const runBare = async (items: number[]): Promise<number[]> => {
        const tag = batch++;
        const results = new Array<number>(items.length);
        let left = items.length;
        const done = new Promise<void>((resolve) => {
          const onDone = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
            const [b, i] = jobId.split("-").slice(1).map(Number);
            if (b !== tag) return;
            results[i] = Number(returnvalue);
            if (--left === 0) {
              events.off("completed", onDone);
              resolve();
            }
          };
          events.on("completed", onDone);
        });
        await queue.addBulk(items.map((x, i) => ({
          name: "sq",
          data: { x },
          opts: { jobId: `b-${tag}-${i}`, removeOnComplete: true },
        })));
        await done;
        return results;
      };
      await runBare(xs.slice(0, 20));
      const engine = mode === "inline" ? "bare BullMQ" : "bare BullMQ, worker threads";
      record("one job per item", engine, 1, N_JOBS, await best(() => runBare(xs)));
      await events.close();
      await queue.close();
      bare.kill("SIGTERM");
    }
  }
} finally {
  await redis.stop();
}

const find = (bench: string, engine: string, workers = 1): Row | undefined =>
  rows.find((r) => r.bench === bench && r.engine === engine && r.workers === workers);
const perJob = (r: Row): number => r.ms / r.items;
const cluster = find("one job per item", "ClusterPool")!;
const bare = find("one job per item", "bare BullMQ")!;
const bareThreads = find("one job per item", "bare BullMQ, worker threads")!;
const chunked = find("trivial map", "cluster") ?? cluster;
const oneByOne = find("trivial map, one job per item", "cluster") ?? cluster;
const summary = {
  perJobMs: {
    cluster: perJob(cluster),
    bare: perJob(bare),
    bareThreads: perJob(bareThreads),
    ratio: perJob(cluster) / perJob(bare),
    ratioThreads: perJob(cluster) / perJob(bareThreads),
  },
  chunkingSpeedup: chunked.itemsPerSec / oneByOne.itemsPerSec,
};

const outDir = join(ROOT, "bench", "results", ...(quick ? ["quick"] : []));
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, "cluster.json"),
  JSON.stringify({ machine: machineInfo(), quick, rows, summary }, null, 2) + "\n",
);
const table = [
  "| bench | engine | workers | items | ms | items/s |",
  "|---|---|---:|---:|---:|---:|",
  ...rows.map((r) =>
    `| ${r.bench} | ${r.engine} | ${r.workers} | ${r.items} | ${r.ms.toFixed(0)} | ${
      r.itemsPerSec.toFixed(0)
    } |`
  ),
  "",
  `Per job (one item per job, 1 worker process, concurrency 2): ClusterPool ${
    summary.perJobMs.cluster.toFixed(2)
  } ms; bare BullMQ inline ${summary.perJobMs.bare.toFixed(2)} ms (${
    summary.perJobMs.ratio.toFixed(2)
  }x), in its worker threads ${summary.perJobMs.bareThreads.toFixed(2)} ms (${
    summary.perJobMs.ratioThreads.toFixed(2)
  }x).`,
  `Chunking: trivial map with the default chunk size is ${
    summary.chunkingSpeedup.toFixed(0)
  }x faster than one job per item.`,
].join("\n");
writeFileSync(join(outDir, "cluster.md"), table + "\n");
console.log(table);
const svg = await renderSvg({
  title: "map items/s: cluster (N hosts, 1 worker each) vs local Pool (N threads)",
  data: { values: rows.filter((r) => r.bench === "trivial map" || r.bench === "1 ms map") },
  mark: "bar",
  encoding: {
    column: { field: "bench", type: "nominal", title: null },
    x: { field: "workers", type: "ordinal" },
    xOffset: { field: "engine" },
    y: { field: "itemsPerSec", type: "quantitative", title: "items/s", scale: { type: "log" } },
    color: { field: "engine", type: "nominal" },
  },
  resolve: { scale: { y: "independent" } },
});
writeFileSync(join(outDir, "cluster.svg"), svg);
