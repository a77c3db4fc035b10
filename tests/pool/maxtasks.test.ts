import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range, workerToken } from "./_tasks.ts";

/** Groups `[token, count]` pairs by worker token. */
function byWorker(pairs: readonly [number, number][]): Map<number, number[]> {
  const workers = new Map<number, number[]>();
  for (const [token, count] of pairs) {
    const counts = workers.get(token) ?? [];
    counts.push(count);
    workers.set(token, counts);
  }
  return workers;
}

for (const context of CONTEXTS) {
  describe(`Pool maxtasksperchild (${context})`, () => {
    it("a worker is replaced after maxtasksperchild tasks (a fresh worker lacks the old state)", async () => {
      const pool = new Pool({ processes: 2, context, maxtasksperchild: 2 });
      try {
        const pairs: [number, number][] = [];
        for (let i = 0; i < 6; i++) pairs.push(await pool.apply(workerToken));
        const workers = byWorker(pairs);
        for (const [token, counts] of workers) {
          assert.ok(counts.length <= 2, `worker ${token} ran ${counts.length} tasks`);
          assert.ok(Math.max(...counts) <= 2);
        }
        assert.ok(workers.size >= 3, `6 tasks ran on only ${workers.size} workers`);
        // Concurrent submissions obey the limit too.
        const concurrent = await Promise.all(
          range(6).map(() => pool.applyAsync(workerToken).get(60_000)),
        );
        for (const [, counts] of byWorker(concurrent)) assert.ok(counts.length <= 2);
        for (const [, count] of concurrent) assert.ok(count <= 2);
      } finally {
        await pool.terminate();
      }
    });

    it("a chunk counts as one task", async () => {
      const pool = new Pool({ processes: 1, context, maxtasksperchild: 1 });
      try {
        const out = (await pool.map(workerToken, range(10), 5)).map(([token]) => token);
        assert.equal(new Set(out.slice(0, 5)).size, 1, "the first chunk ran in one worker");
        assert.equal(new Set(out.slice(5)).size, 1, "the second chunk ran in one worker");
        assert.notEqual(out[0], out[5], "each chunk got a fresh worker");
        const next = await pool.apply(() =>
          (globalThis as { __poolTestToken?: number }).__poolTestToken ?? null
        );
        assert.equal(next, null, "a fresh worker serves the next task");
      } finally {
        await pool.terminate();
      }
    });

    it("map with chunksize 1 across replacements obeys the limit; close() + join() ends cleanly", async () => {
      const pool = new Pool({ processes: 2, context, maxtasksperchild: 3 });
      try {
        const tokens = await pool.map(workerToken, range(12), 1);
        for (const [, counts] of byWorker(tokens)) assert.ok(counts.length <= 3);
        assert.ok(byWorker(tokens).size >= 4);
        pool.close();
        await pool.join();
      } finally {
        await pool.terminate();
      }
    });

    it('map\'s default chunking is adaptive ("auto"); "python" cuts ceil(n / 4P) exactly', async () => {
      // With maxtasksperchild 1 every chunk runs in a fresh worker, so the number
      // of distinct workers is the number of chunks.
      const chunks = async (chunksize?: "python"): Promise<number> => {
        const pool = new Pool({ processes: 2, context, maxtasksperchild: 1 });
        try {
          const tokens = await pool.map(
            (_: number) => {
              const g = globalThis as { __chunkToken?: number };
              return g.__chunkToken ??= Math.random();
            },
            range(40),
            chunksize,
          );
          return new Set(tokens).size;
        } finally {
          await pool.terminate();
        }
      };
      assert.equal(await chunks("python"), 8); // ceil(40 / (4 * 2)) = 5 items per chunk
      // "auto" probes with 1-item chunks before it has measured anything, and
      // no chunk is larger than Python's: more than 8 chunks.
      assert.ok((await chunks()) > 8);
    });
  });
}
