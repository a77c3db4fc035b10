/**
 * Measurement helpers: tinybench for makespan/throughput runs, mitata for micro-measurements
 * and for interleaved rounds of several contenders.
 *
 * @module
 */
import { Bench } from "tinybench";
import { measure } from "mitata";
import { summarize, type Summary } from "./_stats.ts";
import { withTimeout } from "./_pool.ts";

/**
 * Times `fn` with tinybench: one warm-up run, then `runs` runs.
 *
 * @param name Task name (for tinybench's table).
 * @param fn The async operation.
 * @param runs Repetitions.
 * @returns Milliseconds per run (median and spread).
 * @throws {Error} When `fn` throws.
 * @example
 * ```ts
 * import { tinyRuns } from "./_measure.ts";
 * console.log((await tinyRuns("noop", async () => {}, 3)).n); // 3
 * ```
 */
export async function tinyRuns(
  name: string,
  fn: () => Promise<unknown>,
  runs: number,
): Promise<Summary> {
  const bench = new Bench({
    iterations: runs,
    time: 0,
    warmupIterations: 1,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(name, async () => void (await fn()));
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
  return summarize(r.latency.samples ?? [r.latency.p50]);
}

/**
 * Times one call of an async operation with mitata (after one warm-up call, with a GC
 * before sampling where the runtime exposes one).
 *
 * @param fn The operation.
 * @param samples Samples to take.
 * @returns The mean of the samples, in milliseconds.
 * @example
 * ```ts
 * import { mitataOnce } from "./_measure.ts";
 * console.log(await mitataOnce(async () => {}, 1) >= 0);
 * ```
 */
export async function mitataOnce(fn: () => Promise<unknown>, samples = 1): Promise<number> {
  const stats = await measure(fn, {
    min_samples: samples,
    max_samples: samples,
    min_cpu_time: 0,
    warmup_samples: 0,
    warmup_threshold: 0,
    batch_threshold: 0,
  });
  return stats.avg / 1e6;
}

/**
 * Micro-measures a fast async operation with mitata (batched samples).
 *
 * @param fn The operation (one round trip, for example).
 * @param minMs Minimum measuring time, ms.
 * @returns Milliseconds per call: mitata's quartiles and range over its samples.
 * @example
 * ```ts
 * import { mitataMicro } from "./_measure.ts";
 * console.log((await mitataMicro(async () => {}, 10)).median >= 0);
 * ```
 */
export async function mitataMicro(fn: () => Promise<unknown>, minMs: number): Promise<Summary> {
  const s = await measure(fn, {
    min_cpu_time: minMs * 1e6,
    batch_samples: 16,
    min_samples: 8,
  });
  const ms = (ns: number): number => ns / 1e6;
  return {
    median: ms(s.p50),
    p25: ms(s.p25),
    p75: ms(s.p75),
    min: ms(s.min),
    max: ms(s.max),
    n: s.samples.length,
  };
}

/**
 * Measures several contenders in interleaved rounds (A B C, A B C, ...) so that machine noise
 * hits all of them alike. Each measurement is a mitata sample of one call.
 *
 * @param names Contender names, in round order.
 * @param rounds Number of rounds.
 * @param run Runs one measurement of contender `name`; returns ms (or null to skip).
 * @param onRound Called after each round (progress).
 * @returns Per contender, the milliseconds of every round.
 * @example
 * ```ts
 * import { interleaved } from "./_measure.ts";
 * const r = await interleaved(["a", "b"], 2, async () => 1, () => {});
 * console.log(r.get("a")); // [1, 1]
 * ```
 */
export async function interleaved(
  names: readonly string[],
  rounds: number,
  run: (name: string) => Promise<number | null>,
  onRound: (round: number) => void,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const ms = await withTimeout(run(name), 300_000, `measuring ${name}`);
      if (ms !== null) out.get(name)!.push(ms);
    }
    onRound(r + 1);
  }
  return out;
}

/**
 * Per-round ratios `a[i] / b[i]` of two interleaved series, summarised.
 *
 * @param a Numerator series.
 * @param b Denominator series (same rounds).
 * @returns Median and spread of the ratios.
 * @example
 * ```ts
 * import { ratioSummary } from "./_measure.ts";
 * console.log(ratioSummary([1, 2], [2, 4]).median); // 0.5
 * ```
 */
export function ratioSummary(a: readonly number[], b: readonly number[]): Summary {
  const n = Math.min(a.length, b.length);
  return summarize(Array.from({ length: n }, (_, i) => a[i] / b[i]));
}

/** A contender measured under a time limit by {@linkcode limitedRounds}. */
export interface LimitedContender {
  readonly name: string;
  /** One measurement, in milliseconds. */
  run(): Promise<number>;
  /** Frees what a failed or overrunning measurement left behind. */
  abandon(): Promise<void>;
  /** Whether a failure leaves it unusable for every later measurement (a dead process). */
  readonly fatal?: boolean;
}

/**
 * Interleaved rounds (A B C, A B C, ...) where every measurement has a time limit. A
 * contender that fails is abandoned (once per failure) and gets `NaN` for that round; one
 * that runs past the limit is not measured again in these rounds; a `fatal` one that fails
 * joins `gone` and is not measured again at all.
 *
 * @param contenders In round order.
 * @param rounds Number of rounds.
 * @param limitMs Time limit per measurement.
 * @param gone Names never to measure (updated with fatal failures).
 * @param notes Receives one line per failure.
 * @returns Per contender the milliseconds of every round (`NaN` where none), and which ran
 *   past the limit.
 * @example
 * ```ts
 * import { limitedRounds } from "./_measure.ts";
 * const slow = { name: "slow", run: () => new Promise<number>(() => {}), abandon: async () => {} };
 * const r = await limitedRounds([slow], 2, 10, new Set(), []);
 * console.log(r.timedOut.has("slow"), r.series.get("slow")); // true [NaN, NaN]
 * ```
 */
export async function limitedRounds(
  contenders: readonly LimitedContender[],
  rounds: number,
  limitMs: number,
  gone: Set<string>,
  notes: string[],
  onRound: (round: number) => void = () => {},
): Promise<{ series: Map<string, number[]>; timedOut: Set<string> }> {
  const series = new Map(contenders.map((c) => [c.name, [] as number[]]));
  const timedOut = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const out = series.get(c.name)!;
      if (timedOut.has(c.name) || gone.has(c.name)) {
        out.push(NaN);
        continue;
      }
      const what = `${c.name} round ${r + 1}`;
      try {
        out.push(await withTimeout(c.run(), limitMs, what));
      } catch (e) {
        out.push(NaN);
        const message = (e as Error).message.split("\n")[0];
        if (message === `${what} did not finish within ${limitMs} ms`) timedOut.add(c.name);
        if (c.fatal) gone.add(c.name);
        notes.push(message);
        await withTimeout(c.abandon(), 15_000, `abandoning ${c.name}`).catch((x: Error) =>
          notes.push(x.message)
        );
      }
    }
    onRound(r + 1);
  }
  return { series, timedOut };
}
