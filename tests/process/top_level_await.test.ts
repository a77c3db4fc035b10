import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { runScript } from "./_script.ts";

const PROGRAM = new URL("../fixtures/process_tla.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`Process in a program with top-level await (${context} context)`, () => {
    it("a target exported by the still-evaluating main module runs by reference; no deadlock", async () => {
      const r = await runScript(PROGRAM, [context], 90_000);
      assert.equal(r.signal, null, `it ended by itself, not by the test's time limit\n${r.stderr}`);
      assert.equal(r.code, 0, `exit code ${r.code}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^target got 1001$/m);
      assert.match(r.stdout, /^exitcode 0$/m);
    });
  });
}
