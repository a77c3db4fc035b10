/**
 * Report section of the payloads suite: per runtime, each workload's makespan for every
 * contender, with ours ÷ the best peer, ours ÷ CPython, process ÷ thread and, for the
 * CPU-bound ranges, parallel efficiency; one bar chart per runtime.
 *
 * @module
 */
import type { ChartSpec } from "./_charts.ts";
import type { SuiteResult } from "./_suite.ts";
import { fmt, num, points, Rows, type RRow, type Section, table } from "./_report_util.ts";

/** The contender's label in tables and charts. */
function who(r: RRow): string {
  if (r.subject === "ours") return `ours ${r.context} ${r.variant}`;
  if (r.subject === "serial") return "serial (this thread)";
  return r.subject === "CPython" ? "CPython Pool.map" : r.subject;
}

/**
 * The table of one runtime.
 *
 * @param R The suite's rows.
 * @param runtime Runtime name.
 * @returns Table lines.
 */
function payloadTable(R: Rows, runtime: string): string {
  const lines: string[][] = [];
  for (const workload of R.distinct("workload", { runtime })) {
    // One line per contender: its makespan, or only its time-out when it never finished.
    const measured = R.where({ runtime, workload }).filter((r) =>
      r.metric === "makespan_ms" || r.metric === "timed_out"
    );
    const contenders = new Map(measured.map((r) => [`${r.subject} ${r.context} ${r.variant}`, r]));
    for (const r of contenders.values()) {
      const q = { runtime, workload, subject: r.subject, context: r.context, variant: r.variant };
      const timedOut = R.one({ ...q, metric: "timed_out" });
      lines.push([
        workload,
        r.subject === "ours" ? `**${who(r)}**` : who(r),
        timedOut
          ? `timed out (> ${num(timedOut.median / 1000)} s)`
          : fmt(R.one({ ...q, metric: "makespan_ms" })),
        fmt(R.one({ ...q, metric: "vs_best_peer" })),
        fmt(R.one({ ...q, metric: "vs_cpython" })),
        fmt(R.one({ ...q, metric: "process_vs_thread" })),
        fmt(R.one({ ...q, metric: "efficiency" })),
      ]);
    }
  }
  return table([
    "workload",
    "contender",
    "ms",
    "ours ÷ best peer",
    "ours ÷ CPython",
    "process ÷ thread",
    "efficiency",
  ], lines);
}

/**
 * A bar chart of one runtime's makespans (log scale), one panel per workload.
 *
 * @param R The suite's rows.
 * @param runtime Runtime name.
 * @returns The Vega-Lite spec.
 */
function payloadChart(R: Rows, runtime: string): ChartSpec {
  const rows = R.where({ runtime, metric: "makespan_ms" }).filter((r) =>
    Number.isFinite(r.stats.median)
  );
  const y = { field: "who", type: "nominal", sort: null, title: null };
  return {
    title: `Payloads on ${runtime}, 2 workers: makespan, median and p25–p75 (ms, log scale)`,
    data: { values: points(rows, (r) => ({ who: who(r) })) },
    facet: { row: { field: "workload", type: "nominal", title: null } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 420,
      layer: [
        {
          mark: "bar",
          encoding: {
            y,
            x: { field: "median", type: "quantitative", scale: { type: "log" }, title: "ms" },
          },
        },
        { mark: "rule", encoding: { y, x: { field: "p25" }, x2: { field: "p75" } } },
      ],
    },
  };
}

/**
 * The report section of the payloads suite.
 *
 * @param results All results.
 * @returns Markdown lines and one chart per runtime.
 * @example
 * ```ts
 * import { payloadsSection } from "./_report_payloads.ts";
 * console.log(payloadsSection([]).md[0]);
 * ```
 */
export function payloadsSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "payloads");
  const md: string[] = ["## Payloads against the peers", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "2 workers. Every measurement opens a fresh pool, warms it with one small task and times",
    "one pass of the workload, as a program that maps once meets it; contenders interleaved",
    "round by round, median (p25–p75) over the rounds. Ours: `pool.map` at the default",
    "chunksize; the peers run every item as one task (their usual use); CPython: a fresh",
    "`Pool(2).map`. Ratios are per round (below 1: ours is faster); best peer = the fastest of",
    "piscina, tinypool, workerpool and poolifier in that round. Efficiency = serial time ÷",
    "(2 × makespan), CPython's against its own serial time. Peers run on Node only.",
    "",
  );
  const charts: [string, ChartSpec][] = [];
  for (const runtime of R.distinct("runtime")) {
    md.push(`### ${runtime}`, "", payloadTable(R, runtime), "", `![](payloads_${runtime}.svg)`, "");
    charts.push([`payloads_${runtime}.svg`, payloadChart(R, runtime)]);
  }
  return { md, charts };
}
