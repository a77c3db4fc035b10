import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  Lock,
  ProcessError,
  RLock,
  Semaphore,
  withLock,
  withLockSync,
} from "../../mod.ts";

describe("Lock (in one thread)", () => {
  it("Lock.acquire() takes a free lock; acquire(false) returns false at once when taken", async () => {
    const lock = new Lock();
    assert.equal(lock.locked(), false);
    assert.equal(await lock.acquire(), true);
    assert.equal(lock.locked(), true);
    assert.equal(await lock.acquire(false), false);
    assert.equal(await lock.acquire({ block: false }), false);
    assert.equal(lock.acquireSync(false), false);
    lock.release();
    assert.equal(lock.locked(), false);
  });

  it("Lock.acquire(timeout) returns false when the time is up; a negative timeout counts as 0", async () => {
    const lock = new Lock();
    await lock.acquire();
    const started = performance.now();
    assert.equal(await lock.acquire(true, 30), false);
    assert.equal(await lock.acquire({ timeout: 20 }), false);
    assert.equal(await lock.acquire(true, -5), false);
    assert.equal(lock.acquireSync(true, 10), false);
    assert.equal(lock.acquireSync({ timeout: -1 }), false);
    assert.ok(performance.now() - started < 10_000);
    lock.release();
  });

  it("Lock.acquire() waits until the holder releases", async () => {
    const lock = new Lock();
    await lock.acquire();
    setTimeout(() => lock.release(), 20);
    assert.equal(await lock.acquire(), true);
    lock.release();
  });

  it("Lock.release() of an unlocked lock throws", () => {
    const lock = new Lock();
    assert.throws(() => lock.release(), ProcessError);
    assert.throws(() => lock.release(), /not locked/);
  });

  it("Lock.acquire() rejects bad arguments with TypeError", () => {
    const lock = new Lock();
    assert.throws(() => lock.acquire("yes" as unknown as boolean), TypeError);
    assert.throws(
      () => lock.acquire(true, "10" as unknown as number),
      /'timeout' must be a number/,
    );
    assert.throws(() => lock.acquire({ block: 1 as unknown as boolean }), TypeError);
    assert.throws(() => lock.acquireSync(true, Number.NaN), TypeError);
  });

  it("Lock [Symbol.dispose] and [Symbol.asyncDispose] release it", async () => {
    const lock = new Lock();
    await lock.acquire();
    lock[Symbol.dispose]();
    assert.equal(lock.locked(), false);
    await lock.acquire();
    await lock[Symbol.asyncDispose]();
    assert.equal(lock.locked(), false);
  });
});

describe("withLock()", () => {
  it("withLock() holds the lock while fn runs, returns its result and releases on error", async () => {
    const lock = new Lock();
    assert.equal(await withLock(lock, () => lock.locked()), true);
    assert.equal(lock.locked(), false);
    await assert.rejects(withLock(lock, () => Promise.reject(new Error("boom"))), /boom/);
    assert.equal(lock.locked(), false);
    assert.equal(withLockSync(lock, () => 7), 7);
    assert.equal(lock.locked(), false);
  });

  it("withLock() with a timeout rejects when the lock stays taken", async () => {
    const lock = new Lock();
    await lock.acquire();
    await assert.rejects(withLock(lock, () => 1, { timeout: 20 }), ProcessError);
    assert.throws(() => withLockSync(lock, () => 1, { timeout: 0 }), ProcessError);
    lock.release();
  });

  it("withLock() works with semaphores and conditions", async () => {
    const sem = new Semaphore(1);
    assert.equal(await withLock(sem, () => sem.getValue()), 0);
    assert.equal(sem.getValue(), 1);
    const cond = new Condition();
    assert.equal(await withLock(cond, () => "in"), "in");
  });
});

describe("RLock (in one thread)", () => {
  it("RLock.acquire() is reentrant and needs as many releases", async () => {
    const lock = new RLock();
    assert.equal(await lock.acquire(), true);
    assert.equal(await lock.acquire(false), true);
    assert.equal(lock.acquireSync(), true);
    lock.release();
    lock.release();
    assert.equal(lock.locked(), true);
    lock.release();
    assert.equal(lock.locked(), false);
    assert.throws(() => lock.release(), ProcessError);
  });
});

describe("Semaphore and BoundedSemaphore (in one thread)", () => {
  it("Semaphore counts acquires and releases", async () => {
    const sem = new Semaphore(2);
    assert.equal(sem.getValue(), 2);
    assert.equal(await sem.acquire(), true);
    assert.equal(sem.acquireSync(), true);
    assert.equal(await sem.acquire(false), false);
    assert.equal(await sem.acquire(true, 10), false);
    assert.equal(sem.getValue(), 0);
    setTimeout(() => sem.release(), 10);
    assert.equal(await sem.acquire({ timeout: 5000 }), true);
    sem.release(2);
    assert.equal(sem.getValue(), 2);
    sem.release(); // a plain Semaphore may go above its initial value
    assert.equal(sem.getValue(), 3);
    assert.equal(new Semaphore().getValue(), 1);
  });

  it("BoundedSemaphore.release() above the initial value throws", async () => {
    const sem = new BoundedSemaphore(1);
    assert.throws(() => sem.release(), /released too many times/);
    await sem.acquire();
    sem.release();
    assert.throws(() => sem.release(), ProcessError);
    assert.equal(sem.getValue(), 1);
    assert.ok(sem instanceof Semaphore);
  });

  it("Semaphore rejects a negative or non-integer value", () => {
    assert.throws(() => new Semaphore(-1), RangeError);
    assert.throws(() => new BoundedSemaphore(-1), /'value' must be a non-negative integer/);
    assert.throws(() => new Semaphore(1.5), RangeError);
    assert.throws(() => new Semaphore("2" as unknown as number), TypeError);
    assert.throws(() => new Semaphore(1).release(0), RangeError);
  });
});

