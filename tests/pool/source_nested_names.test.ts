/**
 * Functions sent by source text may define nested named functions and
 * classes. Under Node 20 + tsx (esbuild `keepNames`), their source text calls
 * a module-level `__name(...)` helper, which the worker must provide.
 *
 * @module
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MaybeEncodingError, Pool, RemoteError } from "../../mod.ts";
import { CONTEXTS, rejection } from "../_helpers.ts";

/** Throws an instance of a class defined in the worker. */
function throwsCustom(): never {
  class QuotaError extends Error {
    readonly limit: number;
    constructor(limit: number) {
      super(`over quota ${limit}`);
      this.name = "QuotaError";
      this.limit = limit;
    }
  }
  throw new QuotaError(10);
}

for (const context of CONTEXTS) {
  describe(`Pool source functions with nested names (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    it("nested named functions, arrows and classes work in the worker", async () => {
      function withInner(n: number): number[] {
        function double(x: number): number {
          return x * 2;
        }
        class Box {
          readonly v: number;
          constructor(v: number) {
            this.v = v;
          }
        }
        const triple = (x: number) => x * 3;
        return [double(n), new Box(n).v, triple(n)];
      }
      assert.deepEqual(await pool.apply(withInner, [5]), [10, 5, 15]);
      assert.deepEqual(await pool.map(withInner, [1, 2]), [[2, 1, 3], [4, 2, 6]]);
    });

    it("an error class defined in the worker keeps its name and properties", async () => {
      const error = await rejection(pool.apply(throwsCustom)) as Error & { limit?: number };
      assert.ok(error instanceof Error);
      assert.equal(error.name, "QuotaError", error.message);
      assert.equal(error.message, "over quota 10");
      assert.equal(error.limit, 10);
      assert.ok(error.cause instanceof RemoteError);
    });

    it("a returned named function fails with MaybeEncodingError naming it", async () => {
      const error = await rejection(pool.apply(() => {
        return function returnedFn() {
          return 1;
        };
      }));
      assert.ok(error instanceof MaybeEncodingError, String(error));
      assert.match(error.value, /returnedFn/);
    });
  });
}
