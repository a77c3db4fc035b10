/**
 * Writes `REPORT.md` and one SVG chart per suite from the suites' JSON results.
 *
 * ```sh
 * node bench/report.ts [results folder]   # regenerate from the JSON files already there
 * ```
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMain, scriptArgs } from "./_env.ts";
import { type ChartSpec, renderSvg } from "./_charts.ts";
import type { Summary } from "./_stats.ts";
import type { Row, SuiteResult } from "./_suite.ts";

/** A row with the runtime it was measured on. */
type RRow = Row & { runtime: string };

const num = (x: number): string => {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(0)} k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 0.1) return x.toFixed(2);
  return x.toFixed(3);
};

/**
 * Formats a summary as `median (p25–p75)`.
 *
 * @param s The summary (or undefined).
 * @returns The text, `–` when missing.
 * @example
 * ```ts
 * import { fmt } from "./report.ts";
 * console.log(fmt({ median: 2, p25: 1, p75: 3, min: 0, max: 4, n: 5 })); // "2.00 (1.00–3.00)"
 * ```
 */
export function fmt(s: Summary | undefined): string {
  if (!s || !Number.isFinite(s.median)) return "–";
  return s.n > 1 ? `${num(s.median)} (${num(s.p25)}–${num(s.p75)})` : num(s.median);
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

class Rows {
  readonly all: RRow[];
  constructor(results: SuiteResult[], suite: string) {
    this.all = results.filter((r) => r.suite === suite).flatMap((r) =>
      r.rows.map((row) => ({ ...row, runtime: r.machine.runtime }))
    );
  }
  where(q: Partial<RRow>): RRow[] {
    return this.all.filter((r) =>
      Object.entries(q).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v)
    );
  }
  one(q: Partial<RRow>): Summary | undefined {
    return this.where(q)[0]?.stats;
  }
  distinct<K extends keyof RRow>(key: K, q: Partial<RRow> = {}): RRow[K][] {
    return [...new Set(this.where(q).map((r) => r[key]))];
  }
}

const points = <E extends Record<string, unknown>>(
  rows: RRow[],
  extra: (r: RRow) => E = () => ({} as E),
) =>
  rows.map((r) => ({
    runtime: r.runtime,
    context: r.context,
    subject: r.subject,
    workload: r.workload,
    variant: r.variant,
    processes: r.processes,
    median: r.stats.median,
    p25: r.stats.p25,
    p75: r.stats.p75,
    ...extra(r),
  }));

/** Result of building one section: markdown and charts to render. */
interface Section {
  md: string[];
  charts: [string, ChartSpec][];
}

function taskCostSection(results: SuiteResult[]): Section {
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

function peersSection(results: SuiteResult[]): Section {
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

function chunkingSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "chunking");
  const md: string[] = ["## Chunking strategies", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "`Pool.map` makespan ÷ ideal, where ideal = max(Σt / P, t_max) with P = cores (for the",
    "trivial workload Σt is the serial time in the same process). Median (p25–p75) over the",
    "runs; the best strategy per workload in bold. `default` passes no chunksize.",
    "",
  );
  const charts: [string, ChartSpec][] = [];
  const winners: string[][] = [];
  for (const runtime of R.distinct("runtime")) {
    for (const context of R.distinct("context", { runtime, subject: "ours" })) {
      const q = { runtime, context, subject: "ours", metric: "vs_ideal" };
      const strategies = R.distinct("variant", q);
      const rows: string[][] = [];
      for (const w of R.distinct("workload", q)) {
        const cells = strategies.map((s) => R.one({ ...q, workload: w, variant: s }));
        const best = Math.min(...cells.map((c) => c?.median ?? Infinity));
        const bestName = strategies[cells.findIndex((c) => c?.median === best)];
        const def = cells[strategies.indexOf("default")]?.median ?? NaN;
        winners.push([runtime, context, w, bestName, num(best), num(def / best)]);
        rows.push([w, ...cells.map((c) => c?.median === best ? `**${fmt(c)}**` : fmt(c))]);
      }
      md.push(
        `### ${runtime}, ${context} context`,
        "",
        table(["workload", ...strategies], rows),
        "",
      );
    }
  }
  md.push(
    "**Winners** (lowest makespan ÷ ideal; last column: default's makespan ÷ the winner's):",
    "",
    table(["runtime", "context", "workload", "best", "÷ ideal", "default ÷ best"], winners),
    "",
  );
  for (const context of R.distinct("context", { subject: "ours" })) {
    const file = `chunking_${context}.svg`;
    md.push(`![makespan per strategy, ${context}](${file})`, "");
    charts.push([file, {
      title: `Makespan per strategy per workload (${context} context, median ms)`,
      data: { values: points(R.where({ context, subject: "ours", metric: "makespan_ms" })) },
      columns: 4,
      facet: { field: "workload", type: "nominal", title: null },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: 220,
        height: 150,
        mark: "bar",
        encoding: {
          x: {
            field: "variant",
            type: "nominal",
            title: null,
            sort: null,
            axis: { labelAngle: -45 },
          },
          xOffset: { field: "runtime" },
          y: { field: "median", type: "quantitative", title: "ms" },
          color: { field: "runtime", type: "nominal" },
        },
      },
    }]);
  }
  return { md, charts };
}

function imapSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "imap");
  const md: string[] = ["## Ordered vs unordered imap", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "`imap` vs `imapUnordered` of a spin task; `skewed_first`: the first item takes 100× the",
    "median; `pareto`: Pareto durations (shape 1.5, capped at 100× the median). Held back: the",
    "peak number of finished results waiting for an earlier one (from the workers' completion",
    "times). Median (p25–p75).",
    "",
  );
  const rows: string[][] = [];
  for (const r of R.where({ metric: "ttfr_ms", subject: "ours" })) {
    if (!r.variant.startsWith("imap ")) continue;
    const chunk = r.variant.slice(5);
    const q = { runtime: r.runtime, context: r.context, workload: r.workload };
    const un = `imapUnordered ${chunk}`;
    rows.push([
      r.runtime,
      r.context,
      r.workload,
      chunk,
      fmt(r.stats),
      fmt(R.one({ ...q, variant: un, metric: "ttfr_ms" })),
      fmt(R.one({ ...q, variant: r.variant, metric: "makespan_ms" })),
      fmt(R.one({ ...q, variant: un, metric: "makespan_ms" })),
      fmt(R.one({ ...q, variant: r.variant, metric: "held_back" })),
    ]);
  }
  md.push(
    table([
      "runtime",
      "context",
      "durations",
      "chunksize",
      "imap first ms",
      "unordered first ms",
      "imap makespan ms",
      "unordered makespan ms",
      "imap held back",
    ], rows),
    "",
    "![time to first result](imap.svg)",
    "",
  );
  const data = points(
    R.where({ metric: "ttfr_ms", subject: "ours" }),
    (r) => ({
      mode: r.variant.split(" ")[0],
      chunk: r.variant.split(" ")[1],
      where: `${r.runtime} ${r.context}`,
    }),
  ).filter((d) => d.chunk === "default");
  return {
    md,
    charts: [["imap.svg", {
      title: "Time to first result, ordered vs unordered (default chunksize, median ms)",
      data: { values: data },
      facet: { column: { field: "workload", type: "nominal", title: null } },
      spec: {
        width: 260,
        height: 180,
        mark: "bar",
        encoding: {
          x: { field: "where", type: "nominal", title: null, axis: { labelAngle: -30 } },
          xOffset: { field: "mode" },
          y: { field: "median", type: "quantitative", title: "ms", scale: { type: "log" } },
          color: { field: "mode", type: "nominal" },
        },
      },
    }]],
  };
}

function scalingSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "scaling");
  const md: string[] = ["## Across CPU counts", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  const cores = results.find((r) => r.suite === "scaling")?.machine.cpus ?? 0;
  md.push(
    `Speedup over the serial run in the same process, and parallel efficiency = speedup ÷`,
    `min(P, ${cores} cores). P above ${cores} is oversubscribed. Median (p25–p75).`,
    "",
  );
  const rows: string[][] = [];
  for (const r of R.where({ metric: "speedup" })) {
    const q = {
      runtime: r.runtime,
      context: r.context,
      workload: r.workload,
      processes: r.processes,
    };
    rows.push([
      r.runtime,
      r.context,
      `${r.workload} (${r.variant})`,
      String(r.processes),
      fmt(R.one({ ...q, metric: "makespan_ms" })),
      fmt(r.stats),
      fmt(R.one({ ...q, metric: "efficiency" })),
    ]);
  }
  md.push(
    table(["runtime", "context", "workload", "P", "makespan ms", "speedup", "efficiency"], rows),
    "",
    "![speedup vs CPU count](scaling.svg)",
    "",
  );
  const data = points(R.where({ metric: "speedup" }), (r) => ({
    series: `${r.runtime} ${r.context}`,
  }));
  return {
    md,
    charts: [["scaling.svg", {
      title: "Speedup vs worker count (median; dashed: ideal up to the core count)",
      data: { values: data },
      facet: { column: { field: "workload", type: "nominal", title: null } },
      spec: {
        width: 240,
        height: 200,
        layer: [
          {
            mark: { type: "line", point: true },
            encoding: {
              x: {
                field: "processes",
                type: "quantitative",
                title: "workers",
                scale: { type: "log", base: 2 },
              },
              y: { field: "median", type: "quantitative", title: "speedup" },
              color: { field: "series", type: "nominal", title: null },
            },
          },
          {
            mark: { type: "rule", strokeDash: [4, 3], color: "gray" },
            encoding: { y: { datum: cores } },
          },
        ],
      },
    }]],
  };
}

function machineSection(results: SuiteResult[]): string[] {
  const byRuntime = new Map(results.map((r) => [r.machine.runtime, r.machine]));
  const m = results[0]?.machine;
  const python = results.flatMap((r) => r.notes).find((n) => n.startsWith("CPython "));
  const scale = results[0]?.scale ?? "?";
  const started = results.map((r) => r.startedAt).sort()[0] ?? "";
  return [
    "## Machine",
    "",
    `- ${m?.cpus ?? "?"} logical CPUs (${m?.cpuModel ?? "?"}), ${m?.platform}/${m?.arch}`,
    `- runtimes: ${
      [...byRuntime.values()].map((x) => `${x.runtime} ${x.runtimeVersion}`).join(", ")
    }`,
    `- ${python ?? "CPython: not measured"}`,
    `- 1-minute load average when each suite started: ${
      results.map((r) =>
        `${r.suite}/${r.machine.runtime} ${(r.machine.loadAverage ?? 0).toFixed(1)}`
      )
        .join(", ")
    } (the machine is shared; figures above ${
      m?.cpus ?? "?"
    } mean other work competed for the cores)`,
    `- run: \`${
      scale === "full"
        ? "npm run bench"
        : scale === "quick"
        ? "npm run bench:quick"
        : `--scale ${scale}`
    }\`, started ${started}`,
    "",
  ];
}

/**
 * Writes `REPORT.md` and the charts for a set of results into `dir`.
 *
 * @param results The suites' results (any runtimes).
 * @param dir Output folder.
 * @returns The report's markdown.
 * @example
 * ```ts
 * import { writeReport } from "./report.ts";
 * await writeReport([], ".tmp/empty-report");
 * ```
 */
export async function writeReport(results: SuiteResult[], dir: string): Promise<string> {
  const sections = [
    taskCostSection(results),
    peersSection(results),
    chunkingSection(results),
    imapSection(results),
    scalingSection(results),
  ];
  const skipped = [
    ...new Set(results.flatMap((r) =>
      r.notes.filter((n) => !n.startsWith("CPython "))
        .map((n) => `${r.machine.runtime} ${r.suite}: ${n}`)
    )),
  ];
  const md = [
    "# Benchmark report",
    "",
    "Generated by `bench/main.ts` from the JSON files next to this report. Every figure is a",
    "median over repeated runs with its spread; no figure comes from a single run.",
    "",
    ...machineSection(results),
    ...(skipped.length ? ["## Notes", "", ...skipped.map((n) => `- ${n}`), ""] : []),
    ...sections.flatMap((s) => s.md),
  ].join("\n");
  for (const [file, spec] of sections.flatMap((s) => s.charts)) {
    try {
      writeFileSync(join(dir, file), await renderSvg(spec));
    } catch (e) {
      console.error(`chart ${file}: ${(e as Error).message}`);
    }
  }
  writeFileSync(join(dir, "REPORT.md"), md + "\n");
  return md;
}

if (isMain(import.meta)) {
  const dir = scriptArgs()[0] ?? new URL("./results", import.meta.url).pathname;
  const results = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) =>
    JSON.parse(readFileSync(join(dir, f), "utf8")) as SuiteResult
  );
  await writeReport(results, dir);
  console.log(`wrote ${join(dir, "REPORT.md")}`);
}
