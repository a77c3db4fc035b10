import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { packNumbers, unpackNumbers } from "../../src/transport/numeric_pack.ts";
import { CONTEXTS } from "../_helpers.ts";

/** Awkward numbers: every one must come back exactly (Object.is). */
const SPECIAL = [-0, 0, NaN, Infinity, -Infinity, 2 ** 53 + 2, Number.MIN_VALUE, -1.5e308, 0.1];

function numbers(n: number): number[] {
  return Array.from({ length: n }, (_, i) => SPECIAL[i % SPECIAL.length] ?? i);
}

describe("numeric chunks: packNumbers / unpackNumbers", () => {
  it("round-trips every number exactly", () => {
    const values = numbers(200);
    const packed = packNumbers(values);
    assert.ok(packed instanceof Float64Array);
    const back = unpackNumbers(packed);
    assert.ok(Array.isArray(back));
    assert.equal(back.length, values.length);
    for (let i = 0; i < values.length; i++) assert.ok(Object.is(back[i], values[i]), `index ${i}`);
  });

  it("leaves short chunks and chunks with any non-number as they are", () => {
    assert.equal(packNumbers(numbers(10)), undefined);
    const mixed: unknown[] = numbers(200);
    mixed[150] = "150";
    assert.equal(packNumbers(mixed), undefined);
    assert.equal(packNumbers(["a", ...numbers(100)]), undefined);
    assert.equal(packNumbers([1n, ...numbers(100)]), undefined);
  });
});

for (const context of CONTEXTS) {
  describe(`map over numbers keeps every value exact (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    it("identity map of awkward numbers, large chunks (the packed path)", async () => {
      const values = numbers(1000);
      const out = await pool.map((x: number) => x, values, 250);
      assert.equal(out.length, values.length);
      for (let i = 0; i < values.length; i++) assert.ok(Object.is(out[i], values[i]), `index ${i}`);
    });

    it("a chunk whose results mix numbers and other values arrives unchanged", async () => {
      const out = await pool.map(
        (x: number) => (x % 100 === 99 ? `s${x}` : -x),
        numbers(500).map((_, i) => i),
        250,
      );
      assert.deepEqual(out, Array.from({ length: 500 }, (_, i) => (i % 100 === 99 ? `s${i}` : -i)));
    });

    it("imap over numbers in large chunks yields plain numbers in order", async () => {
      const seen: number[] = [];
      for await (
        const v of pool.imap(
          (x: number) => x * 2,
          Array.from({ length: 400 }, (_, i) => i),
          100,
        )
      ) {
        seen.push(v);
      }
      assert.deepEqual(seen, Array.from({ length: 400 }, (_, i) => i * 2));
    });
  });
}
