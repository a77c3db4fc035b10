import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, WorkerLostError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { exitWorker, range, sleepThen, throwFromTimer } from "./_tasks.ts";

/** Ends its worker through `self.close()` (Deno) after a delay. */
function closeSelf(delayMs: number): Promise<never> {
  return new Promise(() => {
    setTimeout(() => (globalThis as unknown as { close(): void }).close(), delayMs);
  });
}

/** What the tests need of an `AsyncResult` (any result type). */
interface Gettable<T> {
  get(timeout?: number): Promise<T>;
}

interface Case {
  readonly title: string;
  /** Submits the task that kills its worker. */
  readonly kill: (pool: Pool) => Gettable<unknown>;
  /** What the WorkerLostError message must say about the exit. */
  readonly exit: RegExp;
  /** The expected `WorkerLostError.code`, when the runtime knows it. */
  readonly code?: number;
}

const hasDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const hasSelfClose = typeof (globalThis as { close?: unknown }).close === "function";

const CASES: Case[] = [
  {
    title: "process.exit(3) in the task",
    kill: (pool) => pool.applyAsync(exitWorker, [3, "process.exit", 200]),
    exit: /code 3\b/,
    code: 3,
  },
  {
    title: "an uncaught error thrown from a timer",
    kill: (pool) => pool.applyAsync(throwFromTimer, [200]),
    exit: /code 1\b/,
    code: 1,
  },
  ...(hasDeno
    ? [{
      title: "Deno.exit(4) in the task",
      kill: (pool: Pool) => pool.applyAsync(exitWorker, [4, "Deno.exit", 200]),
      exit: /code 4\b/,
      code: 4,
    }]
    : []),
  ...(hasSelfClose
    ? [{
      title: "self.close() in the task",
      kill: (pool: Pool) => pool.applyAsync(closeSelf, [200]),
      exit: /code \d+|killed by/,
    }]
    : []),
];

async function settle<T>(
  r: Gettable<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await r.get(60_000) };
  } catch (error) {
    return { ok: false, error };
  }
}

for (const context of CONTEXTS) {
  describe(`Pool worker lost mid-task (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1); // start both workers
    });
    after(() => pool.terminate());

    for (const c of CASES) {
      it(`${c.title} rejects only that task with WorkerLostError; the worker's other tasks run elsewhere`, async () => {
        const killer = c.kill(pool);
        const others = range(8).map((i) => pool.applyAsync(sleepThen, [50, i]));
        const killed = await settle(killer);
        assert.equal(killed.ok, false, "the task whose worker died must reject");
        const error = (killed as { error: unknown }).error;
        assert.ok(error instanceof WorkerLostError, `WorkerLostError expected, got ${error}`);
        assert.equal(error.name, "WorkerLostError");
        assert.match(error.message, c.exit);
        if (c.code !== undefined) assert.equal(error.code, c.code);
        assert.match(error.message, /while running this task/);
        for (const [i, r] of others.entries()) {
          const outcome = await settle(r);
          assert.ok(
            outcome.ok,
            `task ${i} must not be lost: ${(outcome as { error?: unknown }).error}`,
          );
          assert.equal(outcome.value, i);
        }

        // A replacement worker serves; both workers take work again.
        assert.deepEqual(
          await pool.map((x: number) => x * 2, range(10), 1),
          range(10).map((x) => x * 2),
        );
        const results = await Promise.all(
          range(6).map((i) => pool.applyAsync(sleepThen, [30, i]).get(60_000)),
        );
        assert.deepEqual(results, range(6));
      });
    }

    it("a worker lost during map rejects the map with WorkerLostError; the pool keeps serving", async () => {
      const fn = (x: number) => {
        if (x === 3) {
          (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(5);
        }
        return x;
      };
      await assert.rejects(pool.map(fn, range(6), 1), (e: unknown) => {
        assert.ok(e instanceof WorkerLostError);
        assert.match(e.message, /code 5\b/);
        return true;
      });
      assert.deepEqual(await pool.map((x: number) => x + 1, range(5)), [1, 2, 3, 4, 5]);
    });

    it("a worker lost during imap rejects at that position; every earlier result is delivered", async () => {
      const fn = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, x * 20));
        if (x === 4) {
          (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(6);
        }
        return x;
      };
      const it = pool.imap(fn, range(5));
      const got: number[] = [];
      let caught: unknown;
      try {
        for await (const y of it) got.push(y);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof WorkerLostError, `WorkerLostError expected, got ${caught}`);
      assert.match(caught.message, /code 6\b/);
      assert.deepEqual(got, [0, 1, 2, 3]);
      assert.deepEqual(await pool.map((x: number) => x, range(3)), [0, 1, 2]);
    });
  });
}
