import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, ProcessError, RemoteError } from "../../mod.ts";
import { CONTEXTS, rejection } from "../_helpers.ts";
import { range } from "./_tasks.ts";

/** Throws an error with extra own properties (named, so its frame is findable). */
function namedFailingTask(code: string): never {
  throw Object.assign(new Error(`failed with ${code}`), {
    code,
    detail: { attempts: 3, tags: ["a", "b"] },
    when: new Date(0),
  });
}

const outerValue = 21;

for (const context of CONTEXTS) {
  describe(`Pool errors from tasks (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    before(async () => {
      await pool.map((x: number) => x, range(4), 1);
    });
    after(() => pool.terminate());

    it("an error keeps its name, message and own enumerable properties", async () => {
      const error = await rejection(pool.apply(namedFailingTask, ["E42"])) as Error & {
        code?: string;
        detail?: unknown;
        when?: unknown;
      };
      assert.ok(error instanceof Error);
      assert.equal(error.name, "Error");
      assert.equal(error.message, "failed with E42");
      assert.equal(error.code, "E42");
      assert.deepEqual(error.detail, { attempts: 3, tags: ["a", "b"] });
      assert.ok(error.when instanceof Date);
    });

    it("the error's cause is a RemoteError carrying the worker's stack trace", async () => {
      const error = await rejection(pool.apply(namedFailingTask, ["E7"])) as Error;
      const cause = error.cause;
      assert.ok(cause instanceof RemoteError, `cause is a RemoteError: ${cause}`);
      assert.ok(cause instanceof ProcessError);
      assert.equal(cause.name, "RemoteError");
      assert.equal(typeof cause.remoteStack, "string");
      assert.match(cause.remoteStack, /failed with E7/);
      assert.match(cause.remoteStack, /namedFailingTask/, "the worker-side frame is named");
      assert.match(cause.message, /namedFailingTask/);
    });

    for (const Ctor of [TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError]) {
      it(`a thrown ${Ctor.name} keeps its class`, async () => {
        const error = await rejection(pool.apply((name: string) => {
          const C = (globalThis as unknown as Record<string, new (m: string) => Error>)[name];
          throw new C(`a ${name}`);
        }, [Ctor.name]));
        assert.ok(error instanceof Ctor, `${error} should be a ${Ctor.name}`);
        assert.equal((error as Error).name, Ctor.name);
        // (A ReferenceError also gets the self-contained hint appended.)
        assert.ok((error as Error).message.startsWith(`a ${Ctor.name}`), (error as Error).message);
        assert.ok((error as Error).cause instanceof RemoteError);
      });
    }

    it("a rejection of an async task arrives the same way", async () => {
      const error = await rejection(pool.apply(async (n: number) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw Object.assign(new RangeError(`async ${n}`), { n });
      }, [5])) as RangeError & { n?: number };
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, "async 5");
      assert.equal(error.n, 5);
      assert.ok(error.cause instanceof RemoteError);
    });

    it("errors in map, starmap and imap arrive the same way", async () => {
      const fail = (x: number) => {
        if (x === 2) throw Object.assign(new TypeError("bad two"), { item: x });
        return x;
      };
      // Each rejection is handled at once (none is left unhandled while awaiting another).
      const rejections = [
        rejection(pool.map(fail, range(4), 1)),
        rejection(pool.starmap(fail, range(4).map((x) => [x] as [number]))),
        rejection((async () => {
          for await (const _ of pool.imapUnordered(fail, range(4))) { /* drain */ }
        })()),
      ];
      for (const pending of rejections) {
        const error = await pending as TypeError & { item?: number };
        assert.ok(error instanceof TypeError);
        assert.equal(error.message, "bad two");
        assert.equal(error.item, 2);
        assert.ok(error.cause instanceof RemoteError);
      }
    });

    it("a thrown non-Error value arrives as itself", async () => {
      assert.equal(
        await rejection(pool.apply(() => {
          throw "plain string";
        })),
        "plain string",
      );
      assert.deepEqual(
        await rejection(pool.apply(() => {
          throw { code: 7, list: [1, 2] };
        })),
        { code: 7, list: [1, 2] },
      );
      assert.equal(
        await rejection(pool.apply(() => {
          throw 42;
        })),
        42,
      );
    });

    it("a ReferenceError from a closure over an outer variable carries the self-contained hint", async () => {
      const closesOver = (x: number) => x + outerValue;
      assert.equal(closesOver(1), 22); // works here, not in a worker
      const error = await rejection(pool.apply(closesOver, [1])) as Error;
      assert.ok(error instanceof ReferenceError, String(error));
      assert.match(error.message, /outerValue/);
      assert.match(error.message, /closesOver/, "the hint names the function");
      assert.match(error.message, /self-contained/);
      assert.match(error.message, /module: import\.meta\.url/);
      assert.ok(error.cause instanceof RemoteError);
    });

    it("the pool keeps serving after task errors", async () => {
      assert.deepEqual(
        await pool.map((x: number) => x * x, range(8), 2),
        range(8).map((x) => x * x),
      );
    });
  });
}
