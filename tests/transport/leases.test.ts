import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Event, Lock, Pool, Process, Queue, Value } from "../../mod.ts";
import { leasedCount } from "../../src/transport/leases.ts";
import { CONTEXTS } from "../_helpers.ts";

/** The library's entry, for targets that start processes of their own. */
const MOD = new URL("../../mod.ts", import.meta.url).href;
const TASKS = 60;

for (const context of CONTEXTS) {
  // Only the process context serves objects; in threads nothing is registered.
  const served = context === "process" ? 1 : 0;

  describe(`Objects served to children are released when no child can use them (${context})`, () => {
    const pools: Pool[] = [];
    after(async () => {
      for (const pool of pools) await pool.terminate();
    });

    it("a lock and an event given to a Process are served while it runs, released when it exits, and work again", async () => {
      const base = leasedCount();
      const lock = new Lock();
      const ready = new Event();
      const go = new Event();
      const target = async (lock: Lock, ready: Event, go: Event) => {
        await lock.acquire();
        lock.release();
        ready.set();
        await go.wait();
      };
      const p = new Process({ target, args: [lock, ready, go], context });
      await p.start();
      assert.equal(await ready.wait(60_000), true);
      assert.equal(leasedCount(), base + 3 * served);
      go.set();
      await p.join();
      assert.equal(p.exitcode, 0);
      assert.equal(leasedCount(), base);
      // Still the parent's working lock, and it can be sent again.
      assert.equal(await lock.acquire(false), true);
      lock.release();
      const again = new Process({
        target: (lock: Lock) => {
          if (!lock.acquireSync(false)) throw new Error("not acquired");
          lock.release();
        },
        args: [lock],
        context,
      });
      await again.start();
      await again.join();
      assert.equal(again.exitcode, 0);
      assert.equal(leasedCount(), base);
    });

    it(`${TASKS} pool tasks, each given a new Value, release them all once the pool ends; a Value the parent keeps works on`, async () => {
      const base = leasedCount();
      const kept = new Value("i", 0);
      const pool = new Pool({ processes: 2, context, initargs: [kept] });
      pools.push(pool);
      const bump = (v: Value<"i">, by: number) => {
        v.value += by;
        return v.value;
      };
      const results = await Promise.all(
        Array.from({ length: TASKS }, (_, i) => pool.apply(bump, [new Value("i", i), 1])),
      );
      assert.deepEqual(results, Array.from({ length: TASKS }, (_, i) => i + 1));
      await pool.apply(bump, [kept, 5]);
      // A Value is served with its lock: two objects each. The initargs' stay
      // pinned for the pool's life; the tasks' ones while their worker holds them.
      const during = leasedCount();
      assert.ok(during >= base + 2 * served, `${during} served`);
      assert.ok(during <= base + 2 * (TASKS + 1) * served, `${during} served`);
      await pool.terminate();
      await pool.join();
      assert.equal(leasedCount(), base);
      assert.equal(kept.value, 5);
      const later = new Pool({ processes: 1, context });
      pools.push(later);
      assert.equal(await later.apply(bump, [kept, 2]), 7);
      await later.terminate();
      assert.equal(leasedCount(), base);
    });

    it("a Queue a task keeps using through several tasks stays served until the pool ends", async () => {
      const base = leasedCount();
      const q = new Queue<number>();
      const pool = new Pool({ processes: 1, context });
      pools.push(pool);
      // The first task keeps the queue in the worker's global scope; later ones use it from there.
      await pool.apply((q: Queue<number>) => {
        (globalThis as { keptQueue?: Queue<number> }).keptQueue = q;
      }, [q]);
      for (let i = 0; i < 3; i++) {
        await pool.apply((i: number) => {
          (globalThis as unknown as { keptQueue: Queue<number> }).keptQueue.putSync(i);
        }, [i]);
      }
      assert.equal(leasedCount(), base + served);
      assert.deepEqual([await q.get(), await q.get(), await q.get()], [0, 1, 2]);
      await pool.terminate();
      assert.equal(leasedCount(), base);
    });

    it("an object a child passes on to its own child keeps working there, and is released after both exit", async () => {
      const base = leasedCount();
      const v = new Value("i", 0);
      const outer = async (mod: string, v: Value<"i">, context: string) => {
        const { Process } = await import(mod);
        const inner = new Process({
          target: (v: Value<"i">) => {
            v.getLock().acquireSync();
            v.value += 10;
            v.getLock().release();
          },
          args: [v],
          context,
        });
        await inner.start();
        await inner.join();
        if (inner.exitcode !== 0) throw new Error(`inner exit code ${inner.exitcode}`);
        v.value += 1;
      };
      const p = new Process({ target: outer, args: [MOD, v, context], context });
      await p.start();
      await p.join();
      assert.equal(p.exitcode, 0);
      assert.equal(v.value, 11);
      assert.equal(leasedCount(), base);
    });
  });
}
