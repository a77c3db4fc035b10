import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import {
  asyncWithHelper,
  initialized,
  initWithHelper,
  withHelper,
  workerName,
} from "../fixtures/pool_module.ts";
import { range } from "./_tasks.ts";

const MODULE = new URL("../fixtures/pool_module.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`Pool module reference (${context})`, () => {
    const pools: Pool[] = [];
    const make = (options: ConstructorParameters<typeof Pool>[0] & object) => {
      const pool = new Pool({ processes: 2, context, ...options });
      pools.push(pool);
      return pool;
    };
    after(async () => {
      await Promise.all(pools.map((pool) => pool.terminate()));
    });
    const pool = make({ module: MODULE.href });
    const namePattern = context === "process" ? /^ForkPoolWorker-\d+$/ : /^ThreadPoolWorker-\d+$/;

    it("an exported function that uses an imported helper runs by reference", async () => {
      assert.deepEqual(await pool.map(withHelper, range(5)), range(5).map((x) => x + 1000));
      assert.equal(await pool.apply(withHelper, [1]), 1001);
    });

    it("an exported async function is awaited", async () => {
      assert.deepEqual(await pool.map(asyncWithHelper, [1, 2], 1), [1002, 1004]);
      const out: number[] = [];
      for await (const y of pool.imap(asyncWithHelper, [3, 4])) out.push(y);
      assert.deepEqual(out, [1006, 1008]);
    });

    it("without `module` the same function fails with the self-contained hint", async () => {
      const plain = make({ processes: 1 });
      const error = await plain.apply(withHelper, [1]).then(
        () => assert.fail("expected a ReferenceError"),
        (e: unknown) => e as Error,
      );
      assert.ok(error instanceof ReferenceError, String(error));
      assert.match(error.message, /addOffset/);
      assert.match(error.message, /module: import\.meta\.url/);
    });

    it("a function the module does not export still travels by source text", async () => {
      assert.deepEqual(await pool.map((x: number) => x * 2, [1, 2]), [2, 4]);
    });

    it("a local function that only shares an export's name runs its own source", async () => {
      // Same name as the export, different body: the worker must not call the export.
      const shadow = {
        withHelper(x: number): number {
          return -x;
        },
      }.withHelper;
      assert.equal(shadow.name, "withHelper");
      assert.deepEqual(await pool.map(shadow, [1, 2]), [-1, -2]);
    });

    it("currentProcess() in a worker names the pool worker", async () => {
      const names = await pool.map(workerName, range(6), 1);
      for (const name of names) assert.match(name, namePattern);
    });

    it("an initializer exported by the module runs by reference (`module` as a URL object)", async () => {
      const initPool = make({ module: MODULE, initializer: initWithHelper, initargs: [5] });
      assert.deepEqual(await initPool.map(initialized, range(6), 1), range(6).map(() => 1005));
      assert.deepEqual(await initPool.starmap(withHelper, [[7], [8]]), [1007, 1008]);
    });

    it("maxtasksperchild gives fresh workers with new names", async () => {
      const recycling = make({ processes: 1, module: MODULE.href, maxtasksperchild: 1 });
      const names: string[] = [];
      for (let i = 0; i < 3; i++) names.push(await recycling.apply(workerName));
      for (const name of names) assert.match(name, namePattern);
      assert.equal(new Set(names).size, 3, `each task ran in a fresh worker: ${names}`);
    });
  });
}
