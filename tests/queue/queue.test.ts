import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Empty, Full, ProcessError, Queue } from "../../mod.ts";

describe("Queue (in one thread)", () => {
  it("Queue.get() returns items in put order, as structured clones", async () => {
    const q = new Queue<unknown>();
    const items = [1, "two", { three: [3] }, new Map([[4, "four"]]), new Date(5), undefined, 6n];
    for (const item of items) await q.put(item);
    assert.equal(q.qsize(), items.length);
    for (const item of items) assert.deepEqual(await q.get(), item);
    assert.equal(q.empty(), true);
  });

  it("Queue.get({ timeout }) rejects Empty and the queue stays usable", async () => {
    const q = new Queue<number>();
    await assert.rejects(q.get({ timeout: 20 }), Empty);
    await assert.rejects(q.get(true, 10), Empty);
    await assert.rejects(q.get(false), Empty);
    await assert.rejects(q.getNowait(), Empty);
    await assert.rejects(q.get(true, -5), Empty); // a negative timeout counts as 0
    await q.put(1);
    assert.equal(await q.get({ timeout: 20 }), 1);
  });

  it("Queue.put() on a full queue rejects Full; put waits for room", async () => {
    const q = new Queue<number>(2);
    assert.equal(q.maxsize, 2);
    await q.put(1);
    await q.putNowait(2);
    assert.equal(q.full(), true);
    await assert.rejects(q.put(3, false), Full);
    await assert.rejects(q.putNowait(3), Full);
    await assert.rejects(q.put(3, { timeout: 20 }), Full);
    await assert.rejects(q.put(3, true, -1), Full);
    const waiting = q.put(3); // waits for room
    assert.equal(await q.get(), 1);
    await waiting;
    assert.deepEqual([await q.get(), await q.get()], [2, 3]);
    assert.equal(q.full(), false);
  });

  it("Queue.get() waits for a later put", async () => {
    const q = new Queue<string>();
    const got = q.get();
    setTimeout(() => q.put("late"), 20);
    assert.equal(await got, "late");
  });

  it("Queue.putSync()/getSync() work in the main thread too", () => {
    const q = new Queue<number>(1);
    q.putSync(1);
    assert.throws(() => q.putSync(2, false), Full);
    assert.throws(() => q.putSync(2, { timeout: 10 }), Full);
    assert.equal(q.getSync(), 1);
    assert.throws(() => q.getSync(true, 10), Empty);
    assert.throws(() => q.getSync({ block: false }), Empty);
  });

  it("Queue.put() of a value that cannot be cloned fails at once and the queue stays usable", async () => {
    const q = new Queue<unknown>();
    await assert.rejects(q.put(() => 1), TypeError);
    await assert.rejects(q.put({ nested: Symbol("s") }), TypeError);
    assert.throws(() => q.putSync(() => 1), TypeError);
    await assert.rejects(q.put([new Queue()]), /cannot travel through a queue/);
    assert.equal(q.qsize(), 0);
    await q.put("ok");
    assert.equal(await q.get(), "ok");
  });

  it("Queue grows for large items and keeps order across wrap-around", async () => {
    const q = new Queue<Uint8Array>();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 200; round++) {
      const size = 1000 + ((round * 7919) % 300_000);
      await q.put(new Uint8Array(size).fill(next++ % 251));
      if (round % 3 === 0) assert.equal((await q.get())[0], expected++ % 251);
    }
    while (!q.empty()) assert.equal((await q.get())[0], expected++ % 251);
    assert.equal(expected, next);
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    await q.put(big);
    assert.deepEqual(await q.get(), big);
  });

  it("Queue.close() stops this handle only", async () => {
    const q = new Queue<number>();
    q.close();
    await assert.rejects(q.put(1), ProcessError);
    await assert.rejects(q.get(false), ProcessError);
    assert.throws(() => q.getSync(false), ProcessError);
  });

  it("Queue rejects bad arguments with TypeError/RangeError (a NaN timeout is a TypeError)", async () => {
    assert.throws(() => new Queue(-1), RangeError);
    assert.throws(() => new Queue(1.5), RangeError);
    assert.throws(() => new Queue(Number.NaN), RangeError);
    assert.throws(() => new Queue("3" as unknown as number), TypeError);
    assert.throws(() => new Queue(-1), /'maxsize' must be a non-negative integer.*received -1/);
    const q = new Queue<number>();
    await assert.rejects(q.get("yes" as unknown as boolean), TypeError);
    await assert.rejects(q.get(true, Number.NaN), TypeError);
    await assert.rejects(q.get({ timeout: "1" as unknown as number }), TypeError);
    await assert.rejects(q.put(1, 1 as unknown as boolean), TypeError);
  });
});
