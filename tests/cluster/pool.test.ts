/**
 * ClusterPool against a real redis-server and two worker hosts in separate OS
 * processes: one on this test's runtime (thread context), one on another
 * runtime (process context).
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, RemoteError } from "../../mod.ts";
import { ClusterPool } from "../../cluster.ts";
import {
  add,
  failOn13,
  sleepy,
  slow,
  slowRuntime,
  square,
  TaskError,
} from "../fixtures/cluster_tasks.ts";
import { double } from "../fixtures/cluster_other.ts";
import {
  currentRuntime,
  type HostProcess,
  otherRuntime,
  type RedisServer,
  skipReason,
  startHost,
  startRedis,
  stopHosts,
} from "./_redis.ts";

const TASKS = new URL("../fixtures/cluster_tasks.ts", import.meta.url);
const OTHER = new URL("../fixtures/cluster_other.ts", import.meta.url);
const skip = skipReason();

describe("ClusterPool", { skip }, () => {
  let redis: RedisServer;
  let hosts: HostProcess[] = [];
  let pool: ClusterPool;

  before(async () => {
    redis = await startRedis();
    const args = [
      "--redis",
      redis.url,
      "--queue",
      "t",
      "--module",
      "tests/fixtures/cluster_tasks.ts",
    ];
    hosts = [
      startHost(currentRuntime(), [...args, "--processes", "2", "--context", "thread"]),
      startHost(otherRuntime(), [...args, "--processes", "2", "--context", "process"]),
    ];
    await Promise.all(hosts.map((h) => h.ready));
    pool = new ClusterPool({ cluster: { redis: redis.url, queue: "t" }, module: TASKS });
  });

  after(async () => {
    await pool?.terminate();
    await stopHosts(hosts);
    await redis?.stop();
  });

  it("map(), starmap() and apply() return results in input order", async () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    assert.deepEqual(await pool.map(square, xs), xs.map((x) => x * x));
    assert.deepEqual(await pool.map(square, xs, 7), xs.map((x) => x * x));
    assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4]]), [3, 7]);
    assert.equal(await pool.apply(add, [20, 22]), 42);
    assert.deepEqual(await pool.map(square, []), []);
  });

  it("new Pool({ cluster }) from the main entry is a ClusterPool on the same hosts", async () => {
    const viaPool = new Pool({ cluster: { redis: redis.url, queue: "t" }, module: TASKS });
    try {
      assert.ok(viaPool instanceof ClusterPool);
      assert.deepEqual(await viaPool.map(square, [1, 2, 3]), [1, 4, 9]);
    } finally {
      await viaPool.terminate();
    }
  });

  it("runs on hosts of two runtimes", async () => {
    const seen = new Set(await pool.map(slowRuntime, Array.from({ length: 24 }, () => 150), 1));
    assert.deepEqual([...seen].sort(), [currentRuntime(), otherRuntime()].sort());
  });

  it("applyAsync() calls its callback once and get(timeout) keeps the result usable", async () => {
    const values: number[] = [];
    const result = pool.applyAsync(square, [9], { callback: (v) => values.push(v) });
    await assert.rejects(pool.applyAsync(slow, [1, 3_000]).get(0), { name: "TimeoutError" });
    assert.equal(await result.get(60_000), 81);
    assert.deepEqual(values, [81]);
    assert.ok(result.successful());
  });

  it("imap() keeps input order, imapUnordered() yields every result", async () => {
    const out: number[] = [];
    for await (const y of pool.imap(square, [1, 2, 3, 4, 5, 6, 7], 2)) out.push(y);
    assert.deepEqual(out, [1, 4, 9, 16, 25, 36, 49]);
    const unordered: number[] = [];
    for await (const y of pool.imapUnordered(square, [1, 2, 3, 4])) unordered.push(y);
    assert.deepEqual(unordered.sort((a, b) => a - b), [1, 4, 9, 16]);
  });

  it("errors keep their class and the remote stack", async () => {
    const error = await pool.map(failOn13, [1, 13, 3]).then(() => undefined, (e) => e);
    assert.ok(error instanceof TaskError, String(error));
    assert.equal(error.input, 13);
    assert.ok(error.cause instanceof RemoteError);
    assert.match((error.cause as RemoteError).remoteStack, /failOn13/);
    const it = pool.imap(failOn13, [12, 13, 14], 1);
    assert.equal((await it.next()).value, 12);
    await assert.rejects(it.next(), TaskError);
    assert.equal((await it.next()).value, 14);
  });

  it("refuses source-text functions at submission with a TypeError", () => {
    assert.throws(() => pool.map((x: number) => x + 1, [1]), TypeError);
    assert.throws(() => pool.apply(function notExported() {}), /export/);
  });

  it("a host runs only exports of its modules", async () => {
    await using other = new ClusterPool({
      cluster: { redis: redis.url, queue: "t" },
      module: OTHER,
    });
    await assert.rejects(other.apply(double, [2]), (e: unknown) => {
      assert.ok(e instanceof ProcessError);
      assert.match(e.message, /serves only module\(s\) 'cluster_tasks', not 'cluster_other'/);
      return true;
    });
  });

  it("terminate() settles every pending result at once; other pools go on", async () => {
    const doomed = new ClusterPool({ cluster: { redis: redis.url, queue: "t" }, module: TASKS });
    const big = doomed.map(sleepy, Array.from({ length: 40 }, () => 1_000), 1);
    const errors: unknown[] = [];
    const one = doomed.applyAsync(slow, [1, 5_000], { errorCallback: (e) => errors.push(e) });
    const it = doomed.imap(sleepy, [5_000, 5_000]);
    const settled = Promise.all([
      assert.rejects(big, /Pool terminated/),
      assert.rejects(one.get(), /Pool terminated/),
      assert.rejects(it.next(), /Pool terminated/),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const meanwhile = pool.map(square, [1, 2, 3]);
    await doomed.terminate();
    await settled;
    await doomed.terminate();
    assert.equal(errors.length, 1, "errorCallback ran once");
    assert.throws(() => doomed.map(square, [1]), /Pool not running/);
    assert.deepEqual(await meanwhile, [1, 4, 9]);
  });

  it("close() then join() waits for the submitted calls", async () => {
    const p = new ClusterPool({ cluster: { redis: redis.url, queue: "t" }, module: TASKS });
    await assert.rejects(p.join(), /still running/);
    const result = p.mapAsync(square, [1, 2]);
    p.close();
    await p.join();
    assert.ok(result.ready());
    assert.deepEqual(await result.get(), [1, 4]);
  });
});
