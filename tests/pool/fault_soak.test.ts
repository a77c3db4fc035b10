import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { PHASE_FAULTS, TASK_FAULTS } from "../../bench/soak/_kinds.ts";
import { markdown, verdict } from "../../bench/soak/_report.ts";
import { runSoakProgram } from "../../bench/soak/_spawn.ts";

// The small version of `npm run soak` (bench/soak/): a program of its own, on this runtime,
// with 2 workers, healthy tasks mixed with every fault that can be injected here.
for (const context of CONTEXTS) {
  describe(`Pool fault soak, small (${context})`, () => {
    it("no hang, no healthy task lost, nothing run or settled twice, nothing left running, exits by itself", async () => {
      const result = await runSoakProgram(
        "current",
        [`--context=${context}`, "--scale=tiny", "--deadline=20000"],
        { limitMs: 150_000, exitGraceMs: 20_000 },
      );
      const table = markdown([{ runtime: "this runtime", context, result }]);
      const report = result.report;
      assert.ok(report !== undefined, `the soak printed no report\n${result.stderrTail}`);
      for (const kind of [...TASK_FAULTS, ...PHASE_FAULTS]) {
        if (kind in report.skipped) continue;
        assert.ok((report.faults[kind] ?? 0) > 0, `fault ${kind} was never injected\n${table}`);
      }
      assert.deepEqual(verdict(result), [], table);
    });
  });
}
