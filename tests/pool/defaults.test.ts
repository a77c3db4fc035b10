import { describe, it } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import { getStartMethod, Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

/** The CPU count as the runtime reports it. */
function cpus(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : nav?.hardwareConcurrency ?? os.cpus().length;
}

describe("Pool defaults", () => {
  it("processes defaults to the CPU count; context to getStartMethod()", async () => {
    const pool = new Pool();
    try {
      assert.equal(pool.processes, cpus());
      assert.equal(pool.context, getStartMethod());
      assert.equal(getStartMethod(), "thread");
      assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2]), [2, 3]);
    } finally {
      await pool.terminate();
    }
  });

  for (const context of CONTEXTS) {
    it(`new Pool(n) and new Pool({ processes, context }) set processes and context (${context})`, async () => {
      const positional = new Pool(1);
      const bag = new Pool({ processes: 3, context });
      try {
        assert.equal(positional.processes, 1);
        assert.equal(bag.processes, 3);
        assert.equal(bag.context, context);
        const tokens = await bag.map(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 100));
            const g = globalThis as { __poolDefaultsToken?: number };
            return g.__poolDefaultsToken ??= Math.random();
          },
          [0, 1, 2, 3, 4, 5],
          1,
        );
        assert.ok(new Set(tokens).size <= 3, "no more than 3 workers");
      } finally {
        await Promise.all([positional.terminate(), bag.terminate()]);
      }
    });
  }
});
