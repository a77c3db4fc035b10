/**
 * Suite: payloads as a user meets them, on 2 workers: 1 KB strings, small records, 128 KB
 * `Float64Array`s (ours copied and moved with `Transfer`) and ~3 ms prime-counting ranges.
 * Every measurement opens a fresh pool, warms it with one small task, times the workload and
 * closes the pool; contenders run interleaved round by round, each under a time limit (one
 * that runs past it is reported as timed out and not measured again on that workload).
 * Ours is `pool.map` (thread and process context); the peers (Node only: piscina, tinypool,
 * workerpool, poolifier) run every item as one task; CPython's `Pool.map` where
 * `cpython_pool.py` has the workload. Ratios are per round: ours ÷ the best peer of that
 * round, ours ÷ CPython, process ÷ thread; efficiency = serial ÷ (2 × makespan).
 *
 * @module
 */
import { type LimitedContender, limitedRounds } from "../_measure.ts";
import { type PayloadWorkload, payloadWorkloads, transferItems } from "../_payload_data.ts";
import { closePool, type Context, openPool, type TransferCtor, withTimeout } from "../_pool.ts";
import { summarize } from "../_stats.ts";
import { row, type SuiteContext } from "../_suite.ts";
import { type Contender, peers } from "../peers/contenders.ts";
import { CPythonPool, findPython } from "../peers/cpython.ts";

const P = 2;
const PEERS = ["piscina", "tinypool", "workerpool", "poolifier"];

/** One contender of one workload: how to make a fresh pool and time the workload on it. */
interface Entry extends LimitedContender {
  readonly context: Context | "none";
  readonly subject: string;
  readonly variant: string;
}

function oursEntry(
  ctx: SuiteContext,
  w: PayloadWorkload,
  context: Context,
  Transfer: TransferCtor | null,
): Entry {
  const Pool = ctx.Pool!;
  const variant = Transfer ? "map + Transfer" : "map";
  return {
    name: `ours ${context} ${variant}`,
    context,
    subject: "ours",
    variant,
    async run() {
      const pool = await openPool(Pool, P, context);
      try {
        const items = Transfer ? transferItems(w, Transfer) : w.items();
        const t0 = performance.now();
        const out = await pool.map(w.fn, items);
        const ms = performance.now() - t0;
        if (out.length !== items.length) throw new Error(`${this.name}: ${out.length} results`);
        return ms;
      } finally {
        await closePool(pool, `payloads ${this.name}`);
      }
    },
    abandon: async () => {},
  };
}

function peerEntry(ctx: SuiteContext, w: PayloadWorkload, name: string): Entry {
  let live: Contender | null = null;
  const stop = async (c: Contender): Promise<void> => {
    // poolifier's destroy() after a large batch never settles although its workers are gone;
    // a few seconds tell that from a slow stop without stalling every round.
    await withTimeout(c.stop(), 3_000, `stopping ${name}`).catch((e: Error) =>
      ctx.notes.push(`payloads: ${e.message}`)
    );
  };
  return {
    name,
    context: "none",
    subject: name,
    variant: "one task per item",
    async run() {
      const c = peers().find((p) => p.name === name)!;
      live = c;
      try {
        await c.start(P);
        const tasks = w.tasks();
        const t0 = performance.now();
        const out = await c.each!(tasks);
        const ms = performance.now() - t0;
        if (out.length !== tasks.length) throw new Error(`${name}: ${out.length} results`);
        return ms;
      } finally {
        if (live === c) await stop(c);
        live = null;
      }
    },
    async abandon() {
      const c = live;
      live = null;
      if (c) await stop(c);
    },
  };
}

function pythonEntry(w: PayloadWorkload, py: CPythonPool): Entry {
  return {
    name: "CPython",
    fatal: true, // abandoning kills its process
    context: "none",
    subject: "CPython",
    variant: "Pool.map default",
    run: () => py.request({ op: "payload", ...w.python } as Parameters<typeof py.request>[0]),
    abandon: () => py.kill(),
  };
}

/** Serial milliseconds of a workload in this thread (median of `rounds`, after a warm-up). */
function serialMs(w: PayloadWorkload, rounds: number): number[] {
  const out: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const items = w.items();
    const t0 = performance.now();
    (items as never[]).map(w.fn);
    if (r > 0) out.push(performance.now() - t0);
  }
  return out;
}

/** CPython's serial time, from a slice of the prime ranges scaled up (they cost alike). */
async function pythonSerial(w: PayloadWorkload, py: CPythonPool): Promise<number> {
  const ranges = w.python!.ranges as number[][];
  const k = Math.min(ranges.length, 10);
  const ms = await py.request({
    op: "payload",
    kind: "primes",
    ranges: ranges.slice(0, k),
    serial: true,
  });
  return (ms * ranges.length) / k;
}

