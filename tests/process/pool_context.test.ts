import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { getContext, Pool, WorkerLostError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { pidAlive } from "./_script.ts";

const TARGETS = new URL("../fixtures/process_targets.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`Pool workers know who they are (${context} context)`, () => {
    const pool = new Pool({ context, processes: 1, module: TARGETS });
    after(() => pool.terminate());

    it("currentProcess() in a worker is ThreadPoolWorker-N / ForkPoolWorker-N, a daemon", async () => {
      const { whoAmI } = await import(TARGETS.href);
      const [name, daemon, pid] = await pool.apply(whoAmI) as [string, boolean, number | undefined];
      const prefix = context === "process" ? "ForkPoolWorker" : "ThreadPoolWorker";
      assert.match(name, new RegExp(`^${prefix}-\\d+$`));
      assert.equal(daemon, true);
      if (context === "process") assert.deepEqual(pool.pids, [pid]);
    });
  });

  describe(`getContext("${context}")`, () => {
    it("binds Pool and Process to the context", async () => {
      const ctx = getContext(context);
      assert.equal(ctx.getStartMethod(), context);
      assert.equal(getContext(context), ctx);
      const pool = new ctx.Pool(1);
      try {
        assert.equal(pool.context, context);
        assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
      } finally {
        await pool.terminate();
      }
      const p = new ctx.Process({ target: () => {} });
      assert.equal(p.context, context);
      p.start();
      await p.join();
      assert.equal(p.exitcode, 0);
      const other = context === "thread" ? "process" : "thread";
      const overridden = new ctx.Pool({ processes: 1, context: other });
      assert.equal(overridden.context, other);
      await overridden.terminate();
    });
  });
}

describe("Pool in the process context: losing a child", () => {
  const pool = new Pool({ context: "process", processes: 2 });
  after(() => pool.terminate());

  it("SIGKILL of a child mid-task: the task runs again once, and fails when its second worker is killed too", async () => {
    const pid = await pool.apply(() => process.pid) as number;
    assert.ok(pool.pids.includes(pid));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const hang = pool.apply(sleep, [60_000]);
    // Both workers are busy with long tasks; kill every worker to hit the one holding `hang`.
    const other = pool.apply(sleep, [60_000]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const victims = pool.pids;
    for (const victim of victims) process.kill(victim, "SIGKILL");
    // Killed from outside, what a worker did is unknown: its tasks run again on new workers.
    const deadline = Date.now() + 60_000;
    while (pool.pids.filter((p) => !victims.includes(p)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = pool.pids;
    assert.ok(second.every((p) => !victims.includes(p)), "replacements were started");
    for (const victim of second) process.kill(victim, "SIGKILL");
    const settled = await Promise.allSettled([hang, other]);
    for (const outcome of settled) {
      assert.equal(outcome.status, "rejected");
      const e = (outcome as PromiseRejectedResult).reason as WorkerLostError;
      assert.ok(e instanceof WorkerLostError, String(e));
      assert.match(e.message, /SIGKILL/);
      assert.match(e.message, /second worker/);
      assert.equal(e.signal, "SIGKILL");
    }
    assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
    assert.ok(pool.pids.every((p) => !victims.includes(p) && !second.includes(p)));
  });

  it("after terminate() and join() none of the pool's pids is alive", async () => {
    const p2 = new Pool({ context: "process", processes: 2 });
    await p2.map((x: number) => x, [1, 2, 3, 4], 1);
    const pids = p2.pids;
    assert.equal(pids.length, 2);
    await p2.terminate();
    await p2.join();
    assert.deepEqual(pids.filter(pidAlive), []);
  });

  it("after close() and join() none of the pool's pids is alive", async () => {
    const p3 = new Pool({ context: "process", processes: 2 });
    assert.deepEqual(await p3.map((x: number) => -x, [1, 2, 3, 4], 1), [-1, -2, -3, -4]);
    const pids = p3.pids;
    p3.close();
    await p3.join();
    assert.deepEqual(pids.filter(pidAlive), []);
  });
});
