/**
 * An argument that cannot be cloned fails its call with an error that names
 * what could not be sent (issue 2). Bun's DataCloneError says only "The
 * object can not be cloned.", so the pool must describe the value itself.
 *
 * @module
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS, rejection } from "../_helpers.ts";
import { range } from "./_tasks.ts";

function sendMe(): number {
  return 1;
}

/** Values structured clone refuses, and the text that must name each. */
const UNCLONEABLE: readonly {
  readonly what: string;
  readonly value: unknown;
  readonly names: RegExp;
}[] = [
  { what: "a function", value: sendMe, names: /sendMe/ },
  { what: "a symbol", value: Symbol("tag"), names: /Symbol\(tag\)/ },
  { what: "a function nested in an object", value: { deep: { sendMe } }, names: /sendMe/ },
  { what: "a WeakMap", value: new WeakMap(), names: /WeakMap/ },
  { what: "a Promise", value: Promise.resolve(1), names: /Promise/ },
];

for (const context of CONTEXTS) {
  describe(`Pool names an uncloneable argument (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    for (const { what, value, names } of UNCLONEABLE) {
      it(`the error for ${what} names what could not be sent`, async () => {
        const error = await rejection(pool.apply((x: unknown) => typeof x, [value])) as Error;
        assert.ok(error instanceof Error, String(error));
        assert.match(
          error.message,
          names,
          `the message names what could not be sent: ${error.message}`,
        );
      });
    }

    it("the error for an uncloneable map item names it", async () => {
      const error = await rejection(
        pool.map((x: unknown) => typeof x, [1, 2, sendMe, 4], 1),
      ) as Error;
      assert.ok(error instanceof Error);
      assert.match(error.message, /sendMe/, error.message);
      assert.deepEqual(await pool.map((x: number) => x, range(3)), [0, 1, 2]);
    });
  });
}
