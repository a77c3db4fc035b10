import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, WorkerLostError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range, sleepThen } from "./_tasks.ts";

/** Each outcome of a batch of results, in submission order. */
async function outcomes<T>(
  results: { get(timeout?: number): Promise<T> }[],
): Promise<({ ok: true; value: T } | { ok: false; error: unknown })[]> {
  return await Promise.all(results.map(async (r) => {
    try {
      return { ok: true as const, value: await r.get(120_000) };
    } catch (error) {
      return { ok: false as const, error };
    }
  }));
}

/** Ends its worker in the way `how` names when `i === at`; returns `i * 2` otherwise. */
function dieAt(i: number, at: number, how: string): number | Promise<number> {
  const g = globalThis as unknown as {
    process: { exit(code: number): never; kill(pid: number, signal: string): void; pid: number };
    Deno?: { exit(code: number): never };
  };
  if (i !== at) return i * 2;
  if (how === "exit3") g.process.exit(3);
  if (how === "exit0") g.process.exit(0);
  if (how === "Deno.exit") g.Deno!.exit(4);
  if (how === "SIGKILL") g.process.kill(g.process.pid, "SIGKILL");
  if (how === "rejection") {
    void Promise.reject(new Error("nobody catches this"));
    return new Promise(() => {});
  }
  if (how === "timer") {
    return new Promise(() => {
      setTimeout(() => {
        throw new Error("thrown from a timer");
      }, 0);
    });
  }
  return new Promise(() => {}); // SIGKILL is asynchronous: never return
}

const hasDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const KINDS = ["exit3", "exit0", "rejection", "timer", ...(hasDeno ? ["Deno.exit"] : [])];

for (const context of CONTEXTS) {
  describe(`Pool: a worker's death fails only its own task (${context})`, () => {
    for (const how of KINDS) {
      it(`${how} in one task among 2,000 trivial ones fails that task alone`, async () => {
        await using pool = new Pool({ processes: 2, context });
        const results = range(2000).map((i) => pool.applyAsync(dieAt, [i, 1000, how]));
        const got = await outcomes(results);
        for (const [i, outcome] of got.entries()) {
          if (i === 1000) {
            assert.equal(outcome.ok, false, "the task that killed its worker fails");
            const error = (outcome as { error: unknown }).error;
            assert.ok(error instanceof WorkerLostError, `WorkerLostError expected, got ${error}`);
            assert.match(error.message, /while running this task/);
          } else {
            assert.ok(outcome.ok, `task ${i} lost: ${(outcome as { error?: unknown }).error}`);
            assert.equal(outcome.value, i * 2);
          }
        }
      });
    }

    if (context === "process") {
      it("SIGKILL from inside one task: the others run again elsewhere; it fails after two workers", async () => {
        await using pool = new Pool({ processes: 2, context });
        const results = range(400).map((i) => pool.applyAsync(dieAt, [i, 200, "SIGKILL"]));
        const got = await outcomes(results);
        for (const [i, outcome] of got.entries()) {
          if (i === 200) {
            const error = (outcome as { error?: unknown }).error;
            assert.ok(error instanceof WorkerLostError, `WorkerLostError expected, got ${error}`);
            assert.match(error.message, /SIGKILL/);
            assert.match(error.message, /second worker/);
          } else {
            assert.ok(outcome.ok, `task ${i} lost: ${(outcome as { error?: unknown }).error}`);
            assert.equal(outcome.value, i * 2);
          }
        }
        assert.deepEqual(
          await pool.map((x: number) => x + 1, range(8)),
          range(8).map((x) => x + 1),
        );
      });
    }

    it("12 crashing tasks in a row do not break the pool", async () => {
      await using pool = new Pool({ processes: 2, context });
      const crashes = range(12).map(() => pool.applyAsync(dieAt, [0, 0, "exit3"]));
      for (const outcome of await outcomes(crashes)) {
        assert.equal(outcome.ok, false);
        assert.ok((outcome as { error: unknown }).error instanceof WorkerLostError);
      }
      assert.deepEqual(await pool.map((x: number) => x * x, range(8)), range(8).map((x) => x * x));
    });

    it("an initializer that kills its worker breaks the pool, without a restart loop", async () => {
      const pool = new Pool({
        processes: 2,
        context,
        initializer: () => {
          (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(9);
        },
      });
      try {
        await assert.rejects(pool.apply((x: number) => x, [1]), (error: unknown) => {
          assert.ok(error instanceof ProcessError, `ProcessError expected, got ${error}`);
          assert.match(String(error), /before they are ready/);
          assert.match(String(error), /code 9\b/);
          return true;
        });
      } finally {
        await pool.terminate();
      }
    });

    it("close() + join() with maxtasksperchild runs every queued task (bpo-10332)", async () => {
      const pool = new Pool({ processes: 3, context, maxtasksperchild: 1 });
      const results = range(6).map((i) => pool.applyAsync(sleepThen, [100, i * i]));
      pool.close();
      await pool.join();
      assert.deepEqual(await Promise.all(results.map((r) => r.get(0))), range(6).map((i) => i * i));
    });

    it("a worker retired by maxtasksperchild is replaced while imap input is still being read", async () => {
      const pool = new Pool({ processes: 2, context, maxtasksperchild: 2 });
      async function* slowly(): AsyncGenerator<number> {
        for (const i of range(8)) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          yield i;
        }
      }
      const it = pool.imap((x: number) => x + 100, slowly());
      pool.close();
      const got: number[] = [];
      for await (const value of it) got.push(value);
      await pool.join();
      assert.deepEqual(got, range(8).map((x) => x + 100));
    });
  });
}
