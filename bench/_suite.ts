/**
 * What every suite shares: the result rows, the sizes of a run (smoke, quick, full) and
 * the context a suite runs in.
 *
 * @module
 */
import type { MachineInfo } from "./_env.ts";
import type { Context, PoolCtor, TransferCtor } from "./_pool.ts";
import type { Summary } from "./_stats.ts";
import type { ChunkStrategy } from "../src/pool/chunking.ts";

/** One measured figure: median and spread over repeated runs. */
export interface Row {
  /** Pool context, or `"none"` for figures that involve no pool of ours. */
  readonly context: Context | "none";
  /** Who was measured: `"ours"`, a peer's name, `"serial"`, `"ping-pong"`, ... */
  readonly subject: string;
  /** Workload name. */
  readonly workload: string;
  /** Strategy, mode or other variant (free text). */
  readonly variant: string;
  /** Worker count. */
  readonly processes: number;
  /** Metric id (`makespan_ms`, `items_per_s`, `vs_ideal`, `us_per_task`, ...). */
  readonly metric: string;
  /** Unit for display. */
  readonly unit: string;
  /** Median and spread. */
  readonly stats: Summary;
}

/** A suite's JSON output for one runtime. */
export interface SuiteResult {
  readonly suite: string;
  readonly scale: ScaleName;
  readonly machine: MachineInfo;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly contexts: Context[];
  readonly rows: Row[];
  readonly notes: string[];
}

/** The size of a run. */
export type ScaleName = "smoke" | "quick" | "full";

/** A chunksize value swept by the chunking suite (`"default"` passes none). */
export type SweepChunk = ChunkStrategy | number | "default";

/** Sizes of one run. */
export interface Scale {
  readonly name: ScaleName;
  /** Repeated runs per measurement (medians over these). */
  readonly runs: number;
  /** Serial work per map in the chunking and scaling suites, ms. */
  readonly serialMs: number;
  /** Items of the trivial workload. */
  readonly trivialItems: number;
  readonly workloads: readonly string[];
  readonly strategies: readonly SweepChunk[];
  readonly scalingWorkloads: readonly string[];
  /** Items of the imap suite and their median duration (µs). */
  readonly imapItems: number;
  readonly imapMedianUs: number;
  /** Tasks per applyAsync / map(chunksize=1) flood. */
  readonly floodTasks: number;
  /** Items of the map-throughput measurement (10⁶ in the full run). */
  readonly throughputItems: number;
  /** CPU-bound peer tasks and their duration (µs). */
  readonly spinTasks: number;
  readonly spinUs: number;
  /** Pending tasks for the memory-per-pending-task figure. */
  readonly pendingTasks: number;
  /** Repetitions of the slow start-up and memory measurements. */
  readonly startRuns: number;
  /** Oversubscription factors of the scaling suite (× cores). */
  readonly oversubscribe: readonly number[];
  /** Payloads suite: strings and records per map, arrays and prime ranges per map, rounds. */
  readonly payloadItems: number;
  readonly payloadChunks: number;
  readonly payloadRounds: number;
}

const ALL_WORKLOADS = [
  "trivial",
  "uniform_10us",
  "uniform_100us",
  "uniform_1ms",
  "increasing",
  "exponential",
  "bimodal",
  "heavy_end",
];
const ALL_STRATEGIES: SweepChunk[] = [
  "default",
  1,
  10,
  100,
  1000,
  "python",
  "static",
  "guided",
  "factoring",
  "auto",
];

