import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../src/pool/pool.ts";
import { Process } from "../../src/process/process.ts";
import type { Context } from "../../src/runtime/types.ts";
import { Value } from "../../src/shared/mod.ts";
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  RLock,
  Semaphore,
} from "../../src/sync/mod.ts";

const CONTEXTS: readonly Context[] = ["thread", "process"];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const context of CONTEXTS) {
  describe(`sync primitives across workers (${context} context)`, () => {
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

    it("a Semaphore(2) lets at most two workers in", async () => {
      const sem = new Semaphore(2);
      const inside = new Value("i", 0);
      const peak = new Value("i", 0);
      await pool.map(
        async (args: [Semaphore, Value<"i">, Value<"i">]) => {
          const [sem, inside, peak] = args;
          for (let i = 0; i < 3; i++) {
            await sem.acquire();
            const lock = inside.getLock();
            await lock.acquire();
            const now = (await inside.get()) + 1;
            await inside.set(now);
            if (now > (await peak.get())) await peak.set(now);
            lock.release();
            await new Promise((r) => setTimeout(r, 5));
            await lock.acquire();
            await inside.set((await inside.get()) - 1);
            lock.release();
            sem.release();
          }
        },
        [0, 1, 2].map(() => [sem, inside, peak]) as [Semaphore, Value<"i">, Value<"i">][],
        1,
      );
      assert.ok(peak.value >= 1 && peak.value <= 2, `peak ${peak.value}`);
      assert.equal(sem.getValue(), 2);
    });

    it("a BoundedSemaphore released too often in a worker throws there", async () => {
      const sem = new BoundedSemaphore(1);
      await sem.acquire();
      const got = await pool.apply((sem: BoundedSemaphore) => {
        sem.release();
        try {
          sem.release();
          return "no error";
        } catch (e) {
          return (e as Error).message;
        }
      }, [sem]);
      assert.match(String(got), /released too many times/);
      assert.equal(sem.getValue(), 1);
    });

    it("a worker notifies a Condition (over a Lock) the main thread waits on", async () => {
      const cond = new Condition(new Lock());
      const flag = new Value("i", 0);
      await cond.acquire();
      const notifier = pool.apply(async (cond: Condition, flag: Value<"i">) => {
        await new Promise((r) => setTimeout(r, 30));
        await cond.acquire();
        flag.value = 1;
        cond.notifyAll();
        cond.release();
      }, [cond, flag]);
      assert.equal(await cond.waitFor(() => flag.value === 1, 30_000), true);
      cond.release();
      await notifier;
    });

    it("an Event set by the main thread wakes a waiting worker", async () => {
      const event = new Event();
      assert.equal(await pool.apply((e: Event) => e.wait(20), [event]), false);
      const waiting = pool.apply((e: Event) => e.wait(30_000), [event]);
      await sleep(20);
      event.set();
      assert.equal(await waiting, true);
      await pool.apply((e: Event) => e.clear(), [event]);
      assert.equal(event.isSet(), false);
    });

    it("a Condition notified by the main thread wakes a worker in waitFor()", async () => {
      const cond = new Condition();
      const flag = new Value("i", 0);
      const waiting = pool.apply(async (cond: Condition, flag: Value<"i">) => {
        await cond.acquire();
        try {
          return await cond.waitFor(async () => (await flag.get()) === 1, 30_000);
        } finally {
          cond.release();
        }
      }, [cond, flag]);
      await sleep(30);
      await cond.acquire();
      flag.value = 1;
      cond.notifyAll();
      cond.release();
      assert.equal(await waiting, true);
    });

    it("a Barrier of 3 parties (two workers and the main thread) gives indices 0..2", async () => {
      const barrier = new Barrier(3);
      const workers = [0, 1].map(() => pool.apply((b: Barrier) => b.wait(30_000), [barrier]));
      const mine = await barrier.wait(30_000);
      const all = [mine, ...(await Promise.all(workers))].sort();
      assert.deepEqual(all, [0, 1, 2]);
    });

    it("a Barrier's action runs in one participant; a failing action breaks the barrier", async () => {
      const barrier = new Barrier(2, {
        action: () => {
          throw new RangeError("action failed");
        },
      });
      const outcomes = await Promise.all([0, 1].map(() =>
        pool.apply(async (b: Barrier) => {
          try {
            await b.wait(30_000);
            return "passed";
          } catch (e) {
            return (e as Error).name;
          }
        }, [barrier])
      ));
      assert.deepEqual(outcomes.sort(), ["BrokenBarrierError", "RangeError"]);
      assert.equal(barrier.broken, true);
    });

    it("a Barrier aborted by the main thread breaks a waiting worker", async () => {
      const barrier = new Barrier(2);
      const waiting = pool.apply(async (b: Barrier) => {
        try {
          await b.wait(30_000);
          return "passed";
        } catch (e) {
          return (e as Error).name;
        }
      }, [barrier]);
      await sleep(30);
      barrier.abort();
      assert.equal(await waiting, "BrokenBarrierError");
    });

    it(
      context === "thread"
        ? "a worker thread that ends holding a Lock leaves it locked: acquire({ timeout }) returns false in time"
        : "a child process that ends holding a Lock: the next waiter releases it",
      async () => {
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
        if (context === "thread") {
          assert.equal(await lock.acquire({ timeout: 100 }), false);
          assert.equal(lock.acquireSync(true, 50), false);
          assert.equal(await rlock.acquire({ timeout: 50 }), false);
          assert.equal(lock.locked(), true);
          lock.release(); // any thread may release a Lock: recover by hand
          assert.equal(await lock.acquire(false), true);
        } else {
          assert.equal(await lock.acquire({ timeout: 10_000 }), true);
          assert.equal(lock.acquireSync(false), false); // now held by this thread
          assert.equal(await rlock.acquire({ timeout: 10_000 }), true);
          rlock.release();
        }
        lock.release();
        assert.ok(performance.now() - started < 10_000);
      },
    );

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

    it("the blocking ...Sync forms and synchronous queries work in a worker", async () => {
      const lock = new Lock();
      const rlock = new RLock();
      const event = new Event();
      const sem = new Semaphore(2);
      const barrier = new Barrier(1);
      event.set();
      const result = await pool.apply(
        (lock: Lock, rlock: RLock, event: Event, sem: Semaphore, barrier: Barrier) => {
          const out: unknown[] = [lock.acquireSync(true, 1000), lock.locked()];
          out.push(lock.acquireSync(false), lock.acquireSync({ timeout: 20 }));
          lock.release();
          out.push(lock.locked());
          try {
            lock.release();
          } catch (e) {
            out.push((e as Error).name);
          }
          out.push(rlock.acquireSync(), rlock.acquireSync(), rlock.locked());
          rlock.release();
          rlock.release();
          out.push(event.isSet(), event.waitSync(10), sem.acquireSync(), sem.getValue());
          sem.release();
          out.push(barrier.waitSync(1000), barrier.nWaiting, barrier.broken);
          return out;
        },
        [lock, rlock, event, sem, barrier],
      );
      assert.deepEqual(result, [
        true,
        true,
        false,
        false,
        false,
        "ProcessError",
        true,
        true,
        true,
        true,
        true,
        true,
        1,
        0,
        0,
        false,
      ]);
      assert.equal(lock.locked(), false);
      assert.equal(rlock.locked(), false);
      assert.equal(sem.getValue(), 2);
    });

    it("a Condition works with the blocking forms in a worker", async () => {
      const cond = new Condition();
      const flag = new Value("i", 0);
      const waiting = pool.apply((cond: Condition, flag: Value<"i">) => {
        cond.acquireSync();
        try {
          return cond.waitForSync(() => flag.value === 1, 30_000);
        } finally {
          cond.release();
        }
      }, [cond, flag]);
      await sleep(30);
      await cond.acquire();
      flag.value = 1;
      cond.notify();
      cond.release();
      assert.equal(await waiting, true);
    });
  });
}
