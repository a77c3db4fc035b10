import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Barrier, type Context, Pool, Value } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

/** Increments per worker: every request crosses IPC in the process context, so fewer there. */
const INCREMENTS: Record<Context, number> = { thread: 10_000, process: 500 };

for (const context of CONTEXTS) {
  describe(`stress (${context} context)`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 4, context });
    });
    after(async () => {
      await pool.terminate();
    });

    it(`4 workers x ${INCREMENTS[context]} increments of a Value under its lock end exact`, async () => {
      const n = INCREMENTS[context];
      const counter = new Value("i", 0);
      await pool.map(
        async (args: [Value<"i">, number]) => {
          const [counter, n] = args;
          const lock = counter.getLock();
          for (let i = 0; i < n; i++) {
            await lock.acquire();
            await counter.set((await counter.get()) + 1);
            lock.release();
          }
        },
        [0, 1, 2, 3].map(() => [counter, n]) as [Value<"i">, number][],
        1,
      );
      assert.equal(counter.value, 4 * n);
    });

    it("a Barrier of 4 parties holds over 100 generations, indices 0..3 in each", async () => {
      const rounds = new Value("i", 0);
      const barrier = new Barrier(4, { timeout: 60_000 });
      const perWorker = await pool.map(
        async (args: [Barrier, Value<"i">]) => {
          const [barrier, rounds] = args;
          const indices: number[] = [];
          for (let g = 0; g < 100; g++) {
            const index = await barrier.wait();
            if (index === 0) await rounds.set((await rounds.get()) + 1);
            indices.push(index);
          }
          return indices;
        },
        [0, 1, 2, 3].map(() => [barrier, rounds]) as [Barrier, Value<"i">][],
        1,
      );
      for (let g = 0; g < 100; g++) {
        assert.deepEqual(perWorker.map((indices) => indices[g]).sort(), [0, 1, 2, 3]);
      }
      assert.equal(rounds.value, 100);
      assert.equal(barrier.broken, false);
    });

    if (context === "thread") {
      it("without the lock, increments of a Value get lost (the race the lock prevents)", async () => {
        // Unsynchronised read-modify-write in 4 threads: retried until a lost
        // update shows up (it practically always does on the first round).
        let lost = false;
        for (let round = 0; round < 20 && !lost; round++) {
          const counter = new Value("i", 0, { lock: false });
          await pool.map(
            (args: [Value<"i">, number]) => {
              const [counter, n] = args;
              for (let i = 0; i < n; i++) counter.value = counter.value + 1;
            },
            [0, 1, 2, 3].map(() => [counter, 200_000]) as [Value<"i">, number][],
            1,
          );
          lost = counter.value < 800_000;
        }
        assert.equal(lost, true);
      });
    }
  });
}
