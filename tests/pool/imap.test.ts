import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { IMapIterator, Pool, TimeoutError } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { range } from "./_tasks.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of it) out.push(value);
  return out;
}

/** Item 0 takes 1 s, the others are instant. */
async function firstSlow(x: number): Promise<number> {
  if (x === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
  return x;
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const context of CONTEXTS) {
  describe(`Pool.imap / imapUnordered (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1); // start both workers
    });
    after(() => pool.terminate());

    it("Pool.imap() yields results in input order", async () => {
      const slowFirst = async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, (12 - x) * 5));
        return x * 2;
      };
      const it = pool.imap(slowFirst, range(12));
      assert.ok(it instanceof IMapIterator);
      assert.deepEqual(await collect(it), range(12).map((x) => x * 2));
    });

    it("Pool.imap() with chunksize yields every item in order", async () => {
      for (const chunksize of [2, 5, 50]) {
        assert.deepEqual(
          await collect(pool.imap((x: number) => -x, range(13), chunksize)),
          range(13).map((x) => -x),
        );
        assert.deepEqual(
          await collect(pool.imap((x: number) => -x, range(13), { chunksize })),
          range(13).map((x) => -x),
        );
      }
    });

    it("Pool.imap() keeps the first item first although it finishes last", async () => {
      assert.deepEqual(await collect(pool.imap(firstSlow, [0, 1])), [0, 1]);
    });

    it("Pool.imapUnordered() yields in completion order: a slow first item arrives last", async () => {
      assert.deepEqual(await collect(pool.imapUnordered(firstSlow, [0, 1])), [1, 0]);
    });

    it("Pool.imapUnordered() yields every item once", async () => {
      const out = await collect(pool.imapUnordered((x: number) => x * x, range(40), 3));
      assert.deepEqual(out.sort((a, b) => a - b), range(40).map((x) => x * x));
    });

    it("Pool.imap() of an empty input is done at once", async () => {
      assert.deepEqual(await collect(pool.imap((x: number) => x, [])), []);
      assert.deepEqual(await collect(pool.imapUnordered((x: number) => x, [])), []);
    });

    it("Pool.imap() awaits async functions in the worker", async () => {
      const fn = async (s: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return s.length;
      };
      assert.deepEqual(await collect(pool.imap(fn, ["a", "bb", "ccc"])), [1, 2, 3]);
    });

    it("Pool.imap() reads an async iterable", async () => {
      async function* gen(): AsyncGenerator<number> {
        for (let i = 0; i < 6; i++) {
          await tick(1);
          yield i;
        }
      }
      assert.deepEqual(
        await collect(pool.imap((x: number) => x + 100, gen(), 2)),
        range(6).map((x) => x + 100),
      );
      const unordered = await collect(pool.imapUnordered((x: number) => x + 100, gen()));
      assert.deepEqual(unordered.sort((a, b) => a - b), range(6).map((x) => x + 100));
    });

    for (const kind of ["sync", "async"] as const) {
      it(`Pool.imap() reads an endless ${kind} generator lazily (bounded read-ahead)`, async () => {
        let produced = 0;
        let closed = false;
        function* endless(): Generator<number> {
          try {
            for (let i = 0;; i++) {
              produced++;
              yield i;
            }
          } finally {
            closed = true;
          }
        }
        async function* endlessAsync(): AsyncGenerator<number> {
          try {
            for (let i = 0;; i++) {
              produced++;
              yield i;
            }
          } finally {
            closed = true;
          }
        }
        const it = pool.imap((x: number) => x * 2, kind === "sync" ? endless() : endlessAsync());
        const first: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await it.next(60_000);
          assert.equal(r.done, false);
          first.push(r.value);
        }
        assert.deepEqual(first, [0, 2, 4, 6, 8]);
        // Give the feeder time to run away if it were unbounded.
        await tick(300);
        const afterPause = produced;
        assert.ok(afterPause < 10_000, `the endless input was read ${afterPause} items ahead`);
        await tick(200);
        assert.ok(produced < 10_000, `read-ahead kept growing: ${produced}`);
        await it.return();
        await tick(50);
        assert.equal(closed, true, "return() closes the input generator");
        const stoppedAt = produced;
        await tick(100);
        assert.equal(produced, stoppedAt, "no input is read after return()");
        // The pool still serves.
        assert.deepEqual(await pool.map((x: number) => x, [1, 2]), [1, 2]);
      });
    }

    it("Pool.imap() over an endless generator with for-await + break", async () => {
      function* naturals(): Generator<number> {
        for (let i = 0;; i++) yield i;
      }
      const out: number[] = [];
      for await (const y of pool.imap((x: number) => x + 1, naturals(), 4)) {
        out.push(y);
        if (out.length === 10) break;
      }
      assert.deepEqual(out, range(10).map((x) => x + 1));
    });

    for (const kind of ["sync", "async"] as const) {
      it(`Pool.imap(): a ${kind} input iterable's error surfaces at its position, as it is`, async () => {
        const boom = new URIError("input failed at 3");
        function* gen(): Generator<number> {
          yield 0;
          yield 1;
          yield 2;
          throw boom;
        }
        async function* agen(): AsyncGenerator<number> {
          yield 0;
          yield 1;
          yield 2;
          throw boom;
        }
        const it = pool.imap((x: number) => x * 10, kind === "sync" ? gen() : agen());
        const got: number[] = [];
        let caught: unknown;
        try {
          for await (const y of it) got.push(y);
        } catch (error) {
          caught = error;
        }
        assert.deepEqual(got, [0, 10, 20], "items before the failure are delivered");
        assert.equal(caught, boom, "the iterable's own error object");
        assert.equal((caught as Error).cause, undefined, "no RemoteError cause");
      });

      it(`Pool.imapUnordered(): a ${kind} input iterable's error surfaces, other items still arrive`, async () => {
        const boom = new EvalError("unordered input failed");
        function* gen(): Generator<number> {
          yield 0;
          yield 1;
          throw boom;
        }
        async function* agen(): AsyncGenerator<number> {
          yield 0;
          yield 1;
          throw boom;
        }
        const it = pool.imapUnordered((x: number) => x * 10, kind === "sync" ? gen() : agen());
        const got: number[] = [];
        const errors: unknown[] = [];
        for (let i = 0; i < 10; i++) {
          try {
            const r = await it.next(60_000);
            if (r.done) break;
            got.push(r.value);
          } catch (error) {
            errors.push(error);
          }
        }
        assert.deepEqual(got.sort((a, b) => a - b), [0, 10]);
        assert.deepEqual(errors, [boom]);
        assert.equal(errors[0], boom);
      });
    }

    it("Pool.imap(): a failing task rejects at its position; later items still come", async () => {
      const it = pool.imap((x: number) => {
        if (x === 2) throw new RangeError("two");
        return x;
      }, range(5));
      const seen: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        try {
          const r = await it.next(60_000);
          seen.push(r.value);
        } catch (error) {
          seen.push((error as Error).name);
        }
      }
      assert.deepEqual(seen, [0, 1, "RangeError", 3, 4]);
      assert.equal((await it.next(60_000)).done, true);
    });

    for (const method of ["imap", "imapUnordered"] as const) {
      it(`${method}: next(timeout) rejects TimeoutError and the iterator stays usable`, async () => {
        const slow = async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, 800));
          return x * 3;
        };
        const it = pool[method](slow, [7]);
        await assert.rejects(it.next(50), TimeoutError);
        await assert.rejects(it.next(0), TimeoutError);
        const r = await it.next(60_000);
        assert.deepEqual(r, { value: 21, done: false });
        assert.equal((await it.next(60_000)).done, true);
      });
    }

    it("IMapIterator is its own async iterator", () => {
      const it = pool.imap((x: number) => x, [1]);
      assert.equal(it[Symbol.asyncIterator](), it);
      return collect(it).then((out) => assert.deepEqual(out, [1]));
    });
  });
}
