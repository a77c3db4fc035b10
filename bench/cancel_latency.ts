/**
 * Time from `abort()` to the rejection of the task's result (issue 13), for a
 * task still queued, a running task that watches its `taskSignal()`, and a
 * CPU-bound one that ignores it (stopped after the pool's `abortGrace`,
 * reported with the grace subtracted too). Medians over repeated aborts.
 *
 * ```sh
 * node bench/cancel_latency.ts [--context thread] [--runs 10] [--grace 100]
 * deno run -A bench/cancel_latency.ts --context process
 * ```
 *
 * @module
 */
import process from "node:process";
import { Pool } from "../mod.ts";
import type { Context } from "../mod.ts";
import { isMain, machineInfo, parseFlags, scriptArgs, sleep } from "./_env.ts";
import { summarize, type Summary } from "./_stats.ts";
import { nap, spin, untilAborted } from "./_cancel_tasks.ts";

const MODULE = new URL("./_cancel_tasks.ts", import.meta.url).href;

/** Milliseconds from `abort()` to the rejection of `result`. */
async function abortLatency(
  result: { get(): Promise<unknown> },
  controller: AbortController,
): Promise<number> {
  const settled = result.get().then(() => performance.now(), () => performance.now());
  const start = performance.now();
  controller.abort();
  return (await settled) - start;
}

/**
 * Measures the three latencies.
 *
 * @param options Context, runs and grace.
 * @returns Milliseconds (median and spread) for each kind of task.
 * @example
 * ```ts ignore
 * const ms = await cancelLatency({ context: "thread", runs: 3, grace: 100 });
 * ```
 */
export async function cancelLatency(
  options: { context: Context; runs: number; grace: number },
): Promise<{ queued: Summary; cooperative: Summary; ignoring: Summary }> {
  const pool = new Pool({
    processes: 1,
    context: options.context,
    module: MODULE,
    abortGrace: options.grace,
  });
  try {
    await pool.apply(nap, [1]);
    const queued: number[] = [];
    const cooperative: number[] = [];
    const ignoring: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      const blocker = pool.applyAsync(nap, [100]);
      await sleep(20);
      const c1 = new AbortController();
      queued.push(await abortLatency(pool.applyAsync(nap, [1], { signal: c1.signal }), c1));
      await blocker.get();
      const c2 = new AbortController();
      const coop = pool.applyAsync(untilAborted, [], { signal: c2.signal });
      while (!coop.running()) await sleep(1);
      await sleep(20);
      cooperative.push(await abortLatency(coop, c2));
      const c3 = new AbortController();
      const stuck = pool.applyAsync(spin, [60_000], { signal: c3.signal });
      while (!stuck.running()) await sleep(1);
      await sleep(20);
      ignoring.push(await abortLatency(stuck, c3));
      await pool.apply(nap, [1]); // the replacement worker is up
    }
    return {
      queued: summarize(queued),
      cooperative: summarize(cooperative),
      ignoring: summarize(ignoring),
    };
  } finally {
    await pool.terminate();
  }
}

if (isMain(import.meta)) {
  const f = parseFlags(scriptArgs());
  const options = {
    context: String(f.context ?? "thread") as Context,
    runs: Number(f.runs ?? 10),
    grace: Number(f.grace ?? 100),
  };
  const m = machineInfo();
  const ms = await cancelLatency(options);
  const r = (s: Summary): string =>
    `${s.median.toFixed(2)} ms (p25 ${s.p25.toFixed(2)}, p75 ${s.p75.toFixed(2)})`;
  console.log(
    `abort() to rejection, ${m.runtime} ${m.runtimeVersion} ${options.context}, ` +
      `abortGrace ${options.grace} ms, ${options.runs} runs: queued ${r(ms.queued)}; ` +
      `cooperative running ${r(ms.cooperative)}; CPU-bound ignoring it ${r(ms.ignoring)} ` +
      `(${(ms.ignoring.median - options.grace).toFixed(2)} ms past the grace)`,
  );
  process.exit(0);
}
