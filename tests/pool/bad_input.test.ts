import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

for (const context of CONTEXTS) {
  describe(`Pool bad arguments fail at the call (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    for (const processes of [0, -1, 1.5, NaN, Infinity]) {
      it(`new Pool({ processes: ${processes} }) throws RangeError`, () => {
        assert.throws(() => new Pool({ processes, context }), (e: unknown) => {
          assert.ok(e instanceof RangeError);
          assert.match(e.message, /processes/);
          assert.match(e.message, new RegExp(`received ${processes}`));
          return true;
        });
      });
    }

    it("new Pool(0) (positional processes) throws RangeError", () => {
      assert.throws(() => new Pool(0), RangeError);
      assert.throws(() => new Pool(-2), RangeError);
    });

    it("new Pool({ processes: '2' }) (a string) throws TypeError", () => {
      assert.throws(() => new Pool({ processes: "2" as unknown as number, context }), TypeError);
    });

    for (const maxtasksperchild of [0, -1, 2.5, NaN]) {
      it(`new Pool({ maxtasksperchild: ${maxtasksperchild} }) throws RangeError`, () => {
        assert.throws(
          () => new Pool({ processes: 1, maxtasksperchild, context }),
          (e: unknown) => e instanceof RangeError && /maxtasksperchild/.test(e.message),
        );
      });
    }

    for (const initializer of [42, "init", {}, [], true]) {
      it(`new Pool({ initializer: ${JSON.stringify(initializer)} }) throws TypeError`, () => {
        assert.throws(
          () =>
            new Pool({ processes: 1, initializer: initializer as unknown as () => void, context }),
          (e: unknown) => e instanceof TypeError && /initializer/.test(e.message),
        );
      });
    }

    for (const chunksize of [0, -1, 1.5, NaN]) {
      it(`chunksize ${chunksize} throws RangeError for map, mapAsync, starmap, imap, imapUnordered`, async () => {
        const fn = (x: number) => x;
        const isRange = (e: unknown) => e instanceof RangeError && /chunksize/.test(e.message);
        await assert.rejects(pool.map(fn, [1, 2], chunksize), isRange);
        await assert.rejects(pool.map(fn, [1, 2], { chunksize }), isRange);
        assert.throws(() => pool.mapAsync(fn, [1, 2], chunksize), isRange);
        await assert.rejects(pool.starmap(fn, [[1]], chunksize), isRange);
        assert.throws(() => pool.starmapAsync(fn, [[1]], chunksize), isRange);
        assert.throws(() => pool.imap(fn, [1, 2], chunksize), isRange);
        assert.throws(() => pool.imapUnordered(fn, [1, 2], { chunksize }), isRange);
      });
    }

    for (const fn of [undefined, null, 42, "x => x", { call() {} }]) {
      it(`a non-function fn (${JSON.stringify(fn) ?? "undefined"}) throws TypeError`, async () => {
        const bad = fn as unknown as (x: number) => number;
        const isType = (e: unknown) => e instanceof TypeError && /'fn'/.test(e.message);
        assert.throws(() => pool.applyAsync(bad, [1]), isType);
        await assert.rejects(pool.apply(bad, [1]), isType);
        await assert.rejects(pool.map(bad, [1]), isType);
        assert.throws(() => pool.mapAsync(bad, [1]), isType);
        await assert.rejects(pool.starmap(bad, [[1]]), isType);
        assert.throws(() => pool.imap(bad, [1]), isType);
        assert.throws(() => pool.imapUnordered(bad, [1]), isType);
      });
    }

    it("a native function (Math.sqrt) throws TypeError saying why", async () => {
      const check = (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /sqrt/);
        assert.match(e.message, /native/);
        return true;
      };
      assert.throws(() => pool.applyAsync(Math.sqrt, [4]), check);
      await assert.rejects(pool.map(Math.sqrt, [4, 9]), check);
      assert.throws(() => pool.imap(Math.sqrt, [4]), check);
    });

    it("a bound function throws TypeError saying why", async () => {
      function scale(this: { k: number }, x: number): number {
        return this.k * x;
      }
      const bound = scale.bind({ k: 2 });
      const check = (e: unknown) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /bound/);
        assert.match(e.message, /scale/);
        return true;
      };
      assert.throws(() => pool.applyAsync(bound, [3]), check);
      await assert.rejects(pool.map(bound, [1]), check);
      assert.throws(() => pool.imapUnordered(bound, [1]), check);
    });

    it("a class passed as fn throws TypeError saying why", () => {
      class Worker {}
      assert.throws(
        () => pool.applyAsync(Worker as unknown as () => void),
        (e: unknown) => e instanceof TypeError && /class/.test(e.message),
      );
    });

    it("a native function as initializer throws TypeError", () => {
      assert.throws(() => new Pool({ processes: 1, initializer: Math.max, context }), TypeError);
    });

    it("a non-iterable input throws TypeError", async () => {
      const fn = (x: number) => x;
      const notIterable = 42 as unknown as number[];
      await assert.rejects(pool.map(fn, notIterable), TypeError);
      assert.throws(() => pool.imap(fn, notIterable), TypeError);
      assert.throws(() => pool.imapUnordered(fn, null as unknown as number[]), TypeError);
    });

    it("args that are not an array throw TypeError", () => {
      assert.throws(() => pool.applyAsync((x: number) => x, 5 as unknown as [number]), TypeError);
    });

    it("an unknown context throws", () => {
      assert.throws(() => new Pool({ processes: 1, context: "fiber" as unknown as "thread" }));
    });

    it("the pool still works after all those refusals", async () => {
      assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3], 1), [2, 4, 6]);
    });
  });
}
