import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Lock, Pool, RLock, SharedArray, type Typecode, Value } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

describe("Value and SharedArray (in one thread)", () => {
  it("Value holds each typecode's values, wrapping like C", () => {
    const cases: [Typecode, number | bigint, number | bigint][] = [
      ["b", 130, -126],
      ["B", 257, 1],
      ["h", -2, -2],
      ["H", 65537, 1],
      ["i", -5, -5],
      ["I", -1, 4294967295],
      ["l", 2 ** 31, -(2 ** 31)],
      ["L", 7, 7],
      ["q", 2n ** 62n, 2n ** 62n],
      ["Q", -1n, 2n ** 64n - 1n],
      ["f", 0.5, 0.5],
      ["d", 0.1, 0.1],
    ];
    for (const [typecode, stored, read] of cases) {
      const v = new Value(typecode, stored as never);
      assert.equal(v.value, read, `typecode ${typecode}`);
      assert.equal(v.typecode, typecode);
    }
    assert.equal(new Value("i").value, 0);
    assert.equal(new Value("q").value, 0n);
  });

  it("Value .value, get() and set() read and write; getLock() is an RLock by default", async () => {
    const v = new Value("d", 1.5);
    v.value += 1;
    assert.equal(await v.get(), 2.5);
    await v.set(4);
    assert.equal(v.value, 4);
    assert.ok(v.getLock() instanceof RLock);
    const lock = new Lock();
    assert.equal(new Value("i", 0, { lock }).getLock(), lock);
    assert.throws(() => new Value("i", 0, { lock: false }).getLock(), TypeError);
  });

  it("Value and SharedArray reject bad typecodes, values and sizes", () => {
    assert.throws(() => new Value("x" as Typecode, 0), /'typecode' must be one of/);
    assert.throws(() => new Value("i", "1" as unknown as number), TypeError);
    assert.throws(() => new Value("q", 1.5 as unknown as bigint), TypeError);
    assert.throws(() => new Value("i", 0, { lock: 1 as unknown as boolean }), TypeError);
    assert.throws(() => new SharedArray("z" as Typecode, 1), TypeError);
    assert.throws(() => new SharedArray("i", -1), RangeError);
    assert.throws(() => new SharedArray("i", 1.5), RangeError);
    assert.throws(() => new SharedArray("i", null as unknown as number), TypeError);
  });

  it("SharedArray indexes, iterates and copies like an array", async () => {
    const arr = new SharedArray("i", [1, 2, 3]);
    assert.equal(arr.length, 3);
    arr[0] = 10;
    assert.equal(arr[0], 10);
    assert.deepEqual([...arr], [10, 2, 3]);
    assert.deepEqual(arr.toArray(), [10, 2, 3]);
    assert.equal(await arr.get(-1), 3);
    await arr.set(1, 20);
    assert.deepEqual(await arr.getAll(), [10, 20, 3]);
    assert.equal(1 in arr, true);
    assert.equal(3 in arr, false);
    assert.throws(() => arr[3], RangeError);
    assert.throws(() => {
      arr[5] = 1;
    }, RangeError);
    assert.ok(arr instanceof SharedArray);
    assert.deepEqual(new SharedArray("d", 2).toArray(), [0, 0]);
    assert.deepEqual(new SharedArray("Q", [1n]).toArray(), [1n]);
    assert.ok(new SharedArray("i", 0).getLock() instanceof RLock);
  });
});

for (const context of CONTEXTS) {
  describe(`Value and SharedArray across workers (${context} context)`, () => {
    let pool: Pool;
    before(() => {
      pool = new Pool({ processes: 2, context });
    });
    after(async () => {
      await pool.terminate();
    });

    it("a worker's writes to a Value and a SharedArray are seen by the main thread", async () => {
      const v = new Value("q", 1n);
      const arr = new SharedArray("d", 3);
      const seen = await pool.apply(
        async (v: Value<"q">, arr: SharedArray<"d">) => {
          const before = [await v.get(), await arr.getAll()];
          await v.set(2n ** 40n);
          await arr.set(2, 0.25);
          v.value = 2n ** 41n; // a plain write works in every context
          return before;
        },
        [v, arr],
      );
      assert.deepEqual(seen, [1n, [0, 0, 0]]);
      assert.equal(await v.get(), 2n ** 41n);
      assert.equal(arr[2], 0.25);
    });

    it("a Value's lock travels with it", async () => {
      const v = new Value("i", 0);
      await v.getLock().acquire();
      const got = await pool.apply(
        async (v: Value<"i">) => [v.getLock().constructor.name, await v.getLock().acquire(false)],
        [v],
      );
      assert.deepEqual(got, ["RLock", false]);
      v.getLock().release();
    });

    it("a Value and a SharedArray read and write synchronously in a worker", async () => {
      const v = new Value("i", 5);
      const arr = new SharedArray("i", [4, 5]);
      const got = await pool.apply((v: Value<"i">, arr: SharedArray<"i">) => {
        v.value += 10;
        arr[0] = arr[1] * 2;
        return [v.value, arr[0], arr.toArray(), [...arr], arr.length];
      }, [v, arr]);
      assert.deepEqual(got, [15, 10, [10, 5], [10, 5], 2]);
      assert.equal(v.value, 15);
      assert.deepEqual(arr.toArray(), [10, 5]);
    });
  });
}
