import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { runScript } from "../process/_script.ts";

const SCRIPT = new URL("../fixtures/pool_exit_script.ts", import.meta.url);
const EXPECTED = "squares [1,4,9,16] sum 42 imap [2,3]";

for (const context of CONTEXTS) {
  describe(`Pool leaves nothing running (${context})`, () => {
    it("after close() + join() the program exits by itself with code 0", async () => {
      const result = await runScript(SCRIPT, [context], 30_000);
      const report =
        `code ${result.code}, signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      assert.equal(result.signal, null, `killed after 30 s: the program did not exit\n${report}`);
      assert.equal(result.code, 0, report);
      assert.deepEqual(result.stdout.trim().split("\n"), [EXPECTED, "joined"], report);
    });

    it("a pool never closed, with all its results awaited, does not keep the program alive", async () => {
      const result = await runScript(SCRIPT, [context, "unclosed"], 30_000);
      const report =
        `code ${result.code}, signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
      assert.equal(
        result.signal,
        null,
        `killed after 30 s: idle workers kept the program alive\n${report}`,
      );
      assert.equal(result.code, 0, report);
      assert.deepEqual(result.stdout.trim().split("\n"), [EXPECTED, "done without close"], report);
    });
  });
}
