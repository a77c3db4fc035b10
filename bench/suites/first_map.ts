/**
 * Suite 6: a user's first `map`. Each run makes a fresh `Pool(P)`, warms it with one `apply`,
 * then times one `map` of `x * x` over N items, as a program that makes one pool and maps
 * once does. Contenders, interleaved per round: ours with the default chunking (`"auto"`),
 * ours at a sweep of fixed chunksizes (to find the best fixed one at each N), and CPython's
 * `Pool.map` made and warmed the same way (`bench/cpython_pool.py`, op `fresh_map`). A
 * contender that runs past the time limit is reported and dropped, not waited for.
 *
 * @module
 */
import { closePool, type Context, type PoolCtor, type PoolLike, withTimeout } from "../_pool.ts";
import { summarize } from "../_stats.ts";
import { type Row, row, type SuiteContext } from "../_suite.ts";
import { CPythonPool, findPython } from "../peers/cpython.ts";
import { square } from "../workloads.ts";

/** What one first-map measurement needs. */
export interface FirstMapOptions {
  /** Our Pool. */
  readonly Pool: PoolCtor;
  readonly context: Context;
  /** Worker count of every fresh pool. */
  readonly processes: number;
  /** Item counts. */
  readonly sizes: readonly number[];
  /** Interleaved rounds per size (medians over these). */
  readonly rounds: number;
  /** Time limit of one measurement (ms); a contender over it is dropped. */
  readonly limitMs: number;
  /** The python executable, or null to leave CPython out. */
  readonly python: string | null;
  /**
   * Fixed chunksizes to sweep (the best fixed one at each size): `"full"`, every one of
   * {@linkcode fixedSweep}; `"short"`, those above n/64; `"none"`.
   */
  readonly sweep: "full" | "short" | "none";
  /** Another build of ours (e.g. the code before a change), measured as `auto (label)`. */
  readonly compare?: { readonly label: string; readonly Pool: PoolCtor };
  readonly notes: string[];
  progress(detail: string): void;
}

/** One contender: a label and how to run it once on `n` items (ms, measured). */
interface Contender {
  readonly variant: string;
  readonly subject: string;
  run(n: number, items: number[]): Promise<number>;
  /** Stops what a run that ran past the limit left busy. */
  abort(): Promise<void>;
  /** Releases what it keeps between runs. */
  close(): Promise<void>;
}

/**
 * The fixed chunksizes swept at `n` items on `processes` workers: 1, Python's default and
 * n/64, n/16, n/8, n/4, n/2 (rounded up), without repeats.
 *
 * @param n Item count.
 * @param processes Worker count.
 * @returns Labels (`"n/16 = 625"`) and chunksizes, in sweep order.
 * @example
 * ```ts
 * import { fixedSweep } from "./first_map.ts";
 * console.log(fixedSweep(1000, 2).map((c) => c.label)); // ["1", "python = 125", "n/64 = 16", ...]
 * ```
 */
export function fixedSweep(n: number, processes: number): { label: string; size: number }[] {
  const out: { label: string; size: number }[] = [{ label: "1", size: 1 }];
  const python = Math.ceil(n / (4 * processes));
  out.push({ label: `python = ${python}`, size: python });
  for (const d of [64, 16, 8, 4, 2]) {
    const size = Math.max(1, Math.ceil(n / d));
    if (!out.some((c) => c.size === size)) out.push({ label: `n/${d} = ${size}`, size });
  }
  return out;
}

/** Ours, on a fresh pool per run. */
function oursContender(
  o: FirstMapOptions,
  variant: string,
  chunk: number | undefined,
  Pool: PoolCtor = o.Pool,
): Contender {
  let live: PoolLike | null = null;
  const warm = (x: number): number => x + 1;
  return {
    variant,
    subject: "ours",
    async run(_n, items) {
      const pool = new Pool({ processes: o.processes, context: o.context });
      live = pool;
      try {
        await pool.apply(warm, [3]);
        const t0 = performance.now();
        await (chunk === undefined ? pool.map(square, items) : pool.map(square, items, chunk));
        return performance.now() - t0;
      } finally {
        live = null;
        await closePool(pool, `first_map ${variant} (${o.context})`);
      }
    },
    async abort() {
      await closePool(live, `first_map ${variant} (${o.context}) over the limit`);
    },
    async close() {},
  };
}

/** CPython's fresh `Pool(P)` per run, driven over JSON lines. */
function cpythonContender(o: FirstMapOptions, python: string): Contender {
  let pool: CPythonPool | null = null;
  return {
    variant: "default",
    subject: "cpython",
    async run(n) {
      if (pool === null) {
        pool = new CPythonPool(python);
        await pool.start(o.processes);
        const info = pool.info;
        const note = `CPython ${info.version}, start method ${info.start_method}`;
        if (!o.notes.includes(note)) o.notes.push(note);
      }
      return await pool.request({ op: "fresh_map", n });
    },
    async abort() {
      await pool?.kill();
      pool = null;
    },
    async close() {
      await pool?.stop();
      pool = null;
    },
  };
}

