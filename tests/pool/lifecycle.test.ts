import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, TimeoutError } from "../../mod.ts";
import { CONTEXTS, rejection, within } from "../_helpers.ts";
import { range, sleepThen } from "./_tasks.ts";

const NOT_RUNNING = { name: "ProcessError", message: /Pool not running/ };

function assertSubmissionsRefused(pool: Pool): void {
  const fn = (x: number) => x;
  assert.throws(() => pool.applyAsync(fn, [1]), ProcessError);
  assert.throws(() => pool.applyAsync(fn, [1]), NOT_RUNNING);
  assert.throws(() => pool.mapAsync(fn, [1]), NOT_RUNNING);
  assert.throws(() => pool.starmapAsync(fn, [[1]]), NOT_RUNNING);
  assert.throws(() => pool.imap(fn, [1]), NOT_RUNNING);
  assert.throws(() => pool.imapUnordered(fn, [1]), NOT_RUNNING);
}

async function assertAsyncSubmissionsRefused(pool: Pool): Promise<void> {
  const fn = (x: number) => x;
  await assert.rejects(pool.apply(fn, [1]), NOT_RUNNING);
  await assert.rejects(pool.map(fn, [1]), NOT_RUNNING);
  await assert.rejects(pool.starmap(fn, [[1]]), NOT_RUNNING);
}

for (const context of CONTEXTS) {
  describe(`Pool lifecycle (${context})`, () => {
    it("terminate() rejects every unsettled result and iterator, and refuses new work", async () => {
      const pool = new Pool({ processes: 2, context });
      try {
        await pool.map((x: number) => x, range(2), 1);
        const errorCallback = mock.fn((_error: unknown) => {});
        const applied = pool.applyAsync(sleepThen, [30_000, 1], { errorCallback });
        const mapped = pool.mapAsync(
          (x: number) => new Promise((resolve) => setTimeout(resolve, 30_000, x)),
          range(6),
          1,
        );
        const starmapped = pool.starmapAsync(sleepThen, [[30_000, 1], [30_000, 2]]);
        const queued = range(10).map(() => pool.applyAsync(sleepThen, [30_000, 0]));
        const ordered = pool.imap(
          (x: number) => new Promise((resolve) => setTimeout(resolve, 30_000, x)),
          range(3),
        );
        // A consumer already waiting (handled now, so its rejection is never unhandled).
        const pendingNext = rejection(ordered.next());
        const unordered = pool.imapUnordered(
          (x: number) => new Promise((resolve) => setTimeout(resolve, 30_000, x)),
          range(3),
        );
        await new Promise((resolve) => setTimeout(resolve, 100)); // tasks reach the workers
        await within(pool.terminate(), 20_000, "terminate()");

        const results = [applied, mapped, starmapped, ...queued];
        for (const r of results) {
          const error = await within(rejection(r.get(60_000)), 10_000, "a terminated result");
          assert.ok(error instanceof ProcessError, `rejects with a ProcessError: ${error}`);
          assert.ok(!(error instanceof TimeoutError));
          assert.equal(r.ready(), true);
          assert.equal(r.successful(), false);
        }
        const nexts = [
          pendingNext,
          rejection(ordered.next(60_000)),
          rejection(unordered.next(60_000)),
        ];
        for (const next of nexts) {
          const error = await within(next, 10_000, "a terminated iterator");
          assert.ok(error instanceof ProcessError, `rejects with a ProcessError: ${error}`);
          assert.ok(!(error instanceof TimeoutError));
        }
        assert.equal(errorCallback.mock.callCount(), 1);

        assertSubmissionsRefused(pool);
        await assertAsyncSubmissionsRefused(pool);
        await within(pool.join(), 20_000, "join() after terminate()");
        await within(pool.terminate(), 20_000, "a second terminate()");
      } finally {
        await pool.terminate();
      }
    });

    it("close() then join() lets queued work finish; submissions after close() are refused", async () => {
      const pool = new Pool({ processes: 2, context });
      try {
        const applied = range(6).map((i) => pool.applyAsync(sleepThen, [150, i]));
        const mapped = pool.mapAsync((x: number) => x * 2, range(20), 1);
        const it = pool.imap(
          (x: number) => new Promise((resolve) => setTimeout(resolve, 20, x + 1)),
          range(5),
        );
        pool.close();
        assertSubmissionsRefused(pool);
        await assertAsyncSubmissionsRefused(pool);
        await within(pool.join(), 60_000, "join()");
        for (const [i, r] of applied.entries()) {
          assert.equal(r.ready(), true, "join() waited for the queued task");
          assert.equal(await r.get(0), i);
        }
        assert.equal(mapped.ready(), true);
        assert.deepEqual(await mapped.get(0), range(20).map((x) => x * 2));
        const out: unknown[] = [];
        for await (const y of it) out.push(y);
        assert.deepEqual(out, [1, 2, 3, 4, 5]);
        pool.close(); // a second close() is harmless
        await within(pool.join(), 20_000, "a second join()");
      } finally {
        await pool.terminate();
      }
    });

    it("join() before close() rejects 'Pool is still running'; the pool keeps working", async () => {
      const pool = new Pool({ processes: 2, context });
      try {
        await assert.rejects(pool.join(), {
          name: "ProcessError",
          message: /Pool is still running/,
        });
        const error = await rejection(pool.join());
        assert.ok(error instanceof ProcessError);
        assert.deepEqual(await pool.map((x: number) => x + 1, [1, 2, 3]), [2, 3, 4]);
        pool.close();
        await within(pool.join(), 20_000, "join()");
      } finally {
        await pool.terminate();
      }
    });

    it("[Symbol.asyncDispose]() terminates (Python's `with Pool() as pool`)", async () => {
      const pool = new Pool({ processes: 2, context });
      try {
        assert.equal(typeof pool[Symbol.asyncDispose], "function");
        assert.equal(await pool.apply((x: number) => x * 3, [3]), 9);
        const pending = pool.applyAsync(sleepThen, [30_000, "never"]);
        await within(pool[Symbol.asyncDispose](), 20_000, "asyncDispose");
        const error = await within(rejection(pending.get(60_000)), 10_000, "a disposed result");
        assert.ok(error instanceof ProcessError);
        assertSubmissionsRefused(pool);
      } finally {
        await pool.terminate();
      }
    });
  });
}
