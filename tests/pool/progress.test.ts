import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, type Progress } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range } from "./_tasks.ts";

/** Long enough for a stray late call to show up. */
const QUIET_MS = 300;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Call extends Progress {
  readonly at: number;
}

function recorder(): { calls: Call[]; onProgress: (p: Progress) => void } {
  const calls: Call[] = [];
  return { calls, onProgress: (p) => calls.push({ ...p, at: performance.now() }) };
}

/** The rules every progress sequence keeps. */
function checkSequence(calls: readonly Call[], total: number, totalKnown = true): void {
  assert.ok(calls.length >= 1, "called at least once");
  assert.equal(calls[0].done, 0, "the first call, at the start, has done 0");
  for (let i = 1; i < calls.length; i++) {
    assert.ok(calls[i].done >= calls[i - 1].done, `done is monotonic: ${JSON.stringify(calls)}`);
  }
  for (const call of calls) {
    assert.ok(call.done >= 0 && call.done <= total, `done within [0, ${total}]: ${call.done}`);
    if (totalKnown) assert.equal(call.total, total);
  }
  const last = calls.at(-1)!;
  assert.equal(last.done, total, "ends at total");
  assert.equal(last.total, total, "the last call knows the total");
  // Throttled: all but the last call at least PROGRESS_INTERVAL_MS (100 ms) apart. A lower
  // bound of our own throttle, so a slow machine cannot break it.
  for (let i = 1; i < calls.length - 1; i++) {
    assert.ok(calls[i].at - calls[i - 1].at >= 99, `throttled: ${JSON.stringify(calls)}`);
  }
}

/** A task that takes a few milliseconds, so a map spans several throttle intervals. */
async function slowSquare(x: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return x * x;
}

