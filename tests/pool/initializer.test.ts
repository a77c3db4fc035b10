import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, Value } from "../../mod.ts";
import { CONTEXTS, rejection, within } from "../_helpers.ts";
import { range } from "./_tasks.ts";

/** Records its arguments and how often it ran in this worker. */
function recordInit(a: number, b: { label: string; tags: Map<string, number> }): void {
  const g = globalThis as { __poolInit?: unknown[]; __poolInitCount?: number };
  g.__poolInit = [a, b.label, b.tags.get("x")];
  g.__poolInitCount = (g.__poolInitCount ?? 0) + 1;
}

/** What `recordInit` left in this worker, plus a per-worker token. */
function readInit(): [unknown, number | undefined, number] {
  const g = globalThis as {
    __poolInit?: unknown[];
    __poolInitCount?: number;
    __poolInitToken?: number;
  };
  g.__poolInitToken ??= Math.random();
  return [g.__poolInit, g.__poolInitCount, g.__poolInitToken];
}

/** Counts its runs in a shared Value, then fails. */
async function failingInit(runs: Value<"i">): Promise<void> {
  await runs.set((await runs.get()) + 1);
  const error = new RangeError("initializer exploded");
  (error as RangeError & { code?: string }).code = "E_INIT";
  throw error;
}

for (const context of CONTEXTS) {
  describe(`Pool initializer (${context})`, () => {
    it("initializer(...initargs) runs once in each worker before its first task", async () => {
      const tags = new Map([["x", 42]]);
      const pool = new Pool({
        processes: 2,
        context,
        initializer: recordInit,
        initargs: [7, { label: "seven", tags }],
      });
      try {
        const seen = await pool.map(readInit, range(40), 1);
        for (const [args, count] of seen) {
          assert.deepEqual(args, [7, "seven", 42], "every task sees the initializer's effect");
          assert.equal(count, 1, "the initializer ran exactly once in this worker");
        }
        const workers = new Set(seen.map(([, , token]) => token));
        assert.ok(workers.size >= 1 && workers.size <= 2);
        const again = await pool.map(readInit, range(10), 1);
        for (const [, count] of again) assert.equal(count, 1);
      } finally {
        await pool.terminate();
      }
    });

    it("an async initializer is awaited before the first task", async () => {
      const pool = new Pool({
        processes: 2,
        context,
        initializer: async (value: string) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          (globalThis as { __poolAsyncInit?: string }).__poolAsyncInit = value;
        },
        initargs: ["ready"],
      });
      try {
        const seen = await pool.map(
          () => (globalThis as { __poolAsyncInit?: string }).__poolAsyncInit ?? "not yet",
          range(8),
          1,
        );
        assert.deepEqual(seen, range(8).map(() => "ready"));
      } finally {
        await pool.terminate();
      }
    });

    it("a throwing initializer fails pending and later tasks with the error as cause; no restart loop", async () => {
      const runs = new Value("i", 0);
      const pool = new Pool({ processes: 2, context, initializer: failingInit, initargs: [runs] });
      try {
        const pending = [
          pool.applyAsync((x: number) => x, [1]),
          pool.mapAsync((x: number) => x, range(10), 1),
        ];
        const iterator = pool.imap((x: number) => x, range(3));
        for (const r of pending) {
          const error = await within(rejection(r.get()), 30_000, "a task of a broken pool");
          assert.ok(error instanceof Error, String(error));
          const cause = (error as Error).cause as Error & { code?: string };
          assert.ok(cause instanceof RangeError, `cause is the initializer's error: ${cause}`);
          assert.equal(cause.message, "initializer exploded");
          assert.equal(cause.code, "E_INIT");
        }
        const iterError = await within(rejection(iterator.next()), 30_000, "imap of a broken pool");
        assert.ok(((iterError as Error).cause as Error) instanceof RangeError);

        // Later submissions fail the same way, promptly (no hang).
        const later = await within(
          rejection(pool.apply((x: number) => x, [2])),
          30_000,
          "a later task",
        );
        assert.ok(((later as Error).cause as Error) instanceof RangeError);
        const laterMap = await within(
          rejection(pool.map((x: number) => x, range(4))),
          30_000,
          "a later map",
        );
        assert.ok(((laterMap as Error).cause as Error) instanceof RangeError);

        // No restart loop: the initializer ran at most once per original worker.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const count = await runs.get();
        assert.ok(count >= 1 && count <= 2, `the initializer ran ${count} times`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(await runs.get(), count, "no worker was restarted");
      } finally {
        await within(pool.terminate(), 30_000, "terminate() of a broken pool");
      }
    });

    it("a throwing initializer does not hang close() + join()", async () => {
      const pool = new Pool({
        processes: 2,
        context,
        initializer: () => {
          throw new Error("init failed");
        },
      });
      try {
        const r = pool.applyAsync((x: number) => x, [1]);
        const error = await within(rejection(r.get()), 30_000, "the task");
        assert.ok(error instanceof ProcessError || error instanceof Error);
        assert.equal(((error as Error).cause as Error).message, "init failed");
        pool.close();
        await within(pool.join(), 30_000, "join() of a broken pool");
      } finally {
        await pool.terminate();
      }
    });
  });
}
