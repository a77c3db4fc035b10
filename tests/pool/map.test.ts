import { after, before, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { AsyncResult, Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range } from "./_tasks.ts";

/** Sleeps longer for smaller x, so completion order is the reverse of input order. */
async function reverseSleep(x: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, (10 - (x % 10)) * 5));
  return x * 10;
}

for (const context of CONTEXTS) {
  describe(`Pool.map / mapAsync / starmap (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1); // start both workers
    });
    after(() => pool.terminate());

    it("Pool.map() preserves input order although completion order differs", async () => {
      assert.deepEqual(await pool.map(reverseSleep, range(20), 1), range(20).map((x) => x * 10));
    });

    for (const chunksize of [1, 2, 3, 7, 10]) {
      it(`Pool.map() with chunksize ${chunksize} returns every item in order`, async () => {
        const out = await pool.map((x: number) => x * x, range(23), chunksize);
        assert.deepEqual(out, range(23).map((x) => x * x));
      });
    }

    it("Pool.map() with a chunksize larger than the input runs one chunk", async () => {
      const out = await pool.map(
        (
          x: number,
        ) => [x, (globalThis as { __mapChunkToken?: number }).__mapChunkToken ??= Math.random()],
        range(5),
        100,
      );
      assert.deepEqual(out.map(([x]) => x), range(5));
      assert.equal(new Set(out.map(([, token]) => token)).size, 1, "all items ran in one worker");
    });

    it("Pool.map() accepts { chunksize }", async () => {
      assert.deepEqual(await pool.map((x: number) => x + 1, range(9), { chunksize: 4 }), [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
      ]);
    });

    it("Pool.map() with the default chunksize handles a long input", async () => {
      const out = await pool.map((x: number) => x % 7, range(1000));
      assert.deepEqual(out, range(1000).map((x) => x % 7));
    });

    it("Pool.map() of an empty input resolves []", async () => {
      assert.deepEqual(await pool.map((x: number) => x, []), []);
    });

    it("Pool.map() awaits async functions in the worker", async () => {
      const fn = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return -x;
      };
      assert.deepEqual(await pool.map(fn, range(6), 2), [-0, -1, -2, -3, -4, -5]);
    });

    it("Pool.map() reads a sync iterable (generator, Set)", async () => {
      function* gen(): Generator<number> {
        for (let i = 0; i < 5; i++) yield i;
      }
      assert.deepEqual(await pool.map((x: number) => x * 3, gen()), [0, 3, 6, 9, 12]);
      assert.deepEqual(await pool.map((s: string) => s + "!", new Set(["a", "b"])), ["a!", "b!"]);
    });

    it("Pool.map() reads an async iterable", async () => {
      async function* gen(): AsyncGenerator<number> {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield i;
        }
      }
      assert.deepEqual(await pool.map((x: number) => x * 3, gen(), 2), [0, 3, 6, 9, 12]);
    });

    it("Pool.map() rethrows the input iterable's own error as it is (no RemoteError cause)", async () => {
      const boom = new SyntaxError("input broke");
      function* gen(): Generator<number> {
        yield 1;
        throw boom;
      }
      async function* agen(): AsyncGenerator<number> {
        yield 1;
        throw boom;
      }
      for (const input of [gen, agen]) {
        let caught: unknown;
        try {
          await pool.map((x: number) => x, input());
        } catch (error) {
          caught = error;
        }
        assert.equal(caught, boom);
        assert.equal((caught as Error).cause, undefined);
      }
    });

    it("Pool.map() rejects with the failure, only after every chunk has finished", async () => {
      // Item 0 fails at once; item 1 takes 800 ms. CPython's rule: map waits for
      // item 1 before it rejects. Rejecting early would take only a few ms.
      const fn = async (x: number) => {
        if (x === 0) throw new TypeError("first failure");
        await new Promise((resolve) => setTimeout(resolve, 800));
        return x;
      };
      const r = pool.mapAsync(fn, [0, 1], 1);
      const started = Date.now();
      await assert.rejects(r.get(60_000), { name: "TypeError", message: "first failure" });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 600, `map rejected after ${elapsed} ms, before the slow chunk ended`);
      assert.equal(r.successful(), false);
    });

    it("Pool.map() rejects with the first failure to arrive", async () => {
      const fn = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, x === 0 ? 600 : 0));
        throw new Error(`failed ${x}`);
      };
      await assert.rejects(pool.map(fn, [0, 1], 1), { message: "failed 1" });
    });

    it("Pool.map() failure leaves the pool usable", async () => {
      await assert.rejects(pool.map(
        (x: number) => {
          if (x === 3) throw new Error("three");
          return x;
        },
        range(8),
        2,
      ));
      assert.deepEqual(await pool.map((x: number) => x + 1, range(4)), [1, 2, 3, 4]);
    });

    it("Pool.mapAsync() returns an AsyncResult and runs callback once with the list", async () => {
      const callback = mock.fn((_values: unknown) => {});
      const errorCallback = mock.fn();
      const r = pool.mapAsync((x: number) => x * 2, range(5), {
        chunksize: 2,
        callback,
        errorCallback,
      });
      assert.ok(r instanceof AsyncResult);
      assert.deepEqual(await r.get(60_000), [0, 2, 4, 6, 8]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(callback.mock.callCount(), 1);
      assert.deepEqual(callback.mock.calls[0].arguments, [[0, 2, 4, 6, 8]]);
      assert.equal(errorCallback.mock.callCount(), 0);
      assert.equal(r.successful(), true);
    });

    it("Pool.mapAsync() runs errorCallback once when a chunk fails", async () => {
      const callback = mock.fn();
      const errorCallback = mock.fn((_error: unknown) => {});
      const r = pool.mapAsync(
        (x: number) => {
          if (x % 2) throw new RangeError(`odd ${x}`);
          return x;
        },
        range(6),
        { chunksize: 1, callback, errorCallback },
      );
      await assert.rejects(r.get(), RangeError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(errorCallback.mock.callCount(), 1);
      assert.ok(errorCallback.mock.calls[0].arguments[0] instanceof RangeError);
      assert.equal(callback.mock.callCount(), 0);
    });

    it("Pool.starmap() unpacks each item as arguments, in input order", async () => {
      const pairs: [number, number][] = range(10).map((i) => [i, 10 - i]);
      assert.deepEqual(
        await pool.starmap((a: number, b: number) => a * b, pairs, 3),
        pairs.map(([a, b]) => a * b),
      );
    });

    it("Pool.starmap() reads an async iterable of argument arrays", async () => {
      async function* gen(): AsyncGenerator<[string, number]> {
        yield ["a", 1];
        yield ["b", 2];
      }
      assert.deepEqual(await pool.starmap((s: string, n: number) => s.repeat(n), gen()), [
        "a",
        "bb",
      ]);
    });

    it("Pool.starmapAsync() returns an AsyncResult with callbacks", async () => {
      const callback = mock.fn((_values: unknown) => {});
      const r = pool.starmapAsync((a: number, b: number) => a - b, [[5, 1], [9, 3]], { callback });
      assert.deepEqual(await r.get(60_000), [4, 6]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(callback.mock.callCount(), 1);
      assert.deepEqual(callback.mock.calls[0].arguments, [[4, 6]]);
    });

    it("Pool.starmapAsync() with a number chunksize", async () => {
      const r = pool.starmapAsync((a: number, b: number) => a + b, range(7).map((i) => [i, i]), 2);
      assert.deepEqual(await r.get(), range(7).map((i) => 2 * i));
    });
  });
}
