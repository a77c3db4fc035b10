import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProcessError, SimpleQueue } from "../../mod.ts";

describe("SimpleQueue (in one thread)", () => {
  it("SimpleQueue.get() returns items in put order", async () => {
    const q = new SimpleQueue<unknown>();
    assert.equal(q.empty(), true);
    await q.put({ a: 1 });
    q.putSync([2]);
    assert.equal(q.empty(), false);
    assert.deepEqual(await q.get(), { a: 1 });
    assert.deepEqual(q.getSync(), [2]);
    const later = q.get();
    setTimeout(() => q.put("late"), 10);
    assert.equal(await later, "late");
  });

  it("SimpleQueue.put() of a value that cannot be cloned fails at once", async () => {
    const q = new SimpleQueue<unknown>();
    await assert.rejects(q.put(() => 1), TypeError);
    assert.equal(q.empty(), true);
  });

  it("SimpleQueue.close() stops this handle", async () => {
    const q = new SimpleQueue<number>();
    q.close();
    await assert.rejects(q.put(1), ProcessError);
    await assert.rejects(q.get(), ProcessError);
  });
});