describe("Event (in one thread)", () => {
  it("Event.wait() resolves true once set, false on timeout", async () => {
    const event = new Event();
    assert.equal(event.isSet(), false);
    assert.equal(await event.wait(10), false);
    assert.equal(await event.wait({ timeout: -1 }), false);
    assert.equal(event.waitSync(5), false);
    setTimeout(() => event.set(), 10);
    assert.equal(await event.wait(), true);
    assert.equal(event.isSet(), true);
    assert.equal(event.waitSync(), true);
    event.clear();
    assert.equal(event.isSet(), false);
    assert.throws(() => event.wait("1" as unknown as number), TypeError);
  });
});

describe("Condition (in one thread)", () => {
  it("Condition.wait() returns true when notified, false on timeout", async () => {
    const cond = new Condition();
    await cond.acquire();
    assert.equal(await cond.wait(10), false);
    setTimeout(async () => {
      await cond.acquire();
      cond.notify();
      cond.release();
    }, 10);
    assert.equal(await cond.wait(5000), true);
    cond.release();
  });

  it("Condition.waitFor() accepts an async predicate and returns its last result", async () => {
    const cond = new Condition(new Lock());
    let n = 0;
    const timer = setInterval(async () => {
      await cond.acquire();
      n++;
      cond.notifyAll();
      cond.release();
    }, 5);
    await cond.acquire();
    assert.equal(await cond.waitFor(() => Promise.resolve(n >= 3 ? "done" : "")), "done");
    assert.equal(await cond.waitFor(() => false, 10), false);
    cond.release();
    clearInterval(timer);
  });

  it("Condition.notify(n) wakes n waiters, notifyAll() the rest", async () => {
    // A Lock, not the default RLock: these waiters are async tasks of one thread,
    // which an RLock would count as one holder.
    const cond = new Condition(new Lock());
    let woken = 0;
    const waiters = [0, 1, 2].map(async () => {
      await cond.acquire();
      if (await cond.wait(10_000)) woken++;
      cond.release();
    });
    await new Promise((r) => setTimeout(r, 200)); // all three are waiting by now
    await cond.acquire();
    cond.notify(2);
    cond.release();
    for (let i = 0; i < 100 && woken < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(woken, 2);
    await cond.acquire();
    cond.notifyAll();
    cond.release();
    await Promise.all(waiters);
    assert.equal(woken, 3);
  });

  it("Condition.wait() and notify() without the lock throw", async () => {
    const cond = new Condition();
    await assert.rejects(cond.wait(1), /lock not acquired/);
    assert.throws(() => cond.notify(), ProcessError);
    assert.throws(() => cond.waitSync(1), ProcessError);
    assert.throws(() => new Condition({} as Lock), TypeError);
    await cond.acquire();
    assert.throws(() => cond.notify(-1), RangeError);
    assert.throws(() => cond.waitForSync(() => Promise.resolve(true), 10), TypeError);
    cond.release();
  });
});

describe("Barrier (in one thread)", () => {
  it("Barrier.wait() gives distinct indices and runs the action once per round", async () => {
    let actions = 0;
    const barrier = new Barrier(3, { action: () => actions++ });
    assert.equal(barrier.parties, 3);
    for (let round = 0; round < 3; round++) {
      const indices = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
      assert.deepEqual(indices.sort(), [0, 1, 2]);
    }
    assert.equal(actions, 3);
    assert.equal(barrier.nWaiting, 0);
  });

  it("Barrier.abort() breaks waiters; reset() makes it usable again", async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(barrier.nWaiting, 1);
    barrier.abort();
    await assert.rejects(waiting, BrokenBarrierError);
    assert.equal(barrier.broken, true);
    await assert.rejects(barrier.wait(), BrokenBarrierError);
    barrier.reset();
    assert.equal(barrier.broken, false);
    assert.deepEqual((await Promise.all([barrier.wait(), barrier.wait()])).sort(), [0, 1]);
  });

  it("Barrier.wait(timeout) breaks the barrier when the time runs out", async () => {
    const barrier = new Barrier(2, { timeout: 20 });
    await assert.rejects(barrier.wait(), BrokenBarrierError);
    assert.equal(barrier.broken, true);
    barrier.reset();
    await assert.rejects(barrier.wait({ timeout: 10 }), BrokenBarrierError);
    barrier.reset();
    assert.throws(() => barrier.waitSync(0), BrokenBarrierError);
  });

  it("Barrier reset() while a party waits breaks that wait", async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    await new Promise((r) => setTimeout(r, 10));
    barrier.reset();
    await assert.rejects(waiting, BrokenBarrierError);
    assert.equal(barrier.broken, false);
  });

  it("A failing Barrier action breaks the barrier and reaches its caller", async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error("action failed");
      },
    });
    const results = await Promise.allSettled([barrier.wait(), barrier.wait()]);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason);
    assert.ok(reasons.some((e) => e instanceof BrokenBarrierError));
    assert.ok(reasons.some((e) => /action failed/.test(String(e))));
    assert.equal(barrier.broken, true);
  });

  it("Barrier rejects bad parties and options", () => {
    assert.throws(() => new Barrier(0), RangeError);
    assert.throws(() => new Barrier(-2), /'parties' must be a positive integer, received -2/);
    assert.throws(() => new Barrier(1.5), RangeError);
    assert.throws(() => new Barrier("2" as unknown as number), TypeError);
    assert.throws(() => new Barrier(2, { action: 1 as unknown as () => void }), TypeError);
    assert.throws(() => new Barrier(2, { timeout: "x" as unknown as number }), TypeError);
  });
});
