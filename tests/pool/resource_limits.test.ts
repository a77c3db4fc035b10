import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, WorkerLostError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { exhaustHeap, heapLimitMb } from "../fixtures/heap_tasks.ts";

const MODULE = new URL("../fixtures/heap_tasks.ts", import.meta.url);
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "node";

/** Where the cap reaches V8 (Bun's JavaScriptCore has none). */
const capped = runtime !== "bun";
/** Where a worker that reaches the cap dies (Deno's threads stall instead). */
const dies = (context: string) =>
  runtime === "node" || (runtime === "deno" && context === "process");

describe("Pool resourceLimits validation", () => {
  const cases: [unknown, RegExp, typeof TypeError | typeof RangeError][] = [
    [64, /'resourceLimits' must be an object .*received number/, TypeError],
    [[64], /'resourceLimits' must be an object .*received an array/, TypeError],
    [
      { maxYoungGenerationSizeMb: 8 },
      /supports only maxOldGenerationSizeMb, received 'maxYoungGenerationSizeMb'/,
      TypeError,
    ],
    [
      { maxOldGenerationSizeMb: 0 },
      /'resourceLimits.maxOldGenerationSizeMb' must be a positive integer, received 0/,
      RangeError,
    ],
    [{ maxOldGenerationSizeMb: -5 }, /received -5/, RangeError],
    [{ maxOldGenerationSizeMb: 1.5 }, /received 1.5/, RangeError],
    [{ maxOldGenerationSizeMb: "64" }, /received '64'/, TypeError],
    [{ maxOldGenerationSizeMb: Number.NaN }, /received NaN/, RangeError],
  ];
  for (const [value, message, kind] of cases) {
    it(`new Pool({ resourceLimits: ${JSON.stringify(value)} }) throws ${kind.name}`, () => {
      assert.throws(
        () => new Pool({ processes: 1, lazy: true, resourceLimits: value as never }),
        (error) => {
          assert.ok(error instanceof kind, `expected ${kind.name}, got ${error}`);
          assert.match((error as Error).message, /^Cannot create pool: /);
          assert.match((error as Error).message, message);
          return true;
        },
      );
    });
  }

  it("accepts undefined, null and {} (no cap)", async () => {
    for (const resourceLimits of [undefined, null, {}]) {
      const pool = new Pool({ processes: 1, lazy: true, resourceLimits: resourceLimits as never });
      await pool.terminate();
    }
  });
});

for (const context of CONTEXTS) {
  describe(`Pool resourceLimits (${context})`, () => {
    const pool = new Pool({
      processes: 2,
      context,
      module: MODULE,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    after(() => pool.terminate());

    it(
      capped ? "caps each worker's heap" : "is accepted, and the pool works (Bun has no heap cap)",
      async () => {
        const free = new Pool({ processes: 1, context, module: MODULE });
        try {
          const [limit, uncapped] = await Promise.all([
            pool.apply(heapLimitMb),
            free.apply(heapLimitMb),
          ]);
          assert.ok(limit > 0, `heap limit ${limit} MB`);
          if (capped) {
            assert.ok(limit < uncapped, `capped ${limit} MB, uncapped ${uncapped} MB`);
            assert.ok(limit <= 512, `a 64 MB cap gave a heap limit of ${limit} MB`);
          }
        } finally {
          await free.terminate();
        }
      },
    );

    if (dies(context)) {
      it("a task that runs out of memory fails with WorkerLostError; the pool goes on", async () => {
        await assert.rejects(pool.apply(exhaustHeap), (error) => {
          assert.ok(error instanceof WorkerLostError, `expected WorkerLostError, got ${error}`);
          return true;
        });
        const limits = await Promise.all([pool.apply(heapLimitMb), pool.apply(heapLimitMb)]);
        assert.ok(limits.every((mb) => mb > 0), `heap limits after the loss: ${limits}`);
      });

      it("out of memory in one task among 100: only it fails, after a second worker", async () => {
        const results = Array.from(
          { length: 100 },
          (_, i) => i === 50 ? pool.applyAsync(exhaustHeap) : pool.applyAsync(heapLimitMb),
        );
        const settled = await Promise.allSettled(results.map((r) => r.get(120_000)));
        for (const [i, outcome] of settled.entries()) {
          if (i === 50) {
            assert.equal(outcome.status, "rejected");
            const error = (outcome as PromiseRejectedResult).reason;
            assert.ok(error instanceof WorkerLostError, `expected WorkerLostError, got ${error}`);
            assert.match(error.message, /second worker/);
          } else {
            assert.equal(
              outcome.status,
              "fulfilled",
              `task ${i}: ${String((outcome as PromiseRejectedResult).reason)}`,
            );
          }
        }
      });
    }
  });
}
