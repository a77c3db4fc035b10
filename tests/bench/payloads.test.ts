import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Transfer } from "../../mod.ts";
import { limitedRounds } from "../../bench/_measure.ts";
import { payloadString, payloadWorkloads, transferItems } from "../../bench/_payload_data.ts";
import { payloadsSection } from "../../bench/_report_payloads.ts";
import { row, type SuiteResult } from "../../bench/_suite.ts";
import { summarize } from "../../bench/_stats.ts";
import { CPythonPool, findPython } from "../../bench/peers/cpython.ts";
import {
  countPrimes,
  derive,
  runPayload,
  sumArray,
  upper,
} from "../../bench/peers/payload_task.mjs";
import { runTask } from "../../bench/peers/task.mjs";

describe("payload workloads", () => {
  it("the per-item functions compute what they say", () => {
    assert.equal(upper("ab1"), "AB1");
    assert.deepEqual(derive({ id: 1, name: "a", price: 2.5, qty: 4 }), {
      id: 1,
      name: "a",
      price: 2.5,
      qty: 4,
      total: 10,
    });
    assert.equal(sumArray(new Float64Array([1, 2, 3.5])), 6.5);
    assert.equal(countPrimes([0, 30]), 10);
    assert.equal(runTask({ op: "primes", x: [0, 10] }), 4);
    assert.equal(runPayload({ op: "sum", x: new Float64Array([2, 2]) }), 4);
    assert.throws(() => runPayload({ op: "nope" } as never), RangeError);
  });

  it("builds the four workloads at the asked sizes, with one peer task per item", () => {
    const ws = payloadWorkloads(12, 3, Transfer as never);
    assert.deepEqual(ws.map((w) => w.name), ["strings_1kb", "records", "f64_128kb", "primes_3ms"]);
    assert.deepEqual(ws.map((w) => w.items().length), [12, 12, 3, 3]);
    assert.deepEqual(ws.map((w) => w.tasks().length), [12, 12, 3, 3]);
    assert.deepEqual(ws.map((w) => w.transferable), [false, false, true, false]);
    assert.equal(ws.find((w) => w.python === null)?.name, "f64_128kb");
    assert.equal(payloadString(123).length, 1024);
    const moved = transferItems(ws[2], Transfer as never);
    assert.ok(moved.every((t) => t instanceof Transfer));
    assert.equal(payloadWorkloads(1, 1, null)[2].transferable, false);
  });
});

describe("limitedRounds (fault paths)", () => {
  it("a contender past the limit is abandoned once and not measured again", async () => {
    const calls = { hang: 0, hangAbandon: 0, fine: 0 };
    const hang = {
      name: "hang",
      run: () => (calls.hang++, new Promise<number>(() => {})),
      abandon: () => Promise.resolve(void calls.hangAbandon++),
    };
    const fine = {
      name: "fine",
      run: () => Promise.resolve(++calls.fine && 1),
      abandon: async () => {},
    };
    const notes: string[] = [];
    const rounds: number[] = [];
    const r = await limitedRounds([hang, fine], 3, 20, new Set(), notes, (n) => rounds.push(n));
    assert.deepEqual(calls, { hang: 1, hangAbandon: 1, fine: 3 });
    assert.deepEqual(r.series.get("fine"), [1, 1, 1]);
    assert.ok(r.series.get("hang")!.every(Number.isNaN));
    assert.equal(r.series.get("hang")!.length, 3);
    assert.deepEqual([...r.timedOut], ["hang"]);
    assert.deepEqual(notes, ["hang round 1 did not finish within 20 ms"]);
    assert.deepEqual(rounds, [1, 2, 3]);
  });

  it("a failing contender is retried next round; a fatal one joins `gone`", async () => {
    const abandoned: string[] = [];
    let flaky = 0;
    const contenders = [
      {
        name: "flaky",
        run: () =>
          flaky++ === 0 ? Promise.reject(new Error("first try fails")) : Promise.resolve(2),
        abandon: () => Promise.resolve(void abandoned.push("flaky")),
      },
      {
        name: "dies",
        fatal: true,
        run: () => Promise.reject(new Error("process died")),
        abandon: () => Promise.resolve(void abandoned.push("dies")),
      },
      {
        name: "stuck abandon",
        run: () => Promise.reject(new Error("fails")),
        abandon: () => Promise.reject(new Error("cannot free")),
      },
    ];
    const gone = new Set<string>();
    const notes: string[] = [];
    const r = await limitedRounds(contenders, 2, 1000, gone, notes);
    assert.deepEqual(r.series.get("flaky"), [NaN, 2]);
    assert.deepEqual(r.series.get("dies"), [NaN, NaN]);
    assert.deepEqual([...gone], ["dies"]);
    assert.deepEqual(abandoned, ["flaky", "dies"]);
    assert.equal(r.timedOut.size, 0);
    assert.equal(notes.filter((n) => n === "cannot free").length, 2);
    assert.ok(notes.includes("first try fails") && notes.includes("process died"));
  });
});

describe("payloads report", () => {
  it("renders makespans, ratios, efficiency and a peer that only timed out", () => {
    const s = summarize([10, 12, 14]);
    const rows = [
      row("thread", "ours", "primes_3ms", "map", 2, "makespan_ms", "ms", s),
      row("thread", "ours", "primes_3ms", "map", 2, "vs_best_peer", "×", summarize([0.5])),
      row("thread", "ours", "primes_3ms", "map", 2, "efficiency", "", summarize([0.9])),
      row("none", "piscina", "primes_3ms", "one task per item", 2, "makespan_ms", "ms", s),
      row("none", "poolifier", "primes_3ms", "one task per item", 2, "timed_out", "ms", {
        ...summarize([60_000]),
      }),
    ];
    const machine = { runtime: "node" } as SuiteResult["machine"];
    const result = { suite: "payloads", machine, rows, notes: [] } as unknown as SuiteResult;
    const { md, charts } = payloadsSection([result]);
    const text = md.join("\n");
    assert.ok(text.includes("| primes_3ms | **ours thread map** | 12.0 (11.0–13.0) | 0.50 |"));
    assert.ok(
      text.includes("| poolifier | timed out (> 60.0 s) |"),
      "never finished: still listed",
    );
    assert.ok(text.includes("| piscina | 12.0 (11.0–13.0) |"));
    assert.deepEqual(charts.map(([file]) => file), ["payloads_node.svg"]);
    assert.equal(payloadsSection([]).md.includes("Not run."), true);
  });
});

const python = findPython();
describe("cpython_pool.py payload op", { skip: python ? false : "no python3" }, () => {
  it("maps each payload kind on a fresh pool and times the serial run", async () => {
    const py = new CPythonPool(python!.exe);
    try {
      await py.start(2);
      for (const kind of ["upper", "derive"]) {
        assert.ok(await py.request({ op: "payload", kind, n: 50 }) >= 0, kind);
      }
      const ranges = [[0, 100], [100, 200]];
      assert.ok(await py.request({ op: "payload", kind: "primes", ranges }) >= 0);
      assert.ok(await py.request({ op: "payload", kind: "primes", ranges, serial: true }) >= 0);
      await assert.rejects(py.request({ op: "payload", kind: "nope" }), /unknown payload kind/);
    } finally {
      await py.stop();
    }
  });
});
