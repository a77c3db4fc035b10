import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { runScript } from "./_script.ts";

const SCRIPT = new URL("../fixtures/main_guard_script.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`isMainProcess() as the main-module guard (${context})`, () => {
    it("guards a program whose workers import it (module: import.meta.url), on every runtime", async () => {
      const result = await runScript(SCRIPT, [context], 60_000);
      const report =
        `code ${result.code}, signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      assert.equal(result.signal, null, `killed after 60 s\n${report}`);
      assert.equal(result.code, 0, report);
      // Printed once: the guarded block ran in the main program only, not in the workers
      // that imported the module.
      assert.deepEqual(
        result.stdout.trim().split("\n"),
        ["map [1001,1002,1003]", "guarded"],
        report,
      );
    });
  });
}
