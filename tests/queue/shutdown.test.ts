import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Empty, JoinableQueue, Pool, Queue, ShutDown } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

/** In a worker: the name of what `q.get()` (or `getSync()`) ends with. */
async function getOutcome(q: Queue<number>, sync: boolean): Promise<string> {
  try {
    return `item ${sync ? q.getSync() : await q.get()}`;
  } catch (error) {
    return (error as Error).name;
  }
}

/** In a worker: the name of what `q.put(x)` ends with. */
async function putOutcome(q: Queue<number>, x: number, sync: boolean): Promise<string> {
  try {
    if (sync) q.putSync(x);
    else await q.put(x);
    return "put";
  } catch (error) {
    return (error as Error).name;
  }
}

describe("Queue.shutdown() (Python 3.13)", () => {
  it("put() throws ShutDown; get() drains what is left, then throws ShutDown", async () => {
    const q = new Queue<number>();
    await q.put(1);
    q.putSync(2);
    assert.equal(q.isShutdown, false);
    q.shutdown();
    assert.equal(q.isShutdown, true);
    await assert.rejects(q.put(3), ShutDown);
    assert.throws(() => q.putSync(3), ShutDown);
    await assert.rejects(q.putNowait(3), ShutDown);
    assert.equal(await q.get(), 1);
    assert.equal(q.getSync(), 2);
    await assert.rejects(q.get(), ShutDown);
    await assert.rejects(q.getNowait(), (e) => e instanceof ShutDown && !(e instanceof Empty));
    assert.throws(() => q.getSync(true, 10), ShutDown);
    q.shutdown(); // again: harmless
  });

  it("shutdown(true) drops the items left", async () => {
    const q = new Queue<string>();
    await q.put("a");
    await q.put("b");
    q.shutdown(true);
    assert.equal(q.qsize(), 0);
    assert.equal(q.empty(), true);
    await assert.rejects(q.get(), ShutDown);
  });

  it("wakes a blocked getter and a blocked putter", async () => {
    const empty = new Queue<number>();
    const getter = empty.get();
    const full = new Queue<number>(1);
    await full.put(1);
    const putter = full.put(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    empty.shutdown();
    full.shutdown();
    await assert.rejects(getter, ShutDown);
    await assert.rejects(putter, ShutDown);
    assert.equal(await full.get(), 1, "a non-immediate shutdown keeps the items");
  });

  it("JoinableQueue: join() returns after shutdown(true)", async () => {
    const q = new JoinableQueue<number>();
    await q.put(1);
    await q.put(2);
    const joined = q.join();
    q.shutdown(true);
    await joined;
    assert.equal(q.qsize(), 0);
  });

  it("bad input", () => {
    assert.throws(
      () => new Queue().shutdown("yes" as never),
      (e) =>
        e instanceof TypeError &&
        e.message ===
          "Cannot call Queue.shutdown(): 'immediate' must be a boolean, received 'yes'",
    );
  });
});

for (const context of CONTEXTS) {
  describe(`Queue.shutdown() across workers (${context})`, () => {
    it("a worker blocked in get() or getSync() wakes with ShutDown", async () => {
      await using pool = new Pool({ processes: 2, context });
      const q = new Queue<number>();
      const blocked = [false, true].map((sync) => pool.applyAsync(getOutcome, [q, sync]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      q.shutdown();
      assert.deepEqual(await Promise.all(blocked.map((r) => r.get(60_000))), [
        "ShutDown",
        "ShutDown",
      ]);
    });

    it("a worker blocked in put() wakes with ShutDown; immediate drops the items", async () => {
      await using pool = new Pool({ processes: 2, context });
      const q = new Queue<number>(1);
      await q.put(0);
      const blocked = [false, true].map((sync) => pool.applyAsync(putOutcome, [q, 1, sync]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      q.shutdown(true);
      assert.deepEqual(await Promise.all(blocked.map((r) => r.get(60_000))), [
        "ShutDown",
        "ShutDown",
      ]);
      assert.equal(q.qsize(), 0);
    });

    it("a worker's shutdown() is seen by the main thread; gets drain first", async () => {
      await using pool = new Pool({ processes: 1, context });
      const q = new Queue<number>();
      await q.put(7);
      await pool.apply((queue: Queue<number>) => {
        queue.shutdown();
        return queue.isShutdown;
      }, [q]);
      assert.equal(q.isShutdown, true);
      await assert.rejects(q.put(8), ShutDown);
      assert.equal(await pool.apply(getOutcome, [q, false]), "item 7");
      assert.equal(await pool.apply(getOutcome, [q, true]), "ShutDown");
      await assert.rejects(q.get(), ShutDown);
    });
  });
}
