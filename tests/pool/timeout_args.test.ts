import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";
import { sleepThen } from "./_tasks.ts";

const BAD: readonly unknown[] = [NaN, "10", {}, true];

for (const context of CONTEXTS) {
  describe(`timeout arguments (${context})`, () => {
    const pool = new Pool({ processes: 1, context });
    after(() => pool.terminate());

    it("AsyncResult.get/wait: a NaN or non-number timeout is a TypeError", async () => {
      const pending = pool.applyAsync(sleepThen, [200, "late"]);
      for (const timeout of BAD) {
        assert.throws(
          () => pending.get(timeout as number),
          (e) => e instanceof TypeError && /'timeout' must be a number or null/.test(e.message),
        );
        assert.throws(() => pending.wait(timeout as number), TypeError);
      }
      assert.throws(() => pending.get(NaN), /received NaN/);
      assert.equal(await pending.get(), "late", "the result stays usable");
      assert.throws(() => pending.get(NaN), TypeError, "checked once settled, too");
    });

    it("AsyncResult.get(Infinity) waits for the result", async () => {
      assert.equal(await pool.applyAsync(sleepThen, [50, "ok"]).get(Infinity), "ok");
    });

    it("IMapIterator.next: a NaN or non-number timeout is a TypeError", async () => {
      const it = pool.imap((x: number) => x + 1, [1, 2]);
      for (const timeout of BAD) {
        assert.throws(
          () => it.next(timeout as number),
          (e) => e instanceof TypeError && /'timeout' must be a number or null/.test(e.message),
        );
      }
      assert.deepEqual(await it.next(Infinity), { done: false, value: 2 }, "still usable");
      assert.deepEqual(await it.next(), { done: false, value: 3 });
      assert.deepEqual(await it.next(), { done: true, value: undefined });
    });
  });
}