/**
 * Measures the first map at every size, contenders interleaved round by round.
 *
 * @param o What to measure.
 * @returns Rows: makespan per contender, and ours ÷ CPython and ours ÷ the best fixed
 *   chunksize per round.
 * @example
 * ```ts
 * // runFirstMap(ctx) and bench/first_map.ts call it.
 * ```
 */
export async function measureFirstMap(o: FirstMapOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const dropped = new Set<string>();
  const python = o.python === null ? null : cpythonContender(o, o.python);
  try {
    for (const n of o.sizes) {
      const items = Array.from({ length: n }, (_, i) => i);
      const contenders: Contender[] = [oursContender(o, "auto", undefined)];
      const sweep = o.sweep === "none" ? [] : fixedSweep(n, o.processes);
      for (const c of o.sweep === "short" ? sweep.filter((c) => c.size > n / 64) : sweep) {
        contenders.push(oursContender(o, `fixed ${c.label}`, c.size));
      }
      if (python) contenders.push(python);
      const other = o.compare;
      if (other) contenders.push(oursContender(o, `auto (${other.label})`, undefined, other.Pool));
      const samples = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
      for (let round = 0; round < o.rounds; round++) {
        for (const c of contenders) {
          const key = `${c.subject} ${c.variant.replace(/ = \d+$/, "")}`;
          if (dropped.has(key)) continue;
          try {
            samples.get(c)!.push(await withTimeout(c.run(n, items), o.limitMs, key));
          } catch (e) {
            dropped.add(key);
            await c.abort();
            o.notes.push(
              `first_map ${o.context} n=${n} ${c.subject} ${c.variant}: ${(e as Error).message}`,
            );
          }
        }
        o.progress(`${o.context} n=${n} round ${round + 1}/${o.rounds}`);
      }
      rows.push(...sizeRows(o, n, contenders, samples));
    }
  } finally {
    await python?.close();
  }
  return rows;
}

/** The rows of one size: makespans, and the per-round ratios of ours. */
function sizeRows(
  o: FirstMapOptions,
  n: number,
  contenders: Contender[],
  samples: Map<Contender, number[]>,
): Row[] {
  const rows: Row[] = [];
  const workload = `square_${n}`;
  const add = (subject: string, variant: string, metric: string, unit: string, s: number[]) => {
    if (s.length > 0) {
      rows.push(
        row(o.context, subject, workload, variant, o.processes, metric, unit, summarize(s)),
      );
    }
  };
  for (const c of contenders) add(c.subject, c.variant, "makespan_ms", "ms", samples.get(c)!);
  const auto = samples.get(contenders[0])!;
  const median = (c: Contender): number => summarize(samples.get(c)!).median;
  const fixed = contenders.filter((c) => c.variant.startsWith("fixed ") && samples.get(c)!.length);
  const best = fixed.sort((a, b) => median(a) - median(b))[0];
  const py = contenders.find((c) => c.subject === "cpython");
  if (best) {
    const s = samples.get(best)!;
    if (s.length === auto.length) {
      add("ours", `auto ÷ ${best.variant}`, "vs_best_fixed", "×", perRound(auto, s));
    }
  }
  const other = contenders.find((c) => c.variant.startsWith("auto ("));
  if (other && samples.get(other)!.length === auto.length) {
    add("ours", `auto ÷ ${other.variant}`, "vs_compare", "×", perRound(auto, samples.get(other)!));
  }
  if (py && samples.get(py)!.length === auto.length) {
    add("ours", "auto ÷ cpython", "vs_cpython", "×", perRound(auto, samples.get(py)!));
  }
  return rows;
}

function perRound(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x / b[i]);
}

/** Sizes of the first-map suite per scale. */
const SIZES = {
  smoke: [1000],
  quick: [1e3, 1e4, 1e5, 1e6],
  full: [1e3, 1e4, 1e5, 1e6, 1e7],
} as const;

/**
 * Runs the first-map suite: the thread context (and the process context in the full run),
 * two workers, against CPython when `python3` is found.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runFirstMap(ctx)
 * ```
 */
export async function runFirstMap(ctx: SuiteContext): Promise<void> {
  const { scale, Pool } = ctx;
  if (!Pool) return void ctx.notes.push("first_map: skipped, our Pool is not available");
  const python = scale.name === "smoke" ? null : findPython();
  if (scale.name !== "smoke" && !python) ctx.notes.push("first_map: CPython skipped, no python3");
  const contexts = scale.name === "quick"
    ? ctx.contexts.filter((c) => c === "thread")
    : ctx.contexts;
  for (const context of contexts) {
    ctx.rows.push(
      ...await measureFirstMap({
        Pool,
        context,
        processes: 2,
        sizes: SIZES[scale.name],
        rounds: scale.name === "smoke" ? 2 : Math.max(5, scale.runs),
        limitMs: scale.name === "full" ? 10_000 : 5_000,
        python: python?.exe ?? null,
        sweep: scale.name === "full" ? "full" : "short",
        notes: ctx.notes,
        progress: ctx.progress,
      }),
    );
  }
}
