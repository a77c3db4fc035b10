/**
 * Process context versus thread context, on the runtime running this script:
 *
 * - the median round trip of one `pool.apply()` (sequential calls on a warm
 *   pool of 2 workers), and
 * - the time from `new Pool({ context, processes: 2 })` to its first result.
 *
 * ```sh
 * node_modules/.bin/deno run -A bench/process_vs_thread.ts
 * node_modules/.bin/bun bench/process_vs_thread.ts
 * node --import tsx bench/process_vs_thread.ts       # Node 20
 * node_modules/.bin/node bench/process_vs_thread.ts  # Node 24
 * ```
 *
 * Options: `--calls N` (default 400), `--starts N` (default 7), `--json`.
 *
 * @module
 */
import process from "node:process";
import { Pool } from "../src/pool/pool.ts";
import { detectRuntime } from "../src/runtime/detect.ts";
import type { Context } from "../src/runtime/types.ts";

/** One context's figures (milliseconds). */
export interface ContextFigures {
  /** The context measured. */
  readonly context: Context;
  /** Median round trip of one `apply()` on a warm pool. */
  readonly applyMedianMs: number;
  /** 90th percentile of the same. */
  readonly applyP90Ms: number;
  /** Median time from `new Pool()` to the first result. */
  readonly firstResultMedianMs: number;
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function firstResult(context: Context): Promise<number> {
  const t0 = performance.now();
  const pool = new Pool({ context, processes: 2 });
  await pool.apply((x: number) => x + 1, [1]);
  const elapsed = performance.now() - t0;
  await pool.terminate();
  return elapsed;
}

async function applyRoundTrips(context: Context, calls: number): Promise<number[]> {
  const pool = new Pool({ context, processes: 2 });
  try {
    const fn = (x: number) => x + 1;
    for (let i = 0; i < 50; i++) await pool.apply(fn, [i]); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await pool.apply(fn, [i]);
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    await pool.terminate();
  }
}

/**
 * Measure both contexts.
 *
 * @param calls Sequential `apply()` calls timed per context.
 * @param starts Pools started per context for the start-up figure.
 * @returns The figures, thread context first.
 * @example
 * ```ts ignore
 * import { measure } from "./process_vs_thread.ts";
 * console.log(await measure(100, 3));
 * ```
 */
export async function measure(calls: number, starts: number): Promise<ContextFigures[]> {
  const out: ContextFigures[] = [];
  for (const context of ["thread", "process"] as const) {
    const startTimes: number[] = [];
    for (let i = 0; i < starts; i++) startTimes.push(await firstResult(context));
    const trips = await applyRoundTrips(context, calls);
    out.push({
      context,
      applyMedianMs: quantile(trips, 0.5),
      applyP90Ms: quantile(trips, 0.9),
      firstResultMedianMs: quantile(startTimes, 0.5),
    });
  }
  return out;
}

function runtimeLabel(): string {
  const runtime = detectRuntime();
  const versions = process.versions as Record<string, string | undefined>;
  const version = runtime === "node" ? versions.node : versions[runtime];
  return `${runtime} ${version ?? ""}`.trim();
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith("process_vs_thread.ts")
) {
  const figures = await measure(flag("--calls", 400), flag("--starts", 7));
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ runtime: runtimeLabel(), figures }));
  } else {
    console.log(`# ${runtimeLabel()}`);
    for (const f of figures) {
      console.log(
        `${f.context.padEnd(8)} apply median ${f.applyMedianMs.toFixed(3)} ms ` +
          `(p90 ${f.applyP90Ms.toFixed(3)} ms), new Pool(2) → first result ` +
          `${f.firstResultMedianMs.toFixed(1)} ms`,
      );
    }
  }
}
