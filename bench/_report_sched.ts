/**
 * Report sections on scheduling: chunking strategies, ordered vs unordered imap, scaling.
 *
 * @module
 */
import type { ChartSpec } from "./_charts.ts";
import type { SuiteResult } from "./_suite.ts";
import { fmt, num, points, Rows, type Section, table } from "./_report_util.ts";

/**
 * The report section of the chunking suite.
 *
 * @param results All results.
 * @returns Markdown lines and charts.
 * @example
 * ```ts
 * import { chunkingSection } from "./_report_sched.ts";
 * console.log(chunkingSection([]).md[0]);
 * ```
 */
export function chunkingSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "chunking");
  const md: string[] = ["## Chunking strategies", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "`Pool.map` makespan ÷ ideal, where ideal = max(Σt / P, t_max) with P workers (the cores",
    "unless `--processes` names other counts; for the",
    "trivial workload Σt is the serial time in the same process). Median (p25–p75) over the",
    "runs; the best strategy per workload in bold. `default` passes no chunksize.",
    "",
  );
  const charts: [string, ChartSpec][] = [];
  const winners: string[][] = [];
  for (const runtime of R.distinct("runtime")) {
    // One table per context and worker count (`--processes` may name several).
    const measured = R.where({ runtime, subject: "ours", metric: "vs_ideal" });
    const groups = new Map(measured.map((r) => [`${r.context} ${r.processes}`, r]));
    for (const { context, processes: P } of groups.values()) {
      const q = { runtime, context, processes: P, subject: "ours", metric: "vs_ideal" };
      const strategies = R.distinct("variant", q);
      const rows: string[][] = [];
      for (const w of R.distinct("workload", q)) {
        const cells = strategies.map((s) => R.one({ ...q, workload: w, variant: s }));
        const best = Math.min(...cells.map((c) => c?.median ?? Infinity));
        const bestName = strategies[cells.findIndex((c) => c?.median === best)];
        const def = cells[strategies.indexOf("default")]?.median ?? NaN;
        const at = (metric: string, variant: string) =>
          R.one({ runtime, context, processes: P, subject: "ours", workload: w, variant, metric });
        winners.push([
          runtime,
          `${context}, P=${P}`,
          w,
          bestName,
          num(best),
          fmt(at("makespan_ms", bestName)),
          fmt(at("items_per_s", bestName)),
          num(def / best),
          fmt(at("items_per_s", "default")),
        ]);
        rows.push([w, ...cells.map((c) => c?.median === best ? `**${fmt(c)}**` : fmt(c))]);
      }
      md.push(
        `### ${runtime}, ${context} context, P=${P}`,
        "",
        table(["workload", ...strategies], rows),
        "",
      );
    }
  }
  md.push(
    "**Winners** (lowest makespan ÷ ideal; `default ÷ best`: the default's makespan ÷ the winner's):",
    "",
    table([
      "runtime",
      "context",
      "workload",
      "best",
      "÷ ideal",
      "best makespan ms",
      "best items/s",
      "default ÷ best",
      "default items/s",
    ], winners),
    "",
  );
  for (const context of R.distinct("context", { subject: "ours" })) {
    const file = `chunking_${context}.svg`;
    md.push(`![makespan per strategy, ${context}](${file})`, "");
    charts.push([file, {
      title: `Makespan per strategy per workload (${context} context, median ms)`,
      data: {
        values: points(
          R.where({ context, subject: "ours", metric: "makespan_ms" }).filter((r) =>
            r.processes === R.distinct("processes", { context, subject: "ours" })[0]
          ),
        ),
      },
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

/**
 * The report section of the imap suite.
 *
 * @param results All results.
 * @returns Markdown lines and charts.
 * @example
 * ```ts
 * import { imapSection } from "./_report_sched.ts";
 * console.log(imapSection([]).md[0]);
 * ```
 */
export function imapSection(results: SuiteResult[]): Section {
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

/**
 * The report section of the scaling suite.
 *
 * @param results All results.
 * @returns Markdown lines and charts.
 * @example
 * ```ts
 * import { scalingSection } from "./_report_sched.ts";
 * console.log(scalingSection([]).md[0]);
 * ```
 */
export function scalingSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "scaling");
  const md: string[] = ["## Across CPU counts", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  const cores = results.find((r) => r.suite === "scaling")?.machine.cpus ?? 0;
  md.push(
    `Speedup over the serial run in the same process, and parallel efficiency = speedup ÷`,
    `min(P, ${cores} cores). P above ${cores} is oversubscribed. Median (p25–p75).`,
    "",
  );
  const eff = R.where({ metric: "effective_cores" });
  if (eff.length) {
    md.push(
      `Parallelism check (bare workers busy-waiting, same time): ${
        eff.map((r) => `${r.runtime} ${fmt(r.stats)}`).join(", ")
      } of ${cores} cores. No pool can exceed that speedup during this run.`,
      "",
    );
  }
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
