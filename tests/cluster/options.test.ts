/**
 * Cluster pieces that need no Redis: CLI arguments, module keys, Redis
 * addresses, and refusals at construction and submission.
 *
 * @module
 */
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { ClusterPool, isClusterHost } from "../../cluster.ts";
import { parseWorkerArgs } from "../../src/cluster/cli.ts";
import { liveProcesses, moduleKey } from "../../src/cluster/protocol.ts";
import { resolveRedis } from "../../src/cluster/redis_options.ts";
import { runJob } from "../../src/cluster/host_runner.ts";

describe("cluster options", () => {
  it("parseWorkerArgs() reads the worker command line", () => {
    const o = parseWorkerArgs([
      "worker",
      "--redis",
      "redis://:pw@127.0.0.1:6390",
      "--queue=mp",
      "--module",
      "a.ts",
      "--module",
      "b.ts",
      "--processes",
      "4",
      "--context",
      "process",
      "--lock-duration",
      "1500",
    ]);
    assert.deepEqual(o.module, ["a.ts", "b.ts"]);
    assert.equal(o.queue, "mp");
    assert.equal(o.processes, 4);
    assert.equal(o.context, "process");
    assert.equal(o.lockDuration, 1500);
    assert.throws(() => parseWorkerArgs(["serve"]), /unknown command/);
    assert.throws(() => parseWorkerArgs(["worker", "--queue", "q"]), /missing --redis/);
    assert.throws(() => parseWorkerArgs(["worker", "--bogus", "1"]), /unknown option --bogus/);
  });

  it("moduleKey() is the file name, so hosts and clients on other machines agree", () => {
    assert.equal(moduleKey("file:///home/a/tasks.ts"), "tasks");
    assert.equal(moduleKey("file:///srv/dist/tasks.js?v=1"), "tasks");
  });

  it("resolveRedis() passes credentials and TLS through and names the address", () => {
    const r = resolveRedis("rediss://user:p%40ss@example.com:6380/2", "x");
    assert.equal(r.address, "example.com:6380");
    assert.equal(r.options.username, "user");
    assert.equal(r.options.password, "p@ss");
    assert.equal(r.options.db, 2);
    assert.deepEqual(r.options.tls, {});
    assert.equal(resolveRedis({ host: "h", port: 1 }, "x").address, "h:1");
    assert.throws(() => resolveRedis("http://h", "x"), TypeError);
    assert.throws(() => resolveRedis(42, "x"), TypeError);
  });

  it("liveProcesses() counts only hosts whose heartbeat has not expired", () => {
    const now = Date.now();
    assert.equal(liveProcesses({ a: `4:${now + 1000}`, b: `2:${now - 1}` }, now), 4);
  });

  it("new ClusterPool() checks its options", () => {
    assert.throws(() => new ClusterPool(undefined as never), TypeError);
    assert.throws(
      () => new ClusterPool({ cluster: { redis: "redis://h", queue: "q" } } as never),
      /'module' must be/,
    );
    assert.throws(
      () => new ClusterPool({ cluster: { redis: "redis://h", queue: "" }, module: "file:///t.ts" }),
      /'cluster.queue'/,
    );
    assert.equal(isClusterHost(), false);
  });

  it("a host refuses jobs naming another module or a missing export, running nothing", () => {
    const modules = new Map([["tasks", {
      key: "tasks",
      url: "file:///tasks.ts",
      namespace: { square: (x: number) => x * x, notFn: 1 },
      pool: undefined as never,
      processes: 1,
    }]]);
    const job = (m: string, f: string) => ({ p: "p", m, f, k: 1, a: [1] });
    assert.throws(() => runJob(job("other", "square"), modules), /serves only module\(s\) 'tasks'/);
    assert.throws(() => runJob(job("tasks", "notFn"), modules), /no exported function 'notFn'/);
    assert.throws(() => runJob(job("tasks", "toString"), modules), /no exported function/);
    assert.throws(() => runJob({ evil: true }, modules), /not a multiprocessing cluster job/);
  });

  it("the core entry point never loads bullmq or ioredis", () => {
    const seen = new Set<string>();
    const bare: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const [, spec] of text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
        if (spec.startsWith(".")) visit(join(dirname(file), spec));
        else bare.push(spec);
      }
    };
    visit(fileURLToPath(new URL("../../mod.ts", import.meta.url)));
    assert.ok(seen.size > 20);
    assert.deepEqual(bare.filter((s) => /bullmq|ioredis/.test(s)), []);
  });
});
