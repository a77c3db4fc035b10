/**
 * Shared pieces of the report: number formatting, markdown tables, row queries and chart
 * data points.
 *
 * @module
 */
import type { ChartSpec } from "./_charts.ts";
import type { Summary } from "./_stats.ts";
import type { Row, SuiteResult } from "./_suite.ts";

export type RRow = Row & { runtime: string };

/**
 * Formats a number with 2–3 significant digits (k, M suffixes).
 *
 * @param x The number.
 * @returns The text (`–` when not finite).
 * @example
 * ```ts
 * import { num } from "./_report_util.ts";
 * console.log(num(12345)); // "12 k"
 * ```
 */
export const num = (x: number): string => {
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
 * import { fmt } from "./_report_util.ts";
 * console.log(fmt({ median: 2, p25: 1, p75: 3, min: 0, max: 4, n: 5 })); // "2.00 (1.00–3.00)"
 * ```
 */
export function fmt(s: Summary | undefined): string {
  if (!s || !Number.isFinite(s.median)) return "–";
  return s.n > 1 ? `${num(s.median)} (${num(s.p25)}–${num(s.p75)})` : num(s.median);
}

/**
 * A markdown table.
 *
 * @param head Column titles.
 * @param rows Cells.
 * @returns The table's markdown.
 * @example
 * ```ts
 * import { table } from "./_report_util.ts";
 * console.log(table(["a"], [["1"]]));
 * ```
 */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The rows of one suite across runtimes, with simple queries. */
export class Rows {
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

/** Chart data points from rows (median and quartiles plus `extra` fields). */
export const points = <E extends Record<string, unknown>>(
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
export interface Section {
  md: string[];
  charts: [string, ChartSpec][];
}
