import { after, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { AsyncResult, Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { sleepThen } from "./_tasks.ts";

for (const context of CONTEXTS) {
  describe(`Pool.apply / applyAsync (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    it("Pool.apply() returns fn(...args) computed in a worker", async () => {
      assert.equal(await pool.apply((a: number, b: number) => a * 10 + b, [4, 2]), 42);
    });

    it("Pool.apply() without args calls fn()", async () => {
      assert.deepEqual(await pool.apply((...args: unknown[]) => args.length), 0);
    });

    it("Pool.apply() awaits an async function in the worker", async () => {
      const fn = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { doubled: x * 2 };
      };
      assert.deepEqual(await pool.apply(fn, [21]), { doubled: 42 });
    });

    it("Pool.apply() runs the function in a worker, not in the main thread", async () => {
      const g = globalThis as { __poolApplyMarker?: string };
      g.__poolApplyMarker = "main";
      try {
        const seen = await pool.apply(() =>
          (globalThis as { __poolApplyMarker?: string }).__poolApplyMarker ?? "absent"
        );
        assert.equal(seen, "absent");
      } finally {
        delete g.__poolApplyMarker;
      }
    });

    it("Pool.apply() rejects with the task's error", async () => {
      await assert.rejects(
        pool.apply((x: number) => {
          throw new Error(`bad ${x}`);
        }, [7]),
        { name: "Error", message: "bad 7" },
      );
    });

    it("Pool.applyAsync() returns an AsyncResult whose get() gives the value", async () => {
      const r = pool.applyAsync((s: string) => s.toUpperCase(), ["abc"]);
      assert.ok(r instanceof AsyncResult);
      assert.equal(await r.get(60_000), "ABC");
    });

    it("Pool.applyAsync() runs callback once, in the main thread, with the value", async () => {
      const seenInMain: unknown[] = [];
      const callback = mock.fn((value: unknown) => {
        seenInMain.push(value);
      });
      const errorCallback = mock.fn();
      const r = pool.applyAsync(sleepThen, [30, 5], { callback, errorCallback });
      assert.equal(await r.get(), 5);
      // Let any extra (wrong) invocation happen before counting.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(callback.mock.callCount(), 1);
      assert.deepEqual(callback.mock.calls[0].arguments, [5]);
      assert.deepEqual(seenInMain, [5]);
      assert.equal(errorCallback.mock.callCount(), 0);
    });

    it("Pool.applyAsync() runs errorCallback once with the error", async () => {
      const callback = mock.fn();
      const errorCallback = mock.fn((_error: unknown) => {});
      const r = pool.applyAsync(
        () => {
          throw new RangeError("out of range");
        },
        [],
        { callback, errorCallback },
      );
      await assert.rejects(r.get(), RangeError);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(errorCallback.mock.callCount(), 1);
      const error = errorCallback.mock.calls[0].arguments[0];
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, "out of range");
      assert.equal(callback.mock.callCount(), 0);
      assert.equal(r.successful(), false);
    });

    it("Pool.applyAsync() runs many tasks concurrently on both workers", async () => {
      const results = Array.from(
        { length: 20 },
        (_, i) => pool.applyAsync((x: number) => x * x, [i]),
      );
      const values = await Promise.all(results.map((r) => r.get()));
      assert.deepEqual(values, Array.from({ length: 20 }, (_, i) => i * i));
    });

    it("Pool.apply() passes structured-cloneable arguments and results intact", async () => {
      const input = {
        date: new Date(0),
        map: new Map([["a", 1]]),
        set: new Set([1, 2]),
        bytes: new Uint8Array([1, 2, 3]),
        big: 12345678901234567890n,
        nested: [{ deep: [null, undefined, -0, NaN] }],
      };
      const out = await pool.apply((v: typeof input) => v, [input]);
      assert.deepEqual(out, input);
      assert.ok(out.date instanceof Date);
      assert.ok(out.map instanceof Map);
      assert.ok(out.bytes instanceof Uint8Array);
    });
  });
}
