import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mapSummary, quantile, summarize } from "../../bench/_stats.ts";
import {
  idealMs,
  imapDurations,
  makeWorkload,
  rng,
  spin,
  spinStamp,
  square,
  WORKLOAD_NAMES,
} from "../../bench/workloads.ts";
import { peakHeldBack } from "../../bench/suites/imap.ts";
import { workerCounts } from "../../bench/suites/scaling.ts";
import { chunkLabel, row, SCALES, type SuiteResult } from "../../bench/_suite.ts";
import { fixedSweep } from "../../bench/suites/first_map.ts";
import { intList } from "../../bench/first_map.ts";
import { firstMapSection } from "../../bench/_report_first.ts";
import { parseFlags } from "../../bench/_env.ts";

describe("bench statistics", () => {
  it("summarize() gives median, quartiles and range", () => {
    const s = summarize([5, 1, 4, 2, 3, NaN]);
    assert.deepEqual(s, { median: 3, p25: 2, p75: 4, min: 1, max: 5, n: 5 });
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.ok(Number.isNaN(summarize([]).median));
  });

  it("mapSummary() keeps the bounds ordered under a decreasing map", () => {
    const s = mapSummary(summarize([1, 2, 4]), (ms) => 1000 / ms);
    assert.ok(s.min <= s.p25 && s.p25 <= s.median && s.median <= s.p75 && s.p75 <= s.max);
    assert.equal(s.median, 500);
  });
});

describe("bench workloads", () => {
  it("builds every workload, deterministic and sized", () => {
    for (const name of WORKLOAD_NAMES) {
      const a = makeWorkload(name, 10, 100);
      const b = makeWorkload(name, 10, 100);
      assert.deepEqual(a.items, b.items);
      assert.ok(a.items.length >= 8);
      if (a.durationsUs) {
        const total = a.durationsUs.reduce((x, y) => x + y, 0) / 1000;
        assert.ok(total > 5 && total < 20, `${name}: ${total} ms`);
      }
    }
    assert.throws(() => makeWorkload("nope", 1, 1), RangeError);
  });

  it("computes the ideal makespan max(Σt / P, t_max)", () => {
    assert.equal(idealMs([1000, 1000, 1000, 1000], 2), 2);
    assert.equal(idealMs([10_000, 10, 10], 2), 10);
  });

  it("spins for about the asked time and stamps completion on the wall clock", () => {
    const t0 = performance.now();
    spin(2000);
    assert.ok(performance.now() - t0 >= 2);
    const stamp = spinStamp(10);
    assert.ok(Math.abs(stamp - Date.now()) < 1000);
    assert.equal(square(7), 49);
  });

  it("makes imap durations: uniform, skewed first item, Pareto", () => {
    assert.deepEqual(imapDurations("uniform", 3, 5), [5, 5, 5]);
    assert.deepEqual(imapDurations("skewed_first", 3, 5), [500, 5, 5]);
    const p = imapDurations("pareto", 1000, 100).sort((a, b) => a - b);
    assert.ok(p[500] > 80 && p[500] < 120, `median ${p[500]}`);
    assert.ok(p[999] <= 10_000);
    assert.ok(rng(1)() !== rng(2)());
  });

  it("counts results held back for order", () => {
    assert.equal(peakHeldBack([1, 2, 3]), 0);
    assert.equal(peakHeldBack([3, 1, 2]), 2);
    assert.equal(peakHeldBack([2, 1, 4, 3]), 1);
  });
});

describe("bench configuration", () => {
  it("sweeps 1…cores and 2×, 4× oversubscribed", () => {
    assert.deepEqual(workerCounts(2), [1, 2, 4, 8]);
    assert.deepEqual(workerCounts(1), [1, 2, 4]);
  });

  it("has smoke, quick and full scales with repeated runs", () => {
    for (const s of Object.values(SCALES)) assert.ok(s.runs >= 2);
    assert.equal(SCALES.full.throughputItems, 1_000_000);
    assert.equal(chunkLabel(10), "chunksize 10");
    assert.equal(chunkLabel("guided"), "guided");
  });

  it("parses command-line flags", () => {
    assert.deepEqual(parseFlags(["--quick", "--suite=peers", "--out", "x.json"]), {
      quick: true,
      suite: "peers",
      out: "x.json",
    });
  });
});

describe("first-map benchmark", () => {
  it("sweeps 1, Python's default and fractions of n, without repeats", () => {
    assert.deepEqual(fixedSweep(1000, 2), [
      { label: "1", size: 1 },
      { label: "python = 125", size: 125 },
      { label: "n/64 = 16", size: 16 },
      { label: "n/16 = 63", size: 63 },
      { label: "n/4 = 250", size: 250 },
      { label: "n/2 = 500", size: 500 },
    ]);
    assert.deepEqual(intList("1e3,20", "sizes"), [1000, 20]);
    assert.throws(() => intList("0", "sizes"), RangeError);
  });

  it("reports ours ÷ CPython and ours ÷ the best fixed chunksize per size", () => {
    const s = (median: number) => summarize([median]);
    const rows = [
      row("thread", "ours", "square_1000", "auto", 2, "makespan_ms", "ms", s(1)),
      row("thread", "ours", "square_1000", "fixed n/2 = 500", 2, "makespan_ms", "ms", s(0.9)),
      row("thread", "ours", "square_1000", "fixed 1", 2, "makespan_ms", "ms", s(5)),
      row("thread", "cpython", "square_1000", "default", 2, "makespan_ms", "ms", s(2)),
      row("thread", "ours", "square_1000", "auto ÷ fixed n/2", 2, "vs_best_fixed", "×", s(1.1)),
      row("thread", "ours", "square_1000", "auto ÷ cpython", 2, "vs_cpython", "×", s(0.5)),
    ];
    const machine = { runtime: "node" } as SuiteResult["machine"];
    const result = { suite: "first_map", machine, rows, notes: [] } as unknown as SuiteResult;
    const md = firstMapSection([result]).md.join("\n");
    assert.ok(md.includes("| 1,000 | 1.00 | 0.90 (n/2 = 500) | 2.00 | **0.50** | **1.10** |"), md);
    assert.ok(firstMapSection([]).md.includes("Not run."));
  });
});
