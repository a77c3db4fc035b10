import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { currentProcess, parentProcess, Pool, Process, Queue } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import type { Seen } from "../fixtures/current_process.ts";

const FIXTURE = new URL("../fixtures/current_process.ts", import.meta.url);

/** What every running process says of itself, as CPython's `current_process()` does. */
function assertRunning(seen: Seen): void {
  assert.equal(seen.alive, true, "isAlive()");
  assert.equal(seen.exitcode, null, "exitcode");
  assert.ok(Number.isInteger(seen.pid) && seen.pid! > 0, `a pid, got ${seen.pid}`);
  assert.ok(Number.isInteger(seen.ident) && seen.ident! > 0, `an ident, got ${seen.ident}`);
  assert.ok(seen.text.startsWith(`<Process name='${seen.name}' `), seen.text);
  assert.match(seen.text, / started/);
}

describe("currentProcess() in the main program", () => {
  it("is a running, non-daemon MainProcess whose pid and ident are the OS pid", async () => {
    const { seen } = await import(FIXTURE.href);
    const me = seen() as Seen;
    assertRunning(me);
    assert.equal(me.name, "MainProcess");
    assert.equal(me.daemon, false);
    assert.equal(me.pid, process.pid);
    assert.equal(me.ident, process.pid);
    assert.equal(me.text, `<Process name='MainProcess' pid=${process.pid} started>`);
    assert.equal(parentProcess(), null);
    assert.equal(currentProcess().isAlive(), true);
  });
});

for (const context of CONTEXTS) {
  describe(`currentProcess() in a worker (${context} context)`, () => {
    it("in a pool worker: running, a daemon, with the OS pid and its own ident", async () => {
      const { seen } = await import(FIXTURE.href);
      const pool = new Pool({ processes: 1, context, module: FIXTURE });
      try {
        const me = await pool.apply(seen) as Seen;
        assertRunning(me);
        assert.equal(me.daemon, true);
        assert.match(me.text, / daemon>$/);
        assert.equal(me.parentPid, process.pid);
        assert.equal(me.parentAlive, true);
        assert.equal(me.parentExitcode, null);
        if (context === "thread") {
          assert.match(me.name, /^ThreadPoolWorker-\d+$/);
          assert.equal(me.pid, process.pid, "threads share the OS process");
          assert.notEqual(me.ident, me.pid, "ident is the thread id");
        } else {
          assert.match(me.name, /^ForkPoolWorker-\d+$/);
          assert.deepEqual(pool.pids, [me.pid]);
          assert.equal(me.ident, me.pid);
        }
      } finally {
        pool.terminate();
        await pool.join();
      }
    });

    it("in a Process target: running, with the OS pid and the Process's ident", async () => {
      const { reportSeen } = await import(FIXTURE.href);
      const queue = new Queue();
      const p = new Process({
        target: reportSeen,
        args: [queue],
        context,
        name: "seer",
        daemon: true,
        module: FIXTURE,
      });
      await p.start();
      const me = await queue.get(true, 60_000) as Seen;
      await p.join(60_000);
      assert.equal(p.exitcode, 0);
      assertRunning(me);
      assert.equal(me.name, "seer");
      assert.equal(me.daemon, true);
      assert.equal(me.ident, p.ident);
      assert.equal(me.parentPid, process.pid);
      assert.equal(me.parentAlive, true);
      if (context === "thread") {
        assert.equal(me.pid, process.pid, "threads share the OS process");
        assert.notEqual(me.ident, me.pid, "ident is the thread id");
      } else {
        assert.equal(me.pid, p.pid);
        assert.notEqual(me.pid, process.pid);
      }
    });
  });
}
