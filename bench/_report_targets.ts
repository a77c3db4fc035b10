/**
 * Report section: issue 6's performance targets, each with the measured ratio (median and
 * spread), the runtime and context, and whether it is met.
 *
 * @module
 */
import type { Summary } from "./_stats.ts";
import type { SuiteResult } from "./_suite.ts";
import { fmt, num, Rows, type Section, table } from "./_report_util.ts";

type Check = [target: string, where: string, measured: string, met: string];

const verdict = (s: Summary | undefined, ok: (x: number) => boolean): string =>
  s === undefined || !Number.isFinite(s.median) ? "not measured" : ok(s.median) ? "yes" : "**no**";

function costTargets(results: SuiteResult[], out: Check[]): void {
  const peers = new Rows(results, "peers");
  const cost = new Rows(results, "task_cost");
  for (const subject of ["ours", "ours (process)"]) {
    const s = peers.one({
      subject,
      variant: "poolifier",
      workload: "trivial",
      metric: "ratio_to_peer",
    });
    if (s) {
      out.push([
        "per-task cost ≤ 0.25× poolifier",
        `node ${subject}`,
        fmt(s),
        verdict(s, (x) => x <= 0.25),
      ]);
    }
  }
  for (const runtime of ["deno", "bun", "node"]) {
    for (const variant of ["applyAsync flood", "map chunksize 1"]) {
      const s = cost.one({
        runtime,
        context: "thread",
        subject: "ours",
        variant,
        metric: "ratio_to_bare",
      });
      if (!s) continue;
      const target = runtime === "node" ? "÷ bare ping-pong (reference)" : "≤ 1.5× bare ping-pong";
      out.push([
        `${variant} ${target}`,
        `${runtime} thread`,
        fmt(s),
        runtime === "node" ? "–" : verdict(s, (x) => x <= 1.5),
      ]);
    }
  }
  const tp = peers.one({ metric: "throughput_ratio" });
  out.push([
    "map 10⁶ trivial, default chunksize ≥ 4× CPython Pool.map",
    "node thread",
    fmt(tp),
    verdict(tp, (x) => x >= 4),
  ]);
  const best = peers.one({ metric: "time_ratio" });
  out.push([
    "map default within 1.5× of the best fixed chunksize",
    "node thread",
    fmt(best),
    verdict(best, (x) => x <= 1.5),
  ]);
  for (const r of cost.where({ metric: "bytes_per_task" })) {
    out.push([
      "≤ 1.5 KB main-thread memory per pending task",
      `${r.runtime} ${r.context}`,
      `${fmt(r.stats)} B`,
      verdict(r.stats, (x) => x <= 1536),
    ]);
  }
  for (
    const r of cost.where({
      subject: "ours",
      metric: "ratio_to_bare",
      variant: "start to first result",
    })
  ) {
    out.push([
      "pool start within 1.2× of bare worker spawn",
      `${r.runtime} ${r.context}`,
      fmt(r.stats),
      verdict(r.stats, (x) => x <= 1.2),
    ]);
  }
  for (
    const r of cost.where({
      subject: "ours",
      metric: "ratio_to_bare",
      variant: "start to first result vs worker_threads",
    })
  ) {
    out.push([
      "pool start ÷ bare `node:worker_threads` spawn (reference: the API our Deno threads need)",
      `${r.runtime} ${r.context}`,
      fmt(r.stats),
      "–",
    ]);
  }
  for (const runtime of ["node", "deno", "bun"]) {
    const t = cost.one({
      runtime,
      context: "thread",
      subject: "ours",
      variant: "applyAsync flood",
      metric: "us_per_task",
    });
    const p = cost.one({
      runtime,
      context: "process",
      subject: "ours",
      variant: "applyAsync flood",
      metric: "us_per_task",
    });
    if (!t || !p) continue;
    const ratio = {
      ...p,
      median: p.median / t.median,
      p25: p.p25 / t.median,
      p75: p.p75 / t.median,
    };
    out.push([
      "process per-task cost ≤ 2× thread (applyAsync flood)",
      runtime,
      fmt(ratio),
      verdict(ratio, (x) => x <= 2),
    ]);
  }
}

