/**
 * Report section of the first-map suite: a fresh pool's single `map` against CPython's and
 * against the best fixed chunksize of the sweep, at each item count.
 *
 * @module
 */
import type { Summary } from "./_stats.ts";
import type { SuiteResult } from "./_suite.ts";
import { fmt, num, Rows, type RRow, type Section, table } from "./_report_util.ts";

/** Item count of a first-map workload name (`square_10000`). */
function itemsOf(workload: string): number {
  return Number(workload.slice(workload.lastIndexOf("_") + 1));
}

/** A per-round ratio: the median in bold, then its spread. */
function ratioCell(s: Summary | undefined): string {
  if (!s || !Number.isFinite(s.median)) return "–";
  return s.n > 1 ? `**${num(s.median)}** (${num(s.p25)}–${num(s.p75)})` : `**${num(s.median)}**`;
}

/**
 * The markdown table of one runtime and context.
 *
 * @param R The suite's rows.
 * @param runtime Runtime name.
 * @param context Pool context.
 * @param processes Worker count.
 * @returns Table lines.
 */
function firstMapTable(R: Rows, runtime: string, context: string, processes: number): string {
  const q = { runtime, context: context as RRow["context"], processes };
  const lines: string[][] = [];
  const workloads = R.distinct("workload", q).sort((a, b) => itemsOf(a) - itemsOf(b));
  for (const workload of workloads) {
    const at = { ...q, workload };
    const ms = R.where({ ...at, metric: "makespan_ms" });
    const fixed = ms.filter((r) => r.variant.startsWith("fixed "))
      .sort((a, b) => a.stats.median - b.stats.median)[0];
    const vsBest = R.where({ ...at, metric: "vs_best_fixed" })[0];
    const vsPy = R.one({ ...at, metric: "vs_cpython" });
    lines.push([
      itemsOf(workload).toLocaleString("en-US"),
      fmt(R.one({ ...at, subject: "ours", variant: "auto", metric: "makespan_ms" })),
      fixed ? `${fmt(fixed.stats)} (${fixed.variant.slice(6)})` : "–",
      fmt(R.one({ ...at, subject: "cpython", metric: "makespan_ms" })),
      ratioCell(vsPy),
      ratioCell(vsBest?.stats),
    ]);
  }
  return table([
    "items",
    "ours auto ms",
    "best fixed ms (which)",
    "CPython ms",
    "ours ÷ CPython",
    "ours ÷ best fixed",
  ], lines);
}

/**
 * The report section of the first-map suite.
 *
 * @param results All results.
 * @returns Markdown lines (no charts).
 * @example
 * ```ts
 * import { firstMapSection } from "./_report_first.ts";
 * console.log(firstMapSection([]).md[0]);
 * ```
 */
export function firstMapSection(results: SuiteResult[]): Section {
  const R = new Rows(results, "first_map");
  const md: string[] = ["## First map on a fresh pool", ""];
  if (!R.all.length) return { md: [...md, "Not run.", ""], charts: [] };
  md.push(
    "Each run: a fresh `Pool(P)`, one `apply` to warm it, then one timed `map` of `x * x`,",
    "as a program that maps once does; CPython 3's `Pool(P).map` made and warmed the same way.",
    "Contenders interleaved round by round; median (p25–p75) over the rounds. Ratios are per",
    "round (below 1: ours is faster); the goals are ours ÷ CPython ≤ 0.5 and ours ÷ best",
    "fixed ≤ 1.2. Best fixed: the fastest of the swept fixed chunksizes at that size.",
    "",
  );
  for (const runtime of R.distinct("runtime")) {
    for (const context of R.distinct("context", { runtime, subject: "ours" })) {
      for (const processes of R.distinct("processes", { runtime, context })) {
        md.push(
          `### ${runtime}, ${context} context, Pool(${processes})`,
          "",
          firstMapTable(R, runtime, context, processes),
          "",
        );
      }
    }
  }
  return { md, charts: [] };
}
