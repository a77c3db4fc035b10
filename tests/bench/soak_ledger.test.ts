import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkerLostError } from "../../mod.ts";
import { Ledger } from "../../bench/soak/_ledger.ts";

describe("soak ledger", () => {
  const dir = mkdtempSync(join(tmpdir(), "soak-ledger-"));
  const log = join(dir, "runs.log");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("counts lost, wrong, twice-settled and twice-run tasks, and excuses external kills", () => {
    const books = new Ledger();
    const right = books.add("healthy", (id) => id * 10);
    right.resolve(right.id * 10);
    const wrongValue = books.add("healthy", (id) => id * 10);
    wrongValue.resolve(-1);
    const lost = books.add("healthy", () => 0);
    lost.reject(new WorkerLostError("gone"));
    const unsettled = books.add("healthy", () => 0);
    unsettled.hung = true;
    const twice = books.add("healthy", (id) => id * 10);
    twice.resolve(twice.id * 10);
    twice.reject(new Error("again"));
    const excused = books.add("healthy", () => 0);
    excused.exposed = true;
    excused.reject(new WorkerLostError("two deaths"));
    const thrown = books.add("throw");
    thrown.reject(new Error(`soak task ${thrown.id} throws`));
    const resolvedFault = books.add("exit3");
    resolvedFault.resolve(1);
    const kill = books.add("sigkill");
    kill.reject(new WorkerLostError("killed"));
    writeFileSync(
      log,
      [
        `${right.id} w1`,
        `${right.id} w2`, // twice, no kill on w1/w2
        `${wrongValue.id} w3`,
        `${wrongValue.id} w4`, // twice, but w3 was killed from outside
        `${kill.id} w3`,
        `${kill.id} w5`,
      ].join("\n") + "\n",
    );
    const t = books.tally(log);
    assert.equal(t.healthy, 6);
    assert.equal(t.healthyLost, 3);
    assert.deepEqual(t.lostBecause, { "wrong value": 1, WorkerLostError: 1, unsettled: 1 });
    assert.equal(t.healthyLostExcused, 1);
    assert.equal(t.settledTwice, 1);
    assert.equal(t.faultsWrong, 1);
    assert.match(t.wrongExamples[0], /^exit3 .*resolved with 1/);
    assert.equal(t.runTwice, 1);
    assert.equal(t.runTwiceExcused, 2); // wrongValue (shared w3) and the sigkill task itself
  });
});