/** Sizes by name. */
export const SCALES: Readonly<Record<ScaleName, Scale>> = {
  smoke: {
    name: "smoke",
    runs: 2,
    serialMs: 4,
    trivialItems: 200,
    workloads: ["trivial", "uniform_100us"],
    strategies: ["default", 1, "python", "auto"],
    scalingWorkloads: ["uniform_100us"],
    imapItems: 20,
    imapMedianUs: 100,
    floodTasks: 200,
    throughputItems: 2000,
    spinTasks: 10,
    spinUs: 100,
    pendingTasks: 500,
    startRuns: 2,
    oversubscribe: [2, 4],
    payloadItems: 400,
    payloadChunks: 8,
    payloadRounds: 2,
  },
  quick: {
    name: "quick",
    runs: 3,
    serialMs: 10,
    trivialItems: 2000,
    workloads: ALL_WORKLOADS,
    strategies: ["default", 1, 100, "python", "static", "guided", "factoring", "auto"],
    scalingWorkloads: ["uniform_1ms"],
    imapItems: 100,
    imapMedianUs: 100,
    floodTasks: 2000,
    throughputItems: 100_000,
    spinTasks: 40,
    spinUs: 1000,
    pendingTasks: 10_000,
    startRuns: 2,
    oversubscribe: [2],
    payloadItems: 5_000,
    payloadChunks: 50,
    payloadRounds: 5,
  },
  full: {
    name: "full",
    runs: 5,
    serialMs: 60,
    trivialItems: 50_000,
    workloads: ALL_WORKLOADS,
    strategies: ALL_STRATEGIES,
    scalingWorkloads: ["uniform_10us", "uniform_100us", "uniform_1ms"],
    imapItems: 500,
    imapMedianUs: 200,
    floodTasks: 10_000,
    throughputItems: 1_000_000,
    spinTasks: 400,
    spinUs: 1000,
    pendingTasks: 100_000,
    startRuns: 5,
    oversubscribe: [2, 4],
    payloadItems: 20_000,
    payloadChunks: 200,
    payloadRounds: 7,
  },
};

/** Everything a suite gets. */
export interface SuiteContext {
  readonly scale: Scale;
  readonly machine: MachineInfo;
  /** Our Pool, or null (the suite then measures only what needs no Pool). */
  readonly Pool: PoolCtor | null;
  /** Our `Transfer`, from the same build as `Pool` (null when that build has none). */
  readonly Transfer?: TransferCtor | null;
  /** Contexts of our Pool that work on this runtime. */
  readonly contexts: readonly Context[];
  /** Worker counts from `--processes` (the scaling and chunking suites), or their default. */
  readonly processes?: readonly number[];
  readonly rows: Row[];
  readonly notes: string[];
  /** Reports progress (`detail` like `"3/40 uniform_1ms × guided"`). */
  progress(detail: string): void;
}

/** A suite: fills `ctx.rows` (and `ctx.notes`). */
export type Suite = (ctx: SuiteContext) => Promise<void>;

/**
 * The human label of a swept chunksize.
 *
 * @param c The chunksize or strategy.
 * @returns `"default"`, `"chunksize 10"`, `"guided"`, ...
 * @example
 * ```ts
 * import { chunkLabel } from "./_suite.ts";
 * console.log(chunkLabel(10)); // "chunksize 10"
 * ```
 */
export function chunkLabel(c: SweepChunk): string {
  return typeof c === "number" ? `chunksize ${c}` : c;
}

/**
 * Builds a result row.
 *
 * @param context Pool context or `"none"`.
 * @param subject Who was measured.
 * @param workload Workload name.
 * @param variant Strategy, mode, ...
 * @param processes Worker count.
 * @param metric Metric id.
 * @param unit Display unit.
 * @param stats Median and spread.
 * @returns The row.
 * @example
 * ```ts
 * import { row } from "./_suite.ts";
 * import { summarize } from "./_stats.ts";
 * row("thread", "ours", "trivial", "default", 2, "makespan_ms", "ms", summarize([1, 2]));
 * ```
 */
export function row(
  context: Row["context"],
  subject: string,
  workload: string,
  variant: string,
  processes: number,
  metric: string,
  unit: string,
  stats: Summary,
): Row {
  return { context, subject, workload, variant, processes, metric, unit, stats };
}
