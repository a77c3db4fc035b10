/**
 * Report sections on cost: per-task cost on each runtime, and the peers comparison.
 *
 * @module
 */
import type { ChartSpec } from "./_charts.ts";
import type { SuiteResult } from "./_suite.ts";
import { fmt, points, Rows, type Section, table } from "./_report_util.ts";

/**
 * The report section of the taskCost suite.
 *
 * @param results All results.
 * @returns Markdown lines and charts.
 * @example
 * ```ts
 * import { taskCostSection } from "./_report_cost.ts";
 * console.log(taskCostSection([]).md[0]);
 * ```
 */
export function taskCostSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "task_cost");
  const md: string[] = ["## Per-task cost", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "Trivial function, 2 workers, everything submitted at once; the bare ping-pong pool (one",
    "message per task, round robin, same runtime and context) is the floor. Medians over",
    "interleaved rounds, (p25–p75) in brackets.",
    "",
  );
  const rows: string[][] = [];
  for (const runtime of R.distinct("runtime")) {
    for (const context of ["thread", "process"] as const) {
      const q = { runtime, context };
      const bare = R.where({ ...q, variant: "flood", metric: "us_per_task" })[0];
      if (!bare) continue;
      rows.push([
        runtime,
        context,
        fmt(R.one({ ...q, subject: "ours", variant: "applyAsync flood", metric: "us_per_task" })),
        fmt(R.one({ ...q, subject: "ours", variant: "map chunksize 1", metric: "us_per_task" })),
        fmt(bare.stats),
        fmt(R.one({ ...q, subject: "ours", variant: "applyAsync flood", metric: "ratio_to_bare" })),
        fmt(R.one({ ...q, subject: "ours", variant: "apply", metric: "round_trip_ms" })),
        fmt(R.one({ ...q, subject: "ours", metric: "start_ms" })),
        fmt(R.one({ ...q, variant: "spawn to first reply", metric: "start_ms" })),
        fmt(R.one({ ...q, metric: "bytes_per_worker" })),
        fmt(R.one({ ...q, metric: "bytes_per_task" })),
      ]);
    }
  }
  md.push(
    table([
      "runtime",
      "context",
      "applyAsync flood µs/task",
      "map(chunksize=1) µs/task",
      "bare ping-pong µs/task",
      "flood ÷ bare",
      "apply round trip ms",
      "start → first result ms",
      "bare spawn → first reply ms",
      "idle worker KiB",
      "pending task B",
    ], rows),
    "",
    "![per-task cost](task_cost.svg)",
    "",
  );
  const data = points(R.where({ metric: "us_per_task" }), (r) => ({
    what: r.subject === "ours"
      ? `ours ${r.variant}`
      : r.subject.includes("ping-pong")
      ? "bare ping-pong"
      : r.subject,
    where: `${r.runtime} ${r.context}`,
  }));
  const chart: ChartSpec = {
    title: "Per-task cost, trivial task, 2 workers (µs per task, median)",
    data: { values: data },
    mark: { type: "bar" },
    width: 120,
    height: 200,
    encoding: {
      column: { field: "where", type: "nominal", title: null },
      x: { field: "what", type: "nominal", title: null, axis: { labelAngle: -40 } },
      y: { field: "median", type: "quantitative", title: "µs per task" },
      color: { field: "what", type: "nominal", title: null },
    },
  };
  return { md, charts: [["task_cost.svg", chart]] };
}

/**
 * The report section of the peers suite.
 *
 * @param results All results.
 * @returns Markdown lines and charts.
 * @example
 * ```ts
 * import { peersSection } from "./_report_cost.ts";
 * console.log(peersSection([]).md[0]);
 * ```
 */
export function peersSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "peers");
  const md: string[] = ["## Versus peers (Node)", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  const notes = [
    ...new Set(
      results.filter((r) => r.suite === "peers" && r.machine.runtime === "node").flatMap((r) =>
        r.notes
      ),
    ),
  ];
  md.push(
    "Same tasks, 2 workers, measured in one process in interleaved rounds (mitata). Ratio =",
    "ours ÷ peer per round (below 1: we are faster).",
    "",
  );
  const peers = R.distinct("subject", { metric: "us_per_task" }).filter((s) =>
    !s.startsWith("ours")
  );
  const spinWl = R.distinct("workload", { metric: "makespan_ms" })[0] ?? "spin";
  const rows = peers.map((p) => [
    p,
    fmt(R.one({ subject: p, metric: "us_per_task" })),
    fmt(R.one({ subject: "ours", variant: p, workload: "trivial", metric: "ratio_to_peer" })),
    fmt(
      R.one({
        subject: "ours (process)",
        variant: p,
        workload: "trivial",
        metric: "ratio_to_peer",
      }),
    ),
    fmt(R.one({ subject: p, metric: "makespan_ms" })),
    fmt(R.one({ subject: "ours", variant: p, workload: spinWl, metric: "ratio_to_peer" })),
  ]);
  rows.unshift([
    "**ours** (thread)",
    fmt(R.one({ subject: "ours", metric: "us_per_task" })),
    "1",
    "",
    fmt(R.one({ subject: "ours", metric: "makespan_ms" })),
    "1",
  ]);
  if (R.one({ subject: "ours (process)", metric: "us_per_task" })) {
    rows.splice(1, 0, [
      "**ours** (process)",
      fmt(R.one({ subject: "ours (process)", metric: "us_per_task" })),
      "",
      "1",
      fmt(R.one({ subject: "ours (process)", metric: "makespan_ms" })),
      "",
    ]);
  }
  md.push(
    table([
      "pool",
      "trivial µs/task",
      "ours (thread) ÷ it",
      "ours (process) ÷ it",
      `CPU-bound makespan ms (${spinWl})`,
      "ours ÷ it",
    ], rows),
    "",
  );
  const tp = R.where({ metric: "items_per_s" });
  if (tp.length) {
    md.push(
      `**map throughput**, ${tp[0] ? "trivial items" : ""} (items/s, median (p25–p75)):`,
      "",
      table(["who", "items/s"], tp.map((r) => [`${r.subject} ${r.variant}`, fmt(r.stats)])),
      "",
      `ours default ÷ CPython default (throughput): ${
        fmt(R.one({ metric: "throughput_ratio" }))
      }; ` +
        `ours default time ÷ best fixed chunksize: ${fmt(R.one({ metric: "time_ratio" }))}.`,
      "",
    );
  }
  if (notes.length) md.push(...notes.map((n) => `- ${n}`), "");
  md.push("![ratio to peers](peers.svg)", "");
  const data = points(R.where({ metric: "ratio_to_peer" }), (r) => ({
    who: r.subject,
    peer: r.variant,
  }));
  const faceted: ChartSpec = {
    title: "Ours ÷ peer (time per task, median; below 1 = faster)",
    data: { values: data },
    facet: { column: { field: "who", type: "nominal", title: null } },
    spec: {
      width: 260,
      height: 200,
      layer: [
        {
          mark: "bar",
          encoding: {
            x: { field: "peer", type: "nominal", title: null, axis: { labelAngle: -30 } },
            xOffset: { field: "workload" },
            y: { field: "median", type: "quantitative", title: "ratio", scale: { type: "log" } },
            color: { field: "workload", type: "nominal" },
          },
        },
        {
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { y: { datum: 1 } },
        },
      ],
    },
  };
  return { md, charts: [["peers.svg", faceted]] };
}
