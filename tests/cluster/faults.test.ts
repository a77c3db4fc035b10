/**
 * Cluster faults against a real redis-server: a worker host SIGKILLed during a
 * map, a chunk lost with every host that took it, a graceful SIGTERM, Redis
 * unreachable at start and lost mid-job. Every pending call settles once.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProcessError, WorkerLostError } from "../../mod.ts";
import { QueueEvents } from "bullmq";
import { ClusterPool } from "../../cluster.ts";
import { sleepy, square } from "../fixtures/cluster_tasks.ts";
import {
  currentRuntime,
  freePort,
  type HostProcess,
  otherRuntime,
  type RedisServer,
  skipReason,
  startHost,
  startRedis,
  stopHosts,
} from "./_redis.ts";

const TASKS = new URL("../fixtures/cluster_tasks.ts", import.meta.url);
const MODULE = ["--module", "tests/fixtures/cluster_tasks.ts"];
/** Short locks so that a dead host's chunks come back within seconds. */
const LOCKS = ["--lock-duration", "2000", "--stalled-interval", "1000"];
const skip = skipReason();

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("ClusterPool faults", { skip }, () => {
  let redis: RedisServer;
  const hosts: HostProcess[] = [];
  const host = (runtime: Parameters<typeof startHost>[0], args: string[]): HostProcess => {
    const h = startHost(runtime, ["--redis", redis.url, ...MODULE, ...LOCKS, ...args]);
    hosts.push(h);
    return h;
  };

  before(async () => {
    redis = await startRedis();
  });

  after(async () => {
    await stopHosts(hosts);
    await redis?.stop();
  });

  it("a host SIGKILLed during map(): its chunks are redelivered, the result is right", async () => {
    const q = ["--queue", "kill"];
    const survivors = [
      host(currentRuntime(), [...q, "--processes", "2", "--context", "thread"]),
      host(otherRuntime(), [...q, "--processes", "2", "--context", "process"]),
    ];
    const victim = host(currentRuntime(), [...q, "--processes", "2"]);
    await Promise.all([...survivors, victim].map((h) => h.ready));
    await using pool = new ClusterPool({
      cluster: { redis: redis.url, queue: "kill" },
      module: TASKS,
    });
    // BullMQ's own view of the queue, to time the redelivery: the victim's chunks are
    // reported stalled once their locks expire, then complete on another host.
    const events = new QueueEvents("kill", {
      connection: { host: "127.0.0.1", port: redis.port, password: redis.password },
    });
    await events.waitUntilReady();
    const stalledAt = new Map<string, number>();
    const redelivered: number[] = [];
    events.on("stalled", ({ jobId }) => stalledAt.set(jobId, performance.now()));
    events.on("completed", ({ jobId }) => {
      if (stalledAt.has(jobId)) redelivered.push(performance.now());
    });
    const input = Array.from({ length: 36 }, () => 300);
    const results: number[] = [];
    const done = (async () => {
      for await (const y of pool.imapUnordered(sleepy, input)) results.push(y);
    })();
    await delay(500);
    const killedAt = performance.now();
    victim.child.kill("SIGKILL");
    await victim.exited;
    await done;
    await events.close();
    assert.deepEqual(results, input);
    assert.deepEqual(await pool.map(sleepy, [10, 20, 30]), [10, 20, 30]);
    assert.ok(stalledAt.size > 0, "the victim held no chunk when it was killed");
    const detected = Math.min(...stalledAt.values()) - killedAt;
    const finished = Math.max(...redelivered) - killedAt;
    console.log(
      `[cluster] SIGKILL during map on ${currentRuntime()}: ${stalledAt.size} chunk(s) ` +
        `redelivered, detected stalled ${detected.toFixed(0)} ms and done ${
          finished.toFixed(0)
        } ms after the kill (lockDuration 2000 ms, stalledInterval 1000 ms)`,
    );
  });

  it("a chunk lost with every host that took it fails with WorkerLostError", async () => {
    const q = ["--queue", "lost", "--max-stalled-count", "0", "--processes", "1"];
    const first = host(currentRuntime(), q);
    await first.ready;
    await using pool = new ClusterPool({
      cluster: { redis: redis.url, queue: "lost" },
      module: TASKS,
    });
    const result = pool.applyAsync(sleepy, [20_000]);
    const outcome = result.get().then(() => undefined, (e) => e);
    await delay(800);
    first.child.kill("SIGKILL");
    await first.exited;
    await host(otherRuntime(), q).ready;
    const error = await outcome;
    assert.ok(error instanceof WorkerLostError, String(error));
    assert.match(error.message, /lost/);
  });

  it("SIGTERM lets a host finish the chunks it holds, then it exits", async () => {
    const only = host(currentRuntime(), ["--queue", "graceful", "--processes", "2"]);
    await only.ready;
    await using pool = new ClusterPool({
      cluster: { redis: redis.url, queue: "graceful" },
      module: TASKS,
    });
    const result = pool.map(sleepy, [900, 900], 1);
    await delay(400);
    only.child.kill("SIGTERM");
    assert.deepEqual(await result, [900, 900]);
    await only.exited;
    assert.match(only.output(), /stopping \(finishing the chunks held\)/);
    // Deno's node:child_process reports any child it sent SIGTERM to as killed by SIGTERM,
    // even when the child handled it and exited 0 (as it does here on Node and Bun).
    if (currentRuntime() !== "deno") {
      assert.equal(only.exitCode(), 0, `${only.child.signalCode}: ${only.output()}`);
    }
  });

  it("Redis unreachable at start: every call settles with a ProcessError naming the address", async () => {
    const port = await freePort();
    const pool = new ClusterPool({
      cluster: { redis: `redis://127.0.0.1:${port}`, queue: "none", unreachableTimeout: 500 },
      module: TASKS,
    });
    const address = new RegExp(`127\\.0\\.0\\.1:${port}`);
    const started = performance.now();
    const settled = Promise.all([
      assert.rejects(pool.apply(square, [2]), (e: unknown) => e instanceof ProcessError),
      assert.rejects(pool.map(square, [1, 2, 3]), address),
      assert.rejects(pool.imap(square, [1]).next(), address),
    ]);
    await settled;
    console.log(
      `[cluster] Redis unreachable: calls failed after ${
        (performance.now() - started).toFixed(0)
      } ms (unreachableTimeout 500 ms)`,
    );
    await assert.rejects(pool.apply(square, [3]), address);
    await pool.terminate();
  });

  it("Redis lost mid-job: pending calls fail naming the address; with Redis back a new pool works", async () => {
    const own = await startRedis();
    try {
      const lone = startHost(currentRuntime(), [
        "--redis",
        own.url,
        "--queue",
        "loss",
        ...MODULE,
        "--processes",
        "1",
      ]);
      hosts.push(lone);
      await lone.ready;
      const cluster = { redis: own.url, queue: "loss", unreachableTimeout: 1_000 };
      const pool = new ClusterPool({ cluster, module: TASKS });
      assert.equal(await pool.apply(square, [4]), 16);
      const pending = pool.apply(sleepy, [1_500]).then(() => undefined, (e) => e);
      await delay(300);
      await own.kill();
      const error = await pending;
      assert.ok(error instanceof ProcessError, String(error));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${own.port}`));
      await pool.terminate();
      await own.restart();
      const again = new ClusterPool({ cluster, module: TASKS });
      assert.equal(await again.apply(square, [5]), 25);
      await again.terminate();
      await stopHosts([lone]);
    } finally {
      await own.stop();
    }
  });
});
