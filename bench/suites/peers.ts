/**
 * Suite 5: versus peers, side by side and interleaved in one run: piscina, tinypool,
 * workerpool, poolifier, the bare ping-pong baseline and CPython's `multiprocessing.Pool`
 * (via `python3`, skipped with a note when absent) on a trivial flood and a CPU-bound flood,
 * plus `map` throughput of trivial items against CPython's `Pool.map` at default chunksize.
 * Ratios are ours ÷ peer per round (below 1 means we are faster).
 *
 * @module
 */
import { interleaved, mitataOnce, ratioSummary } from "../_measure.ts";
import { closePool, openPool, withTimeout } from "../_pool.ts";
import { summarize } from "../_stats.ts";
import { row, type SuiteContext } from "../_suite.ts";
import { type Contender, cpython, ours, peers, pingPong } from "../peers/contenders.ts";
import { CPythonPool, findPython } from "../peers/cpython.ts";
import { square } from "../workloads.ts";

/**
 * Runs the peers suite (Node only: the peers are Node libraries).
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runPeers(ctx)
 * ```
 */
export async function runPeers(ctx: SuiteContext): Promise<void> {
  const { scale, machine, Pool } = ctx;
  if (machine.runtime !== "node") {
    return void ctx.notes.push(
      "peers: runs on Node only (piscina, tinypool, workerpool and poolifier are Node libraries)",
    );
  }
  const P = 2;
  const python = findPython();
  if (!python) ctx.notes.push("peers: CPython skipped, no python3 found");
  const contenders: Contender[] = [];
  if (Pool) { for (const c of ctx.contexts) contenders.push(ours(Pool, c)); }
  else ctx.notes.push("peers: our Pool is not available, peers only");
  contenders.push(...peers(), pingPong("thread"));
  const py = python ? cpython(python.exe) : null;
  if (py) contenders.push(py);
  const started: Contender[] = [];
  try {
    for (const c of contenders) {
      ctx.progress(`starting ${c.name}`);
      started.push(c);
      await withTimeout(c.start(P), 60_000, `starting ${c.name}`);
    }
    if (py) {
      ctx.notes.push(`CPython ${py.pool.info.version}, start method ${py.pool.info.start_method}`);
    }
    const names = contenders.map((c) => c.name);
    const byName = new Map(contenders.map((c) => [c.name, c]));
    const N = scale.floodTasks;
    const trivial = await interleaved(
      names,
      scale.runs,
      (name) => mitataOnce(() => byName.get(name)!.flood(N, 0)),
      (r) => ctx.progress(`trivial flood ×${N} round ${r}/${scale.runs}`),
    );
    const spinNames = names.filter((n) => !n.includes("ping-pong"));
    const cpu = await interleaved(
      spinNames,
      scale.runs,
      (name) => mitataOnce(() => byName.get(name)!.flood(scale.spinTasks, scale.spinUs)),
      (r) =>
        ctx.progress(`cpu flood ${scale.spinTasks}×${scale.spinUs}µs round ${r}/${scale.runs}`),
    );
    for (const name of names) {
      const s = summarize(trivial.get(name)!.map((ms) => (ms * 1000) / N));
      ctx.rows.push(row("none", name, "trivial", "applyAsync flood", P, "us_per_task", "µs", s));
    }
    for (const name of spinNames) {
      const s = summarize(cpu.get(name)!);
      ctx.rows.push(
        row("none", name, `spin_${scale.spinUs}us`, "applyAsync flood", P, "makespan_ms", "ms", s),
      );
    }
    for (const mine of names.filter((n) => n.startsWith("ours"))) {
      const context = mine === "ours" ? "thread" : "process";
      for (const peer of names.filter((n) => !n.startsWith("ours"))) {
        ctx.rows.push(
          row(
            context,
            mine,
            "trivial",
            peer,
            P,
            "ratio_to_peer",
            "×",
            ratioSummary(trivial.get(mine)!, trivial.get(peer)!),
          ),
        );
        if (cpu.has(peer)) {
          ctx.rows.push(
            row(
              context,
              mine,
              `spin_${scale.spinUs}us`,
              peer,
              P,
              "ratio_to_peer",
              "×",
              ratioSummary(cpu.get(mine)!, cpu.get(peer)!),
            ),
          );
        }
      }
    }
    await mapThroughput(ctx, py?.pool ?? null, P);
  } finally {
    for (const c of started) {
      await withTimeout(c.stop(), 10_000, `stopping ${c.name}`).catch((e: Error) =>
        ctx.notes.push(e.message)
      );
    }
  }
}

async function mapThroughput(ctx: SuiteContext, py: CPythonPool | null, P: number): Promise<void> {
  const { scale, Pool } = ctx;
  const n = scale.throughputItems;
  const items = Array.from({ length: n }, (_, i) => i);
  const pool = Pool && ctx.contexts.includes("thread") ? await openPool(Pool, P, "thread") : null;
  try {
    const sweep = [100, 1000, 10_000];
    const runs: Record<string, () => Promise<number>> = {};
    if (pool) {
      runs["ours default"] = () => mitataOnce(() => pool.map(square, items));
      for (const c of sweep) {
        runs[`ours chunksize ${c}`] = () => mitataOnce(() => pool.map(square, items, c));
      }
    }
    if (py) runs["CPython default"] = () => py.request({ op: "map", n, chunksize: null });
    const names = Object.keys(runs);
    if (!names.length) return;
    const series = await interleaved(
      names,
      scale.runs,
      (name) => runs[name](),
      (r) => ctx.progress(`map throughput ${n} items round ${r}/${scale.runs}`),
    );
    for (const name of names) {
      const ips = summarize(series.get(name)!.map((ms) => (n * 1000) / ms));
      const [subject, ...variant] = name.split(" ");
      ctx.rows.push(
        row(
          subject === "ours" ? "thread" : "none",
          subject,
          "trivial",
          `map ${variant.join(" ")}`,
          P,
          "items_per_s",
          "items/s",
          ips,
        ),
      );
    }
    if (pool && py) {
      const r = ratioSummary(series.get("CPython default")!, series.get("ours default")!);
      ctx.rows.push(
        row("thread", "ours", "trivial", "map default vs CPython", P, "throughput_ratio", "×", r),
      );
    }
    if (pool) {
      const best = sweep.map((c) => series.get(`ours chunksize ${c}`)!);
      const bestPerRound = best[0].map((_, i) => Math.min(...best.map((s) => s[i])));
      const r = ratioSummary(series.get("ours default")!, bestPerRound);
      ctx.rows.push(
        row("thread", "ours", "trivial", "map default vs best fixed", P, "time_ratio", "×", r),
      );
    }
  } finally {
    await closePool(pool, "peers map");
  }
}
