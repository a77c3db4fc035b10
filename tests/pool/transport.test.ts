import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MaybeEncodingError, Pool, ProcessError } from "../../mod.ts";
import { CONTEXTS, rejection } from "../_helpers.ts";
import { range, workerToken } from "./_tasks.ts";

function sendMe(): number {
  return 1;
}

class Account {
  #balance = 100;
  readonly owner = "ada";
  get balance(): number {
    return this.#balance;
  }
}

/** Values structured clone refuses on every runtime. */
const UNCLONEABLE: readonly { readonly what: string; readonly value: unknown }[] = [
  { what: "a function", value: sendMe },
  { what: "a symbol", value: Symbol("tag") },
  { what: "a function nested in an object", value: { deep: { sendMe } } },
  { what: "a WeakMap", value: new WeakMap() },
  { what: "a Promise", value: Promise.resolve(1) },
];

for (const context of CONTEXTS) {
  describe(`Pool transport of arguments and results (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    /** Tokens of the workers started so far (a lost worker's replacement has a new one). */
    const tokens = new Set<number>();
    const workerTokens = async (): Promise<Set<number>> => {
      const slow = async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const g = globalThis as { __poolTestToken?: number };
        return g.__poolTestToken ??= Math.random();
      };
      return new Set(await pool.map(slow, range(8), 1));
    };
    before(async () => {
      for (const token of await workerTokens()) tokens.add(token);
    });
    after(() => pool.terminate());

    for (const { what, value } of UNCLONEABLE) {
      it(`an argument that cannot be cloned (${what}) fails that call; the pool keeps working`, async () => {
        const error = await rejection(pool.apply((x: unknown) => typeof x, [value])) as Error;
        assert.ok(error instanceof Error, String(error));
        assert.match(error.message, /clone|send/i, error.message);
        assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
      });
    }

    it("an uncloneable item fails map (and applyAsync's result), not the pool", async () => {
      const items: unknown[] = [1, 2, sendMe, 4];
      const error = await rejection(pool.map((x: unknown) => typeof x, items, 1)) as Error;
      assert.ok(error instanceof Error);
      const r = pool.applyAsync((x: unknown) => x, [Symbol("again")]);
      await assert.rejects(r.get(60_000));
      assert.equal(r.successful(), false);
      assert.deepEqual(
        await pool.map((x: number) => x * 2, range(6), 1),
        range(6).map((x) => x * 2),
      );
    });

    it("no worker was lost to uncloneable arguments", async () => {
      for (const token of await workerTokens()) {
        assert.ok(tokens.has(token), "a task ran on a new (replacement) worker");
      }
    });

    it("a class instance with private state fails the call, naming its class; the pool keeps working", async () => {
      const error = await rejection(pool.apply((a: Account) => a.owner, [new Account()])) as Error;
      assert.ok(error instanceof TypeError, String(error));
      assert.match(error.message, /Account/);
      const nested = await rejection(pool.apply((a: unknown) => a, [{ list: [new Account()] }]));
      assert.ok(nested instanceof TypeError);
      const mapped = await rejection(pool.map((a: unknown) => a, [{}, new Account()], 1));
      assert.ok(mapped instanceof TypeError, String(mapped));
      const it = pool.imap((a: unknown) => typeof a, [1, new Account(), 3]);
      assert.equal((await it.next()).value, "number");
      await assert.rejects(it.next(), TypeError);
      assert.equal((await it.next()).value, "number");
      assert.deepEqual(
        await pool.apply((d: Date, m: Map<string, number>) => [d.getTime(), m.get("a")], [
          new Date(5),
          new Map([["a", 1]]),
        ]),
        [5, 1],
      );
    });

    it("a result that cannot be cloned fails that task with MaybeEncodingError (.exc, .value)", async () => {
      const error = await rejection(pool.apply(() => () => "returned-marker"));
      assert.ok(error instanceof MaybeEncodingError, String(error));
      assert.ok(error instanceof ProcessError);
      assert.equal(error.name, "MaybeEncodingError");
      assert.ok(error.exc instanceof Error, "exc is the encoding error");
      assert.equal(typeof error.value, "string");
      assert.match(error.value, /returned-marker/, "value describes what could not be sent");
      assert.match(error.message, /returned-marker/);

      const symbolError = await rejection(pool.apply(() => Symbol("result")));
      assert.ok(symbolError instanceof MaybeEncodingError);
      assert.match(symbolError.value, /Symbol\(result\)/);
    });

    it("an uncloneable result in map rejects the map; in imap only its position", async () => {
      const fn = (x: number) => (x === 2 ? () => x : x);
      const error = await rejection(pool.map(fn, range(5), 1));
      assert.ok(error instanceof MaybeEncodingError, String(error));
      const seen: unknown[] = [];
      const it = pool.imap(fn, range(5));
      for (let i = 0; i < 5; i++) {
        try {
          seen.push((await it.next(60_000)).value);
        } catch (e) {
          seen.push((e as Error).name);
        }
      }
      assert.deepEqual(seen, [0, 1, "MaybeEncodingError", 3, 4]);
    });

    it("no worker was lost to uncloneable results", async () => {
      for (const token of await workerTokens()) {
        assert.ok(tokens.has(token), "a task ran on a new (replacement) worker");
      }
      const [, count] = await pool.apply(workerToken);
      assert.ok(count >= 1);
    });

    it("method shorthand, function declarations and async arrows all travel by source", async () => {
      const obj = {
        square(x: number): number {
          return x * x;
        },
      };
      function cube(x: number): number {
        return x * x * x;
      }
      const later = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return x + 0.5;
      };
      assert.deepEqual(await pool.map(obj.square, [1, 2, 3]), [1, 4, 9]);
      assert.deepEqual(await pool.map(cube, [1, 2, 3]), [1, 8, 27]);
      assert.deepEqual(await pool.map(later, [1, 2]), [1.5, 2.5]);
    });
  });
}