function schedulingTargets(results: SuiteResult[], out: Check[]): void {
  const ck = new Rows(results, "chunking");
  for (const runtime of ck.distinct("runtime")) {
    for (const context of ck.distinct("context", { runtime, subject: "ours" })) {
      for (const variant of ["default", "auto"]) {
        let met = 0;
        let total = 0;
        let worst = 0;
        for (const w of ck.distinct("workload", { runtime, context, subject: "ours" })) {
          const all = ck.where({
            runtime,
            context,
            workload: w,
            subject: "ours",
            metric: "makespan_ms",
          });
          const best = Math.min(...all.map((r) => r.stats.median));
          const mine = all.find((r) => r.variant === variant)?.stats.median;
          if (mine === undefined) continue;
          total++;
          worst = Math.max(worst, mine / best);
          if (mine <= best * 1.1) met++;
        }
        if (total) {
          out.push([
            `\`${variant}\` chunking within 10% of the best strategy`,
            `${runtime} ${context}`,
            `${met}/${total} workloads (worst ${num(worst)}×)`,
            met === total ? "yes" : "**no**",
          ]);
        }
      }
    }
  }
  const sc = new Rows(results, "scaling");
  const cores = results.find((r) => r.suite === "scaling")?.machine.cpus ?? 0;
  for (const r of sc.where({ metric: "effective_cores" })) {
    const s = { ...r.stats };
    for (const k of ["median", "p25", "p75"] as const) s[k] = r.stats[k] / cores;
    out.push([
      `bare workers' parallel efficiency (reference: the machine's ceiling), P = ${cores}`,
      `${r.runtime}`,
      fmt(s),
      "–",
    ]);
  }
  for (const [workload, min] of [["uniform_1ms", 0.95], ["uniform_10us", 0.8]] as const) {
    for (const r of sc.where({ workload, processes: cores, metric: "efficiency" })) {
      out.push([
        `parallel efficiency ≥ ${min}, ${workload} (${r.variant}), P = ${cores}`,
        `${r.runtime} ${r.context}`,
        fmt(r.stats),
        verdict(r.stats, (x) => x >= min),
      ]);
    }
  }
  const im = new Rows(results, "imap");
  const cost = new Rows(results, "task_cost");
  for (
    const r of im.where({
      variant: "imapUnordered default",
      metric: "ttfr_ms",
      workload: "skewed_first",
    })
  ) {
    const fastest =
      im.one({ runtime: r.runtime, subject: "bound", workload: r.workload })?.median ?? NaN;
    const rtt =
      cost.one({ runtime: r.runtime, context: r.context, subject: "ours", metric: "round_trip_ms" })
        ?.median ?? NaN;
    const bound = fastest + rtt;
    const s = {
      ...r.stats,
      median: r.stats.median / bound,
      p25: r.stats.p25 / bound,
      p75: r.stats.p75 / bound,
    };
    out.push([
      "imapUnordered first result ≤ 2× (fastest item + round trip), skewed",
      `${r.runtime} ${r.context}`,
      fmt(s),
      verdict(s, (x) => x <= 2),
    ]);
  }
  for (const r of im.where({ variant: "imap default", metric: "makespan_ms" })) {
    const un = im.one({
      runtime: r.runtime,
      context: r.context,
      workload: r.workload,
      variant: "imapUnordered default",
      metric: "makespan_ms",
    });
    if (!un) continue;
    const s = {
      ...r.stats,
      median: r.stats.median / un.median,
      p25: r.stats.p25 / un.median,
      p75: r.stats.p75 / un.median,
    };
    out.push([
      `ordered imap makespan within 5% of unordered (${r.workload})`,
      `${r.runtime} ${r.context}`,
      fmt(s),
      verdict(s, (x) => x <= 1.05),
    ]);
  }
}

/**
 * The report section listing issue 6's targets against the measured figures.
 *
 * @param results All results.
 * @returns Markdown lines (no charts).
 * @example
 * ```ts
 * import { targetsSection } from "./_report_targets.ts";
 * console.log(targetsSection([]).md[0]);
 * ```
 */
export function targetsSection(results: SuiteResult[]): Section {
  const checks: Check[] = [];
  costTargets(results, checks);
  schedulingTargets(results, checks);
  return {
    md: [
      "## Issue 6 targets",
      "",
      "Each target with the figure measured in this run: median (p25–p75) of the per-round",
      "ratios where rounds were interleaved; otherwise the measured figure's median (and",
      "quartiles) divided by the reference's median. The machine was heavily loaded (see",
      "Machine), which inflates every wall-clock figure; ratios measured side by side suffer less.",
      "",
      table(["target", "runtime / context", "measured", "met"], checks),
      "",
    ],
    charts: [],
  };
}
