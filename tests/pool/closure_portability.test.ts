/**
 * A function sent by source text must be self-contained, and what counts as a
 * closure depends on the runtime's transpiler: Bun inlines a block-scoped
 * `const` with a primitive value into `fn.toString()`, so a closure over it
 * happens to work on Bun and fails on Node and Deno. Passing the value as an
 * argument works everywhere.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

const onBun = (globalThis as { Bun?: unknown }).Bun !== undefined;

for (const context of CONTEXTS) {
  describe(`Closures and the runtime's transpiler (${context})`, () => {
    const pool = new Pool({ processes: 1, context });
    after(() => pool.terminate());

    it("a closure over a block-scoped const: inlined (and so runs) on Bun only; a ReferenceError with the hint elsewhere", async () => {
      const factor = 3;
      const closes = (x: number) => x * factor;
      const inlined = !closes.toString().includes("factor");
      assert.equal(inlined, onBun, `toString() on this runtime: ${closes.toString()}`);
      if (inlined) {
        assert.deepEqual(await pool.map(closes, [1, 2], 1), [3, 6]);
      } else {
        await assert.rejects(pool.map(closes, [1, 2], 1), (error: unknown) => {
          assert.ok(error instanceof ReferenceError, String(error));
          assert.match(error.message, /factor/);
          assert.match(error.message, /self-contained/);
          return true;
        });
      }
    });

    it("the portable form passes the value as an argument: the same result on every runtime", async () => {
      const factor = 3;
      const scale = (x: number, by: number) => x * by;
      assert.deepEqual(await pool.starmap(scale, [[1, factor], [2, factor]], 1), [3, 6]);
      assert.equal(await pool.apply(scale, [5, factor]), 15);
    });
  });
}
