import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JoinableQueue, ProcessError, Queue } from "../../mod.ts";

describe("JoinableQueue (in one thread)", () => {
  it("JoinableQueue.join() resolves once every item is reported done", async () => {
    const q = new JoinableQueue<number>();
    assert.ok(q instanceof Queue);
    await q.join(); // nothing put yet
    await q.put(1);
    await q.put(2);
    let joined = false;
    const join = q.join().then(() => (joined = true));
    await q.get();
    q.taskDone();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(joined, false);
    await q.get();
    q.taskDone();
    await join;
    assert.equal(joined, true);
    q.joinSync();
  });

  it("JoinableQueue.taskDone() called too often throws", async () => {
    const q = new JoinableQueue<number>(1);
    assert.throws(() => q.taskDone(), ProcessError);
    await q.put(1);
    q.taskDone();
    assert.throws(() => q.taskDone(), /called too many times/);
  });

  it("JoinableQueue rejects a bad maxsize", () => {
    assert.throws(() => new JoinableQueue(-2), RangeError);
    assert.throws(() => new JoinableQueue(null as unknown as number), TypeError);
  });
});
