import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSuite, SUITES } from "../../bench/run.ts";
import { writeReport } from "../../bench/report.ts";
import { PingPongPool } from "../../bench/baseline/ping_pong.ts";
import { applyAsyncCost } from "../../bench/apply_async_cost.ts";
import type { SuiteResult } from "../../bench/_suite.ts";
import { detectRuntime } from "../../src/runtime/detect.ts";
import { CONTEXTS } from "../_helpers.ts";

/** Every row is well formed: names, a finite median inside its range, repeated runs. */
function assertWellFormed(result: SuiteResult): void {
  assert.equal(typeof result.machine.runtime, "string");
  assert.ok(result.machine.cpus >= 1);
  for (const row of result.rows) {
    const where = `${result.suite} ${row.subject} ${row.workload} ${row.variant} ${row.metric}`;
    assert.ok(row.subject && row.workload && row.variant && row.metric, where);
    assert.ok(Number.isFinite(row.stats.median), `${where}: median ${row.stats.median}`);
    assert.ok(row.stats.min <= row.stats.median && row.stats.median <= row.stats.max, where);
    assert.ok(row.stats.n >= 1, where);
  }
}

for (const context of CONTEXTS) {
  describe(`bench suites (${context} context, smoke size)`, () => {
    const results: SuiteResult[] = [];
    const dir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const suite of Object.keys(SUITES)) {
      it(`${suite} runs and produces well-formed results`, async () => {
        const result = await runSuite(suite, "smoke", [context]);
        assert.deepEqual(result.contexts, [context], result.notes.join("; "));
        assertWellFormed(result);
        const ours = result.rows.filter((r) => r.subject.startsWith("ours"));
        if (suite === "peers" && detectRuntime() !== "node") {
          assert.equal(result.rows.length, 0);
          assert.ok(result.notes.some((n) => n.includes("Node only")));
        } else {
          assert.ok(ours.length > 0, `${suite}: no figures of ours`);
          assert.ok(ours.every((r) => r.context === context || r.context === "none"));
        }
        results.push(result);
      });
    }

    it("writes the report and one SVG chart per suite", async () => {
      const md = await writeReport(results, dir);
      const titles = ["## Machine", "## Per-task cost", "## Payloads", "## Chunking strategies"];
      for (const title of titles) {
        assert.ok(md.includes(title), title);
      }
      const charts = ["task_cost", `chunking_${context}`, "imap", "scaling"];
      for (const chart of [...charts, `payloads_${detectRuntime()}`]) {
        const svg = readFileSync(join(dir, `${chart}.svg`), "utf8");
        assert.ok(svg.startsWith("<svg"), chart);
        assert.ok(!svg.includes("NaN"), chart);
      }
      assert.ok(existsSync(join(dir, "REPORT.md")));
    });

    it("the bare ping-pong baseline answers every task", async () => {
      const pool = new PingPongPool(context);
      try {
        await pool.start(2);
        await pool.flood(100);
      } finally {
        await pool.stop();
      }
    });

    it("apply_async_cost measures a per-task cost", async () => {
      const us = await applyAsyncCost({ tasks: 100, workers: 2, runs: 2, context });
      assert.ok(us.median > 0 && Number.isFinite(us.median));
      assert.equal(us.n, 2);
    });
  });
}
