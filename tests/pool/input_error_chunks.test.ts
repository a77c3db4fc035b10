/**
 * CPython's rule for an input iterable that throws while a chunk is being cut:
 * the chunks submitted before it run, the chunk being cut fails whole (the items
 * already read into it never run) and the error takes its position. Checked
 * against CPython 3.11: `imap(square, gen_failing_at_7, 2)` yields 6 squares
 * then the error; chunksize 4 yields 4; chunksize 1 yields 7.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

const FAIL_AT = 7;

function* failingSync(boom: Error): Generator<number> {
  for (let i = 0;; i++) {
    if (i === FAIL_AT) throw boom;
    yield i;
  }
}

async function* failingAsync(boom: Error): AsyncGenerator<number> {
  for (let i = 0;; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (i === FAIL_AT) throw boom;
    yield i;
  }
}

/** Squares of the items in the chunks cut whole before the failing read. */
function expectedSquares(chunksize: number): number[] {
  const whole = Math.floor(FAIL_AT / chunksize) * chunksize;
  return Array.from({ length: whole }, (_, i) => i * i);
}

/** Everything an iterator gives until done: values and errors, in order. */
async function drain(
  it: AsyncIterator<number> & { next(t?: number): Promise<IteratorResult<number>> },
): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    try {
      const r = await it.next(60_000);
      if (r.done) return seen;
      seen.push(r.value);
    } catch (error) {
      seen.push(error);
    }
  }
  throw new Error(`iterator never finished: ${JSON.stringify(seen)}`);
}

for (const context of CONTEXTS) {
  describe(`A failing input iterable, chunk by chunk (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, [0, 1, 2, 3], 1); // start both workers
    });
    after(() => pool.terminate());

    for (const kind of ["sync", "async"] as const) {
      for (const chunksize of [1, 2, 4]) {
        it(`Pool.imap() of a ${kind} input failing at item ${FAIL_AT}, chunksize ${chunksize}: whole chunks, then the error, then done`, async () => {
          const boom = new URIError(`input failed at ${FAIL_AT}`);
          const input = kind === "sync" ? failingSync(boom) : failingAsync(boom);
          const seen = await drain(pool.imap((x: number) => x * x, input, chunksize));
          assert.deepEqual(seen, [...expectedSquares(chunksize), boom]);
          assert.equal(seen.at(-1), boom, "the input's own error object");
          assert.equal(boom.cause, undefined, "no RemoteError cause");
        });

        it(`Pool.imapUnordered() of a ${kind} input failing at item ${FAIL_AT}, chunksize ${chunksize}: the same items and one error`, async () => {
          const boom = new EvalError(`unordered input failed at ${FAIL_AT}`);
          const input = kind === "sync" ? failingSync(boom) : failingAsync(boom);
          const seen = await drain(
            pool.imapUnordered((x: number) => x * x, input, { chunksize }),
          );
          const errors = seen.filter((v) => typeof v !== "number");
          const values = seen.filter((v): v is number => typeof v === "number");
          assert.deepEqual(errors, [boom]);
          assert.deepEqual(values.sort((a, b) => a - b), expectedSquares(chunksize));
        });
      }
    }

    for (const chunksize of [1, 2, 4]) {
      it(`Pool.mapAsync()/starmapAsync() of a sync input failing at item ${FAIL_AT} (chunksize ${chunksize}) throw it at once, as CPython's map_async does`, () => {
        const boom = new RangeError("map input failed");
        assert.throws(() => pool.mapAsync((x: number) => x * x, failingSync(boom), chunksize), (
          e: unknown,
        ) => e === boom);
        const pairs = (function* (): Generator<[number, number]> {
          for (const x of failingSync(boom)) yield [x, x];
        })();
        assert.throws(
          () => pool.starmapAsync((a: number, b: number) => a * b, pairs, { chunksize }),
          (e: unknown) => e === boom,
        );
      });

      it(`Pool.map() of an async input failing at item ${FAIL_AT} (chunksize ${chunksize}) rejects with it; the pool runs on`, async () => {
        const boom = new TypeError("async map input failed");
        await assert.rejects(
          pool.map((x: number) => x * x, failingAsync(boom), chunksize),
          (e: unknown) => e === boom,
        );
        assert.deepEqual(await pool.map((x: number) => x * x, [1, 2, 3], chunksize), [1, 4, 9]);
      });
    }
  });
}
