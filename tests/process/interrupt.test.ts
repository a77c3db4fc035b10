/**
 * `Process.interrupt()` (Python 3.14): SIGINT to a child process; in the thread context the
 * target's `taskSignal()` aborts and a thread that does not end is stopped after a grace period.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Event, Process, ProcessError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { returnOnInterrupt, spin, waitForInterrupt } from "../fixtures/interrupt_targets.ts";

const TARGETS = new URL("../fixtures/interrupt_targets.ts", import.meta.url);

async function started(
  target: (started: Event, ...rest: number[]) => unknown,
  args: number[],
  context: "thread" | "process",
): Promise<Process> {
  const ready = new Event();
  const p = new Process({ target, args: [ready, ...args], context, module: TARGETS });
  p.start();
  assert.equal(await ready.wait(60_000), true, "the target started");
  return p;
}

for (const context of CONTEXTS) {
  describe(`Process.interrupt() (${context} context)`, () => {
    it("a target waiting on its work ends with exitcode -2", async () => {
      const p = await started(waitForInterrupt, [], context);
      p.interrupt();
      await p.join(30_000);
      assert.equal(p.isAlive(), false);
      assert.equal(p.exitcode, -2);
    });

    it("a target that never looks at its signal is stopped: exitcode -2", async () => {
      const p = await started(spin, [20_000], context);
      p.interrupt();
      p.interrupt(); // a second call changes nothing
      await p.join(30_000);
      assert.equal(p.isAlive(), false);
      assert.equal(p.exitcode, -2);
    });

    it("interrupt() before start throws; after the end it does nothing", async () => {
      const p = new Process({ target: () => {}, context });
      assert.throws(() => p.interrupt(), ProcessError);
      p.start();
      await p.join(30_000);
      assert.equal(p.exitcode, 0);
      p.interrupt();
      assert.equal(p.exitcode, 0);
    });
  });
}

describe("Process.interrupt() (thread context)", () => {
  it("a target that returns when its taskSignal() aborts ends with exitcode 0", async () => {
    const p = await started(returnOnInterrupt, [], "thread");
    p.interrupt();
    await p.join(30_000);
    assert.equal(p.exitcode, 0);
  });
});