for (const context of CONTEXTS) {
  describe(`onProgress of map-like calls (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1); // start both workers
    });
    after(() => pool.terminate());

    it("Pool.mapAsync(): done is monotonic and ends at total, before the result settles, never after", async () => {
      const { calls, onProgress } = recorder();
      let atSettle = -1;
      const r = pool.mapAsync(slowSquare, range(120), {
        chunksize: 1,
        onProgress,
        callback: () => (atSettle = calls.length),
      });
      assert.deepEqual(await r.get(60_000), range(120).map((x) => x * x));
      checkSequence(calls, 120);
      assert.equal(atSettle, calls.length, "the last call came before the result settled");
      await pause(QUIET_MS);
      assert.equal(calls.length, atSettle, "no call after the result settled");
    });

    for (const chunksize of [1, 4, "auto"] as const) {
      it(`Pool.map() with chunksize ${chunksize}: a sequence that ends at total`, async () => {
        const { calls, onProgress } = recorder();
        const out = await pool.map((x: number) => x + 1, range(50), { chunksize, onProgress });
        assert.deepEqual(out, range(50).map((x) => x + 1));
        checkSequence(calls, 50);
      });
    }

    it("Pool.starmap() and starmapAsync() report progress too", async () => {
      const pairs = range(30).map((x): [number, number] => [x, 2]);
      const a = recorder();
      const out = await pool.starmap((x: number, y: number) => x * y, pairs, {
        chunksize: 3,
        onProgress: a.onProgress,
      });
      assert.deepEqual(out, range(30).map((x) => x * 2));
      checkSequence(a.calls, 30);
      const b = recorder();
      let atSettle = -1;
      const r = pool.starmapAsync((x: number, y: number) => x - y, pairs, {
        onProgress: b.onProgress,
        callback: () => (atSettle = b.calls.length),
      });
      assert.deepEqual(await r.get(60_000), range(30).map((x) => x - 2));
      checkSequence(b.calls, 30);
      assert.equal(atSettle, b.calls.length);
    });

    it("Pool.map() of an async iterable knows the total once it is read", async () => {
      async function* gen(): AsyncGenerator<number> {
        for (let i = 0; i < 20; i++) {
          await pause(1);
          yield i;
        }
      }
      const { calls, onProgress } = recorder();
      assert.deepEqual(
        await pool.map((x: number) => -x, gen(), { chunksize: 2, onProgress }),
        range(20).map((x) => -x),
      );
      checkSequence(calls, 20);
    });

    it("Pool.map() of an empty input calls once with { done: 0, total: 0 }", async () => {
      const { calls, onProgress } = recorder();
      assert.deepEqual(await pool.map((x: number) => x, [], { onProgress }), []);
      assert.deepEqual(calls.map(({ done, total }) => ({ done, total })), [{ done: 0, total: 0 }]);
    });

    it("Pool.mapAsync() that fails still counts every item, then rejects; no call after", async () => {
      const { calls, onProgress } = recorder();
      let atSettle = -1;
      const r = pool.mapAsync(
        (x: number) => {
          if (x === 3) throw new RangeError("three");
          return x;
        },
        range(12),
        { chunksize: 2, onProgress, errorCallback: () => (atSettle = calls.length) },
      );
      await assert.rejects(r.get(60_000), { name: "RangeError", message: "three" });
      checkSequence(calls, 12);
      assert.equal(atSettle, calls.length);
      await pause(QUIET_MS);
      assert.equal(calls.length, atSettle);
    });

    it("a throwing onProgress is reported and does not break the map", async () => {
      const logged: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => logged.push(args);
      try {
        const out = await pool.map((x: number) => x * 3, range(6), {
          chunksize: 3,
          onProgress: () => {
            throw new Error("progress bar broke");
          },
        });
        assert.deepEqual(out, range(6).map((x) => x * 3));
      } finally {
        console.error = original;
      }
      assert.ok(logged.length >= 1, "the error was logged");
      assert.match(String(logged[0][0]), /onProgress/);
    });

    it("a non-function onProgress throws TypeError naming what was received", () => {
      const bad = { onProgress: 5 as unknown as () => void };
      const check = (e: unknown) =>
        e instanceof TypeError && /'onProgress' must be a function, received 5/.test(e.message);
      assert.throws(() => pool.mapAsync((x: number) => x, [1], bad), check);
      assert.throws(() => pool.starmapAsync((x: number) => x, [[1]], bad), check);
      assert.throws(() => pool.imap((x: number) => x, [1], bad), check);
      assert.throws(() => pool.imapUnordered((x: number) => x, [1], bad), check);
    });

    for (const method of ["imap", "imapUnordered"] as const) {
      it(`Pool.${method}() of an array: total is its length; the last call comes before the iteration ends`, async () => {
        const { calls, onProgress } = recorder();
        const out: number[] = [];
        for await (const y of pool[method](slowSquare, range(60), { chunksize: 2, onProgress })) {
          out.push(y);
        }
        const atEnd = calls.length;
        assert.deepEqual(out.sort((a, b) => a - b), range(60).map((x) => x * x));
        checkSequence(calls, 60);
        await pause(QUIET_MS);
        assert.equal(calls.length, atEnd, "no call after the iteration ended");
      });

      it(`Pool.${method}() of a lazy input: total undefined until the input ends, then its count`, async () => {
        function* gen(): Generator<number> {
          for (let i = 0; i < 40; i++) yield i;
        }
        const { calls, onProgress } = recorder();
        const out: number[] = [];
        for await (const y of pool[method](slowSquare, gen(), { onProgress })) out.push(y);
        assert.equal(out.length, 40);
        checkSequence(calls, 40, false);
        for (const call of calls) {
          assert.ok(call.total === undefined || call.total === 40, `total: ${call.total}`);
        }
      });
    }

    it("Pool.imap() of an async input that fails: progress ends at the items that ran", async () => {
      const boom = new URIError("input failed");
      async function* gen(): AsyncGenerator<number> {
        for (let i = 0; i < 7; i++) yield i;
        throw boom;
      }
      const { calls, onProgress } = recorder();
      const it = pool.imap((x: number) => x, gen(), { chunksize: 2, onProgress });
      const seen: unknown[] = [];
      for (;;) {
        try {
          const r = await it.next(60_000);
          if (r.done) break;
          seen.push(r.value);
        } catch (error) {
          seen.push(error);
        }
      }
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, boom]);
      checkSequence(calls, 6, false);
    });

    it("Pool.imap(): no call after a break out of the loop", async () => {
      const { calls, onProgress } = recorder();
      for await (const y of pool.imap(slowSquare, range(200), { onProgress })) {
        if (y >= 4) break;
      }
      const atBreak = calls.length;
      await pause(QUIET_MS);
      assert.equal(calls.length, atBreak);
    });
  });
}
