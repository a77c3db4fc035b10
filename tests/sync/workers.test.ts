import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  Pool,
  RLock,
  Semaphore,
  Value,
} from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const context of CONTEXTS) {
  describe(`Semaphore, Event, Condition and Barrier across workers (${context} context)`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 3, context });
    });
    after(async () => {
      await pool.terminate();
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

    it("many blocking calls from two workers are each carried out exactly once", async () => {
      const sem = new BoundedSemaphore(1); // a second release of one hold would throw
      const counter = new Value("i", 0, { lock: false });
      await pool.map(
        (args: [BoundedSemaphore, Value<"i">]) => {
          const [sem, counter] = args;
          for (let i = 0; i < 300; i++) {
            sem.acquireSync();
            counter.value = counter.value + 1;
            sem.release();
          }
        },
        [[sem, counter], [sem, counter]] as [BoundedSemaphore, Value<"i">][],
        1,
      );
      assert.equal(counter.value, 600);
      assert.equal(sem.getValue(), 1);
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
