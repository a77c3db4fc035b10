import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CancelledError, Pool } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";
import { identity, sleepThen, spin, untilAborted, workerName } from "../fixtures/cancel_tasks.ts";

const MODULE = new URL("../fixtures/cancel_tasks.ts", import.meta.url).href;
const GRACE_MS = 150;

/** Resolves once `ready()` holds (polling), or rejects after `ms`. */
async function until(ready: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Counts how often a result's callbacks run. */
function counted(): { calls: number; callback(): void; errorCallback(): void } {
  const c = {
    calls: 0,
    callback: () => void c.calls++,
    errorCallback: () => void c.calls++,
  };
  return c;
}

for (const context of CONTEXTS) {
  describe(`Pool cancellation (${context})`, () => {
    const pools: Pool[] = [];
    const make = (processes = 1) => {
      const pool = new Pool({ processes, context, module: MODULE, abortGrace: GRACE_MS });
      pools.push(pool);
      return pool;
    };
    after(async () => {
      await Promise.all(pools.map((pool) => pool.terminate()));
    });

    it("a CPU-bound task that ignores its signal is stopped after abortGrace; the pool goes on", async () => {
      const pool = make();
      const before = await pool.apply(workerName);
      const controller = new AbortController();
      const calls = counted();
      const stuck = pool.applyAsync(spin, [60_000], { signal: controller.signal, ...calls });
      await until(() => stuck.running());
      const behind = pool.applyAsync(identity, ["behind"]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await assert.rejects(stuck.get(), (error) => error === controller.signal.reason);
      assert.equal(await behind.get(), "behind");
      const now = await pool.apply(workerName);
      assert.notEqual(now, before, "the stuck worker was replaced");
      assert.equal(calls.calls, 1);
      pool.close();
      await pool.join();
    });

    it("a stuck task sent behind short ones in one batch is stopped; every other task settles once", async () => {
      const pool = make();
      await pool.apply(workerName); // started, so the tasks below go out together
      const before = await pool.apply(workerName);
      const controller = new AbortController();
      const calls = counted();
      const ahead = Array.from({ length: 30 }, (_, i) => pool.applyAsync(identity, [i], calls));
      const stuck = pool.applyAsync(spin, [60_000], { signal: controller.signal, ...calls });
      const behind = Array.from(
        { length: 5 },
        (_, i) => pool.applyAsync(identity, [100 + i], calls),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      await assert.rejects(stuck.get(), (error) => error === controller.signal.reason);
      assert.deepEqual(await Promise.all(ahead.map((r) => r.get())), [...Array(30).keys()]);
      assert.deepEqual(await Promise.all(behind.map((r) => r.get())), [100, 101, 102, 103, 104]);
      assert.notEqual(await pool.apply(workerName), before, "the stuck worker was replaced");
      assert.equal(calls.calls, 36, "every callback ran once");
      pool.close();
      await pool.join();
    });

    it("a task that watches taskSignal() stops by itself and its worker is reused", async () => {
      const pool = make();
      const before = await pool.apply(workerName);
      const controller = new AbortController();
      const r = pool.applyAsync(untilAborted, [60_000], { signal: controller.signal });
      await until(() => r.running());
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reason = new Error("no longer wanted");
      controller.abort(reason);
      await assert.rejects(r.get(), (error) => error === reason);
      assert.equal(await pool.apply(workerName), before, "same worker");
      pool.close();
      await pool.join();
    });

    it("aborting a queued task rejects it at once and leaves the workers alone", async () => {
      const pool = make();
      const before = await pool.apply(workerName);
      const long = pool.applyAsync(sleepThen, [400, "long"]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const controller = new AbortController();
      const calls = counted();
      const queued = pool.applyAsync(identity, [1], { signal: controller.signal, ...calls });
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(queued.running(), false);
      controller.abort();
      const first = await Promise.race([
        queued.get().catch((error) => error),
        long.get(),
      ]);
      assert.ok(first instanceof DOMException && first.name === "AbortError", String(first));
      assert.equal(await long.get(), "long");
      assert.equal(await pool.apply(workerName), before);
      assert.equal(calls.calls, 1);
      pool.close();
      await pool.join();
    });

    it("an already aborted signal fails the call at once", async () => {
      const pool = make();
      const signal = AbortSignal.abort(new Error("too late"));
      assert.throws(() => pool.applyAsync(identity, [1], { signal }), /too late/);
      await assert.rejects(pool.apply(identity, [1], { signal }), /too late/);
      await assert.rejects(pool.map(identity, [1], { signal }), /too late/);
      assert.throws(() => pool.imap(identity, [1], { signal }), /too late/);
      pool.close();
      await pool.join();
    });

    it("AsyncResult.cancel(): true while queued, false once running or done", async () => {
      const pool = make();
      const running = pool.applyAsync(sleepThen, [300, "ran"]);
      const queued = pool.applyAsync(identity, ["never"]);
      assert.equal(queued.cancel(), true);
      await assert.rejects(queued.get(), CancelledError);
      assert.equal(queued.cancel(), false);
      await until(() => running.running());
      assert.equal(running.cancel(), false);
      assert.equal(await running.get(), "ran");
      assert.equal(running.cancel(), false);
      assert.equal(running.running(), false);
      const map = pool.mapAsync(identity, [1, 2, 3]);
      assert.equal(map.cancel(), true);
      await assert.rejects(map.get(), CancelledError);
      pool.close();
      await pool.join();
    });

    it("a signal cancels a whole map: it rejects once; other calls go on", async () => {
      const pool = make(2);
      const controller = new AbortController();
      const calls = counted();
      const other = pool.mapAsync(sleepThen, [20], { chunksize: 1 });
      const job = pool.mapAsync(untilAborted, Array.from({ length: 20 }, () => 60_000), {
        chunksize: 1,
        signal: controller.signal,
        ...calls,
      });
      await until(() => job.running());
      controller.abort();
      await assert.rejects(job.get(), (error) => error === controller.signal.reason);
      assert.deepEqual(await other.get(), [undefined]);
      assert.equal(await pool.apply(identity, ["after"]), "after");
      assert.equal(calls.calls, 1);
      pool.close();
      await pool.join();
    });

    it("a signal cancels an imap, also one whose chunks ignore it; the iterator rejects once", async () => {
      const pool = make(2);
      const controller = new AbortController();
      const it = pool.imap(spin, Array.from({ length: 50 }, () => 20_000), {
        signal: controller.signal,
      });
      const first = it.next();
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await assert.rejects(first, (error) => error === controller.signal.reason);
      assert.deepEqual(await it.next(), { value: undefined, done: true });
      const other = pool.imapUnordered(identity, [1, 2, 3]);
      const got: number[] = [];
      for await (const x of other) got.push(x);
      assert.deepEqual(got.sort(), [1, 2, 3]);
      pool.close();
      await pool.join();
    });
  });
}
