import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Lock, Pool, Process, RLock, Value } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const context of CONTEXTS) {
  describe(`Lock and RLock across workers (${context} context)`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 3, context });
    });
    after(async () => {
      await pool.terminate();
    });

    it("a Lock passed to pool tasks lets one holder in at a time", async () => {
      const lock = new Lock();
      const inside = new Value("i", 0, { lock: false });
      const overlaps = await pool.map(
        async (args: [Lock, Value<"i">]) => {
          const [lock, inside] = args;
          let overlap = 0;
          for (let i = 0; i < 5; i++) {
            await lock.acquire();
            const n = await inside.get();
            if (n !== 0) overlap++;
            await inside.set(n + 1);
            await new Promise((r) => setTimeout(r, 2));
            await inside.set((await inside.get()) - 1);
            lock.release();
          }
          return overlap;
        },
        [[lock, inside], [lock, inside], [lock, inside]] as [Lock, Value<"i">][],
        1,
      );
      assert.deepEqual(overlaps, [0, 0, 0]);
      assert.equal(lock.locked(), false);
    });

    it("a Lock held by the main thread: a worker's acquire(false) and acquire(timeout) return false", async () => {
      const lock = new Lock();
      await lock.acquire();
      const got = await pool.apply(
        async (lock: Lock) => [await lock.acquire(false), await lock.acquire(true, 30)],
        [lock],
      );
      assert.deepEqual(got, [false, false]);
      const waiting = pool.apply(async (lock: Lock) => {
        const got = await lock.acquire({ timeout: 30_000 });
        lock.release();
        return got;
      }, [lock]);
      await sleep(20);
      lock.release();
      assert.equal(await waiting, true);
    });

    it("a Lock nested in arrays and objects is revived as a working Lock", async () => {
      const lock = new Lock();
      await lock.acquire();
      const got = await pool.apply(
        async (arg: { deep: { locks: Lock[] } }) => {
          const l = arg.deep.locks[0];
          return [l.constructor.name, await l.acquire(false)];
        },
        [{ deep: { locks: [lock] } }],
      );
      assert.deepEqual(got, ["Lock", false]);
      lock.release();
    });

    it("a Lock released by a worker is free in the main thread", async () => {
      const lock = new Lock();
      await pool.apply(async (lock: Lock) => {
        await lock.acquire();
        lock.release();
        await lock.acquire();
      }, [lock]);
      assert.equal(lock.locked(), true);
      lock.release();
    });

    it("an RLock may only be released by its holder", async () => {
      const rlock = new RLock();
      await rlock.acquire();
      await assert.rejects(
        pool.apply((l: RLock) => l.release(), [rlock]),
        /not held by this thread or process/,
      );
      const got = await pool.apply(async (l: RLock) => {
        const twice = (await l.acquire(false)) || "busy";
        return twice;
      }, [rlock]);
      assert.equal(got, "busy");
      rlock.release();
      const reentrant = await pool.apply(async (l: RLock) => {
        const r = [await l.acquire(), await l.acquire(false)];
        l.release();
        l.release();
        return r;
      }, [rlock]);
      assert.deepEqual(reentrant, [true, true]);
      assert.equal(rlock.locked(), false);
    });

    it("a Lock passed on by a worker to its own pool's workers is the same lock", async () => {
      const lock = new Lock();
      await lock.acquire();
      const poolUrl = new URL("../../src/pool/pool.ts", import.meta.url).href;
      const got = await pool.apply(
        async (lock: Lock, poolUrl: string) => {
          const { Pool } = await import(poolUrl);
          const out: unknown[] = [];
          for (const inner of ["thread", "process"]) {
            const nested = new Pool({ processes: 1, context: inner });
            try {
              out.push(
                await nested.apply(async (l: Lock) => [await l.acquire(false), l.locked()], [lock]),
              );
            } finally {
              await nested.terminate();
            }
          }
          return out;
        },
        [lock, poolUrl],
      );
      assert.deepEqual(got, [[false, true], [false, true]]);
      lock.release();
    });

    it("a worker that ends holding a Lock or an RLock: the next waiter releases it", async () => {
      const lock = new Lock();
      const rlock = new RLock();
      const p = new Process({
        target: async (lock: Lock, rlock: RLock) => {
          await lock.acquire();
          await rlock.acquire();
        },
        args: [lock, rlock],
        context,
      });
      p.start();
      await p.join(30_000);
      assert.equal(p.exitcode, 0);
      const started = performance.now();
      assert.equal(await lock.acquire({ timeout: 20_000 }), true);
      assert.equal(lock.acquireSync(false), false); // now held by this thread
      assert.equal(await rlock.acquire({ timeout: 20_000 }), true);
      assert.equal(await rlock.acquire(false), true); // reentrant for its new holder
      rlock.release();
      rlock.release();
      lock.release();
      assert.equal(rlock.locked(), false);
      assert.ok(performance.now() - started < 20_000);
    });

    it("a Lock held by a busy worker is not taken from it", async () => {
      const lock = new Lock();
      const held = new Value("i", 0);
      const busy = pool.apply((lock: Lock, held: Value<"i">) => {
        lock.acquireSync();
        held.value = 1;
        const until = Date.now() + 1500;
        while (Date.now() < until) {
          // computing, never yielding, for 1.5 s
        }
        lock.release();
        return "released";
      }, [lock, held]);
      while (held.value === 0) await sleep(5);
      assert.equal(await lock.acquire({ timeout: 500 }), false);
      assert.equal(await busy, "released");
      assert.equal(await lock.acquire({ timeout: 10_000 }), true);
      lock.release();
    });

    it("a worker killed while waiting for a Lock does not take it", async () => {
      const lock = new Lock();
      await lock.acquire();
      const p = new Process({
        target: async (lock: Lock) => {
          await lock.acquire();
        },
        args: [lock],
        context,
      });
      p.start();
      await sleep(300);
      await p.kill();
      await p.join(30_000);
      lock.release();
      assert.equal(await lock.acquire({ timeout: 10_000 }), true);
      lock.release();
    });
  });
}
