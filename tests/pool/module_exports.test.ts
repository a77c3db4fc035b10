import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Process, ProcessError, RemoteError } from "../../mod.ts";
import {
  exitVia,
  failHidden,
  failQuota,
  failUnexported,
  fileLength,
  QuotaError,
} from "../fixtures/exports_module.ts";
import { CONTEXTS, rejection } from "../_helpers.ts";

const MODULE = new URL("../fixtures/exports_module.ts", import.meta.url);
const BAD_MODULE = new URL("../fixtures/bad_module.ts", import.meta.url);
const MISSING_MODULE = new URL("../fixtures/no_such_module.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`The pool's module exports (${context} context)`, () => {
    const pools: Pool[] = [];
    const make = (module: URL) => {
      const pool = new Pool({ processes: 1, context, module });
      pools.push(pool);
      return pool;
    };
    after(async () => {
      await Promise.all(pools.map((pool) => pool.terminate()));
    });
    const pool = make(MODULE);

    it("a function exported under another name (`export { impl as fileLength }`) runs by reference", async () => {
      assert.equal(fileLength.name, "lengthPlusOffset");
      assert.deepEqual(await pool.map(fileLength, ["a", "abc"]), [1001, 1003]);
    });

    it("a Process target exported under another name runs by reference", async () => {
      const p = new Process({ target: exitVia, args: [7], module: MODULE, context });
      await p.start();
      await p.join();
      assert.equal(p.exitcode, 7);
    });

    it("an error of a class the module exports arrives as that class, with its fields", async () => {
      const error = await rejection(pool.apply(failQuota, [5]));
      assert.ok(error instanceof QuotaError, `${error.name}: ${error.message}`);
      assert.ok(error instanceof Error);
      assert.equal(error.name, "QuotaError");
      assert.equal(error.message, "over quota 1005");
      assert.equal(error.limit, 5);
      assert.ok(error.cause instanceof RemoteError);
      assert.match(String(error.stack), /over quota 1005/);
    });

    it("an error of an unexported subclass arrives as its nearest exported class", async () => {
      const error = await rejection(pool.apply(failHidden, [3]));
      assert.ok(error instanceof QuotaError, `${error.name}: ${error.message}`);
      assert.equal(error.name, "HiddenQuotaError");
      assert.equal(error.limit, 3);
    });

    it("an error whose class is not exported arrives as an Error with its name and fields", async () => {
      const error = await rejection(pool.apply(failUnexported));
      assert.equal(Object.getPrototypeOf(error), Error.prototype);
      assert.equal(error.name, "UnexportedError");
      assert.equal((error as Error & { detail?: string }).detail, "kept");
    });

    it("a module that throws while it is imported fails the pool with 'Cannot import the pool's module'", async () => {
      const bad = make(BAD_MODULE);
      const error = await rejection(bad.apply((x: number) => x, [1]));
      assert.ok(error instanceof ProcessError, String(error));
      assert.equal(
        error.message,
        `Cannot import the pool's module ${BAD_MODULE.href}: Error: bad module on purpose`,
      );
      assert.doesNotMatch(error.message, /initializer/);
      assert.equal((error.cause as { module?: string }).module, BAD_MODULE.href);
    });

    it("a module that does not exist: the message names it and why", async () => {
      const missing = make(MISSING_MODULE);
      const error = await rejection(missing.map((x: number) => x, [1, 2]));
      assert.ok(error instanceof ProcessError, String(error));
      assert.ok(
        error.message.startsWith(`Cannot import the pool's module ${MISSING_MODULE.href}: `),
        error.message,
      );
      assert.match(error.message, /no_such_module/);
      assert.doesNotMatch(error.message, /initializer/);
    });
  });
}
