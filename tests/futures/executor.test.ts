import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  asCompleted,
  CancelledError,
  Event,
  FIRST_COMPLETED,
  type Future,
  ProcessError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  wait,
  WorkerLostError,
} from "../../mod.ts";
import { exitWorker, fail, forever, sleepThen, waitThen } from "./_tasks.ts";

const KINDS = [
  ["ThreadPoolExecutor", ThreadPoolExecutor, "thread"],
  ["ProcessPoolExecutor", ProcessPoolExecutor, "process"],
] as const;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const [name, Kind, context] of KINDS) {
  describe(name, () => {
    it("runs in its context; submit() -> result(), exception(), await", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      assert.equal(executor.context, context);
      assert.equal(executor.maxWorkers, 2);
      const f = executor.submit((a: number, b: number) => a + b, 2, 3);
      assert.equal(await f.result(), 5);
      assert.equal(await f.exception(), undefined);
      assert.equal(await f, 5);
      assert.equal(f.done() && !f.running() && !f.cancelled(), true);
      const bad = executor.submit(fail, 4);
      await assert.rejects(bad.result(), (e) => e instanceof RangeError && e.message === "bad 4");
      const error = await bad.exception();
      assert.ok(error instanceof RangeError);
    });

    it("cancel() before start; running() and done() of a running call", async () => {
      await using executor = new Kind({ maxWorkers: 1 });
      const first = executor.submit(sleepThen, 300, "first");
      const second = executor.submit(sleepThen, 0, "second");
      const third = executor.submit(sleepThen, 0, "third");
      assert.equal(first.running(), true);
      assert.equal(second.running(), false);
      assert.equal(first.cancel(), false, "a running call is not cancelled");
      assert.equal(third.cancel(), true);
      assert.equal(third.cancelled() && third.done() && !third.running(), true);
      await assert.rejects(third.result(), CancelledError);
      assert.equal(await first, "first");
      assert.equal(await second, "second");
      assert.equal(third.cancel(), true);
      assert.equal(first.cancel(), false);
    });

    it("addDoneCallback is called once, added before and after completion", async () => {
      await using executor = new Kind({ maxWorkers: 1 });
      const f = executor.submit(sleepThen, 20, 1);
      let before = 0;
      f.addDoneCallback((g) => {
        assert.equal(g, f);
        assert.equal(g.done(), true);
        before++;
      });
      await f;
      let after = 0;
      f.addDoneCallback(() => after++);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(before, 1);
      assert.equal(after, 1);
    });

    it("map(): input order, several iterables (zip), chunksize, async input", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      const squares = await collect(executor.map((x: number) => x * x, [3, 1, 2]));
      assert.deepEqual(squares, [9, 1, 4]);
      const powers = executor.map((a: number, b: number) => a ** b, [2, 3, 4, 5], [3, 2, 1], {
        chunksize: 2,
      });
      assert.deepEqual(await collect(powers), [8, 9, 4]);
      async function* slowly(): AsyncGenerator<number> {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          yield i;
        }
      }
      const fromAsync = executor.map((x: number, y: number) => x + y, slowly(), [
        10,
        20,
        30,
        40,
        50,
      ]);
      assert.deepEqual(await collect(fromAsync), [10, 21, 32, 43, 54]);
      assert.deepEqual(await collect(executor.map((x: number) => x, [])), []);
    });

    it("map() with buffersize reads its input lazily (endless input, then break)", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      let read = 0;
      function* naturals(): Generator<number> {
        for (let i = 0;; i++) {
          read++;
          yield i;
        }
      }
      const it = executor.map((x: number) => x * 2, naturals(), { buffersize: 3 });
      assert.equal(read, 3, "buffersize items are read at once");
      const out: number[] = [];
      for await (const y of it) {
        out.push(y);
        assert.ok(read <= out.length + 3, `read ${read} for ${out.length} consumed`);
        if (out.length === 10) break;
      }
      assert.deepEqual(out, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
      const readAtBreak = read;
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(read, readAtBreak, "nothing is read after break");
    });

    it("map(): an error at its position ends the iterator; timeout rejects TimeoutError", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      const it = executor.map((x: number) => {
        if (x === 2) throw new TypeError("two");
        return x;
      }, [0, 1, 2, 3]);
      assert.equal((await it.next()).value, 0);
      assert.equal((await it.next()).value, 1);
      await assert.rejects(it.next(), (e) => e instanceof TypeError && e.message === "two");
      assert.equal((await it.next()).done, true);
      const slow = executor.map(sleepThen, [0, 3000], ["fast", "slow"], { timeout: 1000 });
      assert.equal((await slow.next()).value, "fast");
      await assert.rejects(slow.next(), (e) => (e as Error).name === "TimeoutError");
      assert.equal((await slow.next()).done, true);
    });

    it("map(): the input's own error comes at its position; a stalled async input times out", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      function* broken(): Generator<number> {
        yield 1;
        yield 2;
        throw new SyntaxError("input broke");
      }
      const it = executor.map((x: number) => x * 10, broken());
      assert.equal((await it.next()).value, 10);
      assert.equal((await it.next()).value, 20);
      await assert.rejects(
        it.next(),
        (e) => e instanceof SyntaxError && e.message === "input broke",
      );
      assert.equal((await it.next()).done, true);
      async function* stalls(): AsyncGenerator<number> {
        yield 1;
        await new Promise(() => {});
      }
      const stalled = executor.map((x: number) => x, stalls(), { timeout: 2000 });
      assert.equal((await stalled.next()).value, 1);
      await assert.rejects(stalled.next(), (e) => (e as Error).name === "TimeoutError");
    });

    it("wait() and asCompleted() over its futures, in completion order", async () => {
      await using executor = new Kind({ maxWorkers: 3 });
      // Each call ends when its event is set: the test decides the completion order.
      const events = [new Event(), new Event(), new Event()];
      const fs = events.map((e, i) => executor.submit(waitThen, e, i));
      const none = await wait(fs, { timeout: 50, returnWhen: FIRST_COMPLETED });
      assert.equal(none.notDone.size, 3);
      const it = asCompleted(fs);
      const order: number[] = [];
      for (const i of [2, 0, 1]) {
        events[i].set();
        if (i === 2) {
          const first = await wait(fs, { returnWhen: FIRST_COMPLETED });
          assert.deepEqual([...first.done], [fs[2]]);
        }
        const r = await it.next();
        order.push(await (r.value as Future<number>).result());
      }
      assert.deepEqual(order, [2, 0, 1]);
      assert.equal((await it.next()).done, true);
      const all = await wait(fs);
      assert.equal(all.done.size, 3);
    });

    it("shutdown() waits for pending calls; submit after it throws", async () => {
      const executor = new Kind({ maxWorkers: 1 });
      const fs = [1, 2, 3].map((x) => executor.submit(sleepThen, 20, x));
      const mapped = executor.map((x: number) => -x, [1, 2]);
      await executor.shutdown();
      assert.equal(fs.every((f) => f.done()), true);
      assert.deepEqual(await Promise.all(fs), [1, 2, 3]);
      assert.deepEqual(await collect(mapped), [-1, -2]);
      assert.throws(
        () => executor.submit(sleepThen, 0, 0),
        (e) =>
          e instanceof ProcessError &&
          e.message === "Cannot submit: the executor has been shut down",
      );
      assert.throws(() => executor.map((x: number) => x, [1]), ProcessError);
      await executor.shutdown(); // again: harmless
    });

    it("shutdown({ wait: false }) returns at once; the calls still finish", async () => {
      const executor = new Kind({ maxWorkers: 1 });
      const f = executor.submit(sleepThen, 100, "later");
      await executor.shutdown({ wait: false });
      assert.equal(f.done(), false);
      assert.equal(await f, "later");
      await executor.shutdown();
    });

    it("shutdown({ cancelFutures: true }) cancels what has not started", async () => {
      const executor = new Kind({ maxWorkers: 1 });
      const running = executor.submit(sleepThen, 100, "ran");
      const queued = [1, 2, 3].map((x) => executor.submit(sleepThen, 0, x));
      let lazyRead = 0;
      const lazy = executor.map(
        (x: number) => x,
        (function* () {
          for (;;) yield lazyRead++;
        })(),
        { buffersize: 2 },
      );
      await executor.shutdown({ cancelFutures: true });
      assert.equal(queued.every((f) => f.cancelled()), true);
      assert.equal(await running, "ran");
      await assert.rejects(lazy.next(), CancelledError);
      assert.equal(lazyRead, 2);
    });

    it("a lazy map stops reading at shutdown and says so where the input was cut", async () => {
      const executor = new Kind({ maxWorkers: 1 });
      function* naturals(): Generator<number> {
        for (let i = 0;; i++) yield i;
      }
      const it = executor.map((x: number) => x, naturals(), { buffersize: 2 });
      await executor.shutdown();
      assert.equal((await it.next()).value, 0);
      assert.equal((await it.next()).value, 1);
      await assert.rejects(
        it.next(),
        (e) => e instanceof ProcessError && /after shutdown/.test(e.message),
      );
    });

    it("terminateWorkers() settles every pending future at once", async () => {
      const executor = new Kind({ maxWorkers: 2 });
      const stuck = [executor.submit(forever), executor.submit(forever)];
      const queued = executor.submit(sleepThen, 0, 1);
      const mapped = executor.map(forever, [[], []] as never);
      const calls = new Map<unknown, number>();
      for (const f of [...stuck, queued]) {
        f.addDoneCallback(() => calls.set(f, (calls.get(f) ?? 0) + 1));
      }
      await executor.terminateWorkers();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual([...calls.values()], [1, 1, 1], "each future settles exactly once");
      for (const f of stuck) {
        assert.equal(f.done(), true);
        assert.ok((await f.exception()) instanceof ProcessError);
      }
      assert.equal(queued.cancelled(), true);
      await assert.rejects(mapped.next(), CancelledError);
      assert.throws(() => executor.submit(sleepThen, 0, 0), ProcessError);
      await executor.shutdown();
      await executor.killWorkers();
    });

    it("killWorkers() settles every pending future at once", async () => {
      const executor = new Kind({ maxWorkers: 1 });
      const stuck = executor.submit(forever);
      await executor.killWorkers();
      assert.ok((await stuck.exception()) instanceof ProcessError);
    });

    it("a worker's death fails only its future", async () => {
      await using executor = new Kind({ maxWorkers: 2 });
      const fs = [0, 1, 2, 3].map((x) => executor.submit(sleepThen, 20, x));
      const dead = executor.submit(exitWorker);
      const after = [4, 5].map((x) => executor.submit(sleepThen, 0, x));
      assert.ok((await dead.exception()) instanceof WorkerLostError);
      assert.deepEqual(await Promise.all([...fs, ...after]), [0, 1, 2, 3, 4, 5]);
    });

    it("initializer, initargs and maxTasksPerChild reach the pool", async () => {
      await using executor = new Kind({
        maxWorkers: 1,
        initializer: (tag: string) => {
          (globalThis as { tag?: string }).tag = tag;
        },
        initargs: ["ready"],
        maxTasksPerChild: 1,
      });
      const read = () => (globalThis as { tag?: string }).tag;
      assert.deepEqual(await Promise.all([executor.submit(read), executor.submit(read)]), [
        "ready",
        "ready",
      ]);
    });

    it("bad input: maxWorkers, options, fn, map arguments", async () => {
      for (const bad of [0, -1, 1.5]) {
        assert.throws(
          () => new Kind({ maxWorkers: bad }),
          (e) =>
            e instanceof RangeError &&
            e.message ===
              `Cannot create ${name}: 'maxWorkers' must be a positive integer, received ${bad}`,
        );
      }
      assert.throws(() => new Kind(0), RangeError);
      assert.throws(() => new Kind({ maxWorkers: "2" as never }), TypeError);
      assert.throws(() => new Kind({ maxTasksPerChild: 0 }), RangeError);
      assert.throws(() => new Kind({ initializer: 1 as never }), TypeError);
      assert.throws(
        () => new Kind({ initargs: 1 as never }),
        (e) =>
          e instanceof TypeError &&
          e.message === `Cannot create ${name}: 'initargs' must be an array, received 1`,
      );
      await using executor = new Kind({ maxWorkers: 1 });
      assert.throws(() => executor.submit(5 as unknown as () => void), TypeError);
      assert.throws(() => executor.submit(Math.max), TypeError);
      assert.throws(() => executor.map((x: number) => x, 5 as never), TypeError);
      assert.throws(() => executor.map((x: number) => x, [1], { chunksize: 0 }), RangeError);
      assert.throws(() => executor.map((x: number) => x, [1], { buffersize: -1 }), RangeError);
      assert.throws(() => executor.map((x: number) => x, [1], { timeout: Number.NaN }), TypeError);
      await assert.rejects(executor.shutdown({ wait: "yes" as never }), TypeError);
    });
  });
}
