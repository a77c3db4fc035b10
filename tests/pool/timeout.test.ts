import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, TimeoutError } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";
import { sleepThen, spin, untilAborted, workerName } from "../fixtures/cancel_tasks.ts";

const MODULE = new URL("../fixtures/cancel_tasks.ts", import.meta.url).href;

for (const context of CONTEXTS) {
  describe(`Pool task timeouts (${context})`, () => {
    const pools: Pool[] = [];
    const make = (processes = 1) => {
      const pool = new Pool({ processes, context, module: MODULE, abortGrace: 150 });
      pools.push(pool);
      return pool;
    };
    after(async () => {
      await Promise.all(pools.map((pool) => pool.terminate()));
    });

    it("counts running time only: a task queued behind a long one does not time out", async () => {
      const pool = make();
      const long = pool.applyAsync(sleepThen, [600, "long"]);
      const timed = pool.applyAsync(sleepThen, [50, "in time"], { timeout: 400 });
      assert.equal(await long.get(), "long");
      assert.equal(await timed.get(), "in time");
      pool.close();
      await pool.join();
    });

    it("a cooperative task that runs too long fails with a TimeoutError naming the limit", async () => {
      const pool = make();
      const before = await pool.apply(workerName);
      await assert.rejects(
        pool.apply(untilAborted, [60_000], { timeout: 100 }),
        (error) => error instanceof TimeoutError && /100 ms/.test(error.message),
      );
      assert.equal(await pool.apply(workerName), before, "same worker");
      pool.close();
      await pool.join();
    });

    it("a CPU-bound task that runs too long is stopped; the pool goes on", async () => {
      const pool = make();
      await assert.rejects(pool.apply(spin, [60_000], { timeout: 100 }), TimeoutError);
      assert.equal(await pool.apply(sleepThen, [1, "next"]), "next");
      pool.close();
      await pool.join();
    });

    it("map and imap chunks each get the timeout", async () => {
      const pool = make(2);
      assert.deepEqual(await pool.map(sleepThen, [1, 2, 3], { chunksize: 1, timeout: 5000 }), [
        undefined,
        undefined,
        undefined,
      ]);
      await assert.rejects(
        pool.map(untilAborted, [60_000, 60_000], { chunksize: 1, timeout: 100 }),
        TimeoutError,
      );
      const it = pool.imap(untilAborted, [60_000], { timeout: 100 });
      await assert.rejects(it.next(), TimeoutError);
      pool.close();
      await pool.join();
    });
  });
}