/** Per-round ratios `a[i] / b[i]`, skipping rounds where either is missing. */
const perRound = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((x, i) => x / b[i]).filter(Number.isFinite);

/**
 * Runs the payloads suite.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runPayloads(ctx)
 * ```
 */
export async function runPayloads(ctx: SuiteContext): Promise<void> {
  const { scale, machine, Pool } = ctx;
  if (!Pool) return void ctx.notes.push("payloads: skipped, our Pool is not available");
  const Transfer = ctx.Transfer ?? null;
  const onNode = machine.runtime === "node";
  if (!onNode) ctx.notes.push("payloads: peers run on Node only (they are Node libraries)");
  const python = onNode ? findPython() : null;
  let py = python ? new CPythonPool(python.exe) : null;
  try {
    await withTimeout(py?.start(P) ?? Promise.resolve(), 60_000, "starting CPython");
    if (py) ctx.notes.push(`CPython ${py.info.version}, start method ${py.info.start_method}`);
  } catch (e) {
    ctx.notes.push(`payloads: CPython skipped: ${(e as Error).message}`);
    await py?.kill();
    py = null;
  }
  const limitMs = scale.name === "full" ? 120_000 : 60_000;
  const rounds = scale.payloadRounds;
  const gone = new Set<string>();
  try {
    for (const w of payloadWorkloads(scale.payloadItems, scale.payloadChunks, Transfer)) {
      const entries: Entry[] = [];
      for (const context of ctx.contexts) {
        entries.push(oursEntry(ctx, w, context, null));
        if (w.transferable) entries.push(oursEntry(ctx, w, context, Transfer));
      }
      if (onNode) entries.push(...PEERS.map((name) => peerEntry(ctx, w, name)));
      if (py && w.python) entries.push(pythonEntry(w, py));
      const failures: string[] = [];
      const { series, timedOut } = await limitedRounds(
        entries,
        rounds,
        limitMs,
        gone,
        failures,
        (r) => ctx.progress(`${w.name} round ${r}/${rounds}`),
      );
      ctx.notes.push(...failures.map((n) => `payloads ${w.name}: ${n}`));
      const serial = serialMs(w, rounds);
      const serialMedian = summarize(serial).median;
      ctx.rows.push(
        row("none", "serial", w.name, "serial", 1, "makespan_ms", "ms", summarize(serial)),
      );
      const pySerial = py && !gone.has("CPython") && w.name === "primes_3ms"
        ? await withTimeout(pythonSerial(w, py), limitMs, "CPython serial").catch(() => NaN)
        : NaN;
      for (const e of entries) {
        const ms = series.get(e.name)!;
        const at = (metric: string, unit: string, samples: number[]): void => {
          const stats = summarize(samples);
          // A contender with no finite sample (it failed or timed out) gets no figure.
          if (stats.n) {
            ctx.rows.push(row(e.context, e.subject, w.name, e.variant, P, metric, unit, stats));
          }
        };
        if (timedOut.has(e.name)) at("timed_out", "ms", [limitMs]);
        at("makespan_ms", "ms", ms);
        if (w.name === "primes_3ms") {
          const base = e.subject === "CPython" ? pySerial : serialMedian;
          at("efficiency", "", ms.map((m) => base / (P * m)));
        }
      }
      const peerSeries = PEERS.map((name) => series.get(name)).filter((s) => s !== undefined);
      const best = Array.from({ length: rounds }, (_, i) => {
        const finite = peerSeries.map((s) => s[i]).filter(Number.isFinite);
        return finite.length ? Math.min(...finite) : NaN;
      });
      const bestName = (i: number): string | undefined =>
        PEERS.find((name) => series.get(name)?.[i] === best[i]);
      for (const e of entries.filter((x) => x.subject === "ours")) {
        const ms = series.get(e.name)!;
        const at = (metric: string, samples: number[]): void => {
          const stats = summarize(samples);
          if (stats.n) {
            ctx.rows.push(row(e.context, "ours", w.name, e.variant, P, metric, "×", stats));
          }
        };
        if (peerSeries.length) at("vs_best_peer", perRound(ms, best));
        if (series.has("CPython")) at("vs_cpython", perRound(ms, series.get("CPython")!));
        if (e.context === "process") {
          const thread = series.get(e.name.replace("process", "thread"));
          if (thread) at("process_vs_thread", perRound(ms, thread));
        }
      }
      const winners = [...new Set(best.map((_, i) => bestName(i)).filter(Boolean))];
      if (winners.length) {
        ctx.notes.push(`payloads ${w.name}: best peer by round: ${winners.join(", ")}`);
      }
    }
  } finally {
    if (py) await withTimeout(py.stop(), 10_000, "stopping CPython").catch(() => py.kill());
  }
}
