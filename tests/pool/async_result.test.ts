import { after, before, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, TimeoutError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range, sleepThen } from "./_tasks.ts";

/** Replace console.error while `body` runs (a throwing callback is logged there). */
async function quietly<T>(body: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = mock.fn();
  try {
    return await body();
  } finally {
    console.error = original;
  }
}

for (const context of CONTEXTS) {
  describe(`AsyncResult (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1); // start both workers
    });
    after(() => pool.terminate());

    it("get(timeout) rejects TimeoutError; a later get() still returns the value", async () => {
      const r = pool.applyAsync(sleepThen, [700, "late"]);
      await assert.rejects(r.get(30), TimeoutError);
      await assert.rejects(r.get(0), TimeoutError);
      await assert.rejects(r.get(-5), TimeoutError, "a negative timeout counts as 0");
      assert.equal(r.ready(), false);
      assert.equal(await r.get(60_000), "late");
      assert.equal(await r.get(0), "late", "a settled result answers at once");
      assert.equal(await r.get(), "late");
    });

    it("TimeoutError is a ProcessError", async () => {
      const r = pool.applyAsync(sleepThen, [300, 1]);
      const error = await r.get(1).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof TimeoutError);
      assert.ok(error instanceof ProcessError);
      assert.equal((error as Error).name, "TimeoutError");
      await r.get();
    });

    it("wait(timeout) resolves when the time is up, without settling the result", async () => {
      const r = pool.applyAsync(sleepThen, [700, 3]);
      const value = await r.wait(30);
      assert.equal(value, undefined);
      assert.equal(r.ready(), false);
      await r.wait();
      assert.equal(r.ready(), true);
      assert.equal(await r.get(0), 3);
      await r.wait(0);
    });

    it("wait() resolves for a failed task too (it never rejects)", async () => {
      const r = pool.applyAsync(() => {
        throw new Error("no");
      });
      await r.wait(60_000);
      assert.equal(r.ready(), true);
      assert.equal(r.successful(), false);
      await assert.rejects(r.get(), { message: "no" });
    });

    it("ready() is false while running and true after", async () => {
      const r = pool.applyAsync(sleepThen, [200, "x"]);
      assert.equal(r.ready(), false);
      await r.get();
      assert.equal(r.ready(), true);
    });

    it("successful() throws while not ready, then tells success from failure", async () => {
      const ok = pool.applyAsync(sleepThen, [200, 1]);
      assert.throws(() => ok.successful());
      await ok.wait();
      assert.equal(ok.successful(), true);
      const bad = pool.applyAsync(async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        throw new Error("bad");
      });
      assert.throws(() => bad.successful());
      await bad.wait();
      assert.equal(bad.successful(), false);
    });

    it("a throwing callback does not wedge the pool", async () => {
      await quietly(async () => {
        const callback = mock.fn(() => {
          throw new Error("callback exploded");
        });
        const r = pool.applyAsync((x: number) => x + 1, [1], { callback });
        assert.equal(await r.get(60_000), 2);
        const m = pool.mapAsync((x: number) => x, range(4), { chunksize: 1, callback });
        assert.deepEqual(await m.get(60_000), range(4));
        assert.equal(callback.mock.callCount(), 2);
      });
      // Later tasks still work.
      assert.deepEqual(
        await pool.map((x: number) => x * 2, range(10), 1),
        range(10).map((x) => x * 2),
      );
      assert.equal(await pool.apply((x: string) => x, ["still alive"]), "still alive");
    });

    it("a throwing errorCallback does not wedge the pool", async () => {
      await quietly(async () => {
        const errorCallback = mock.fn(() => {
          throw new Error("errorCallback exploded");
        });
        const r = pool.applyAsync(
          () => {
            throw new Error("task failed");
          },
          [],
          { errorCallback },
        );
        await assert.rejects(r.get(60_000), { message: "task failed" });
        assert.equal(errorCallback.mock.callCount(), 1);
      });
      assert.deepEqual(await pool.map((x: number) => x + 1, range(6)), range(6).map((x) => x + 1));
    });
  });
}
