/**
 * What `Transfer` saves (issue 14): 200 `Float64Array`s of 128 KB each, summed
 * by `pool.map` on 2 workers, with the arrays copied (plain items) and moved
 * (each item a `Transfer` of its buffer), in the thread and the process
 * context. The four contenders run interleaved on warm pools; the arrays are
 * made afresh before each measurement (a moved buffer is gone) and their
 * making is not timed. In the process context nothing moves: both forms copy.
 *
 * ```sh
 * node bench/transfer.ts [--arrays 200] [--kb 128] [--workers 2] [--runs 10]
 * deno run -A bench/transfer.ts
 * bun bench/transfer.ts
 * ```
 *
 * @module
 */
import process from "node:process";
import { type Context, Pool, Transfer } from "../mod.ts";
import { isMain, machineInfo, parseFlags, scriptArgs } from "./_env.ts";
import { interleaved } from "./_measure.ts";
import { summarize, type Summary } from "./_stats.ts";

/** The settings of one run. */
export interface TransferBenchOptions {
  /** How many arrays. */
  readonly arrays: number;
  /** Kilobytes per array. */
  readonly kb: number;
  /** Workers per pool. */
  readonly workers: number;
  /** Measurements per contender. */
  readonly runs: number;
}

const CONTENDERS = ["thread copy", "thread transfer", "process copy", "process transfer"] as const;

function arrays(count: number, kb: number): Float64Array<ArrayBuffer>[] {
  const length = (kb * 1024) / 8;
  return Array.from({ length: count }, (_, i) => new Float64Array(length).fill(i));
}

/**
 * Milliseconds of one `map` that sums each array, its items moved or copied.
 *
 * @param pool The pool.
 * @param options The sizes.
 * @param move Whether each item is a `Transfer` of its buffer.
 * @returns Milliseconds.
 */
async function sumAll(pool: Pool, options: TransferBenchOptions, move: boolean): Promise<number> {
  const data = arrays(options.arrays, options.kb);
  const items = move ? data.map((a) => new Transfer(a, [a.buffer])) : data;
  const start = performance.now();
  const sums = await pool.map((a: Float64Array) => {
    let total = 0;
    for (let i = 0; i < a.length; i++) total += a[i];
    return total;
  }, items);
  const ms = performance.now() - start;
  if (sums.length !== options.arrays) throw new Error("wrong result count");
  return ms;
}

/**
 * Median and spread of each contender's time (ms).
 *
 * @param options The sizes and runs.
 * @returns Per contender, the summary of its runs.
 * @example
 * ```ts
 * import { transferBench } from "./transfer.ts";
 * const r = await transferBench({ arrays: 4, kb: 1, workers: 1, runs: 1 });
 * console.log(r.get("thread transfer")!.median > 0);
 * ```
 */
export async function transferBench(
  options: TransferBenchOptions,
): Promise<Map<string, Summary>> {
  const pools = new Map<Context, Pool>();
  for (const context of ["thread", "process"] as const) {
    pools.set(context, new Pool({ processes: options.workers, context }));
  }
  try {
    // Warm each pool and each path once (worker start, function compiled).
    for (const name of CONTENDERS) await measureOne(name);
    const times = await interleaved(CONTENDERS, options.runs, measureOne, () => {});
    return new Map([...times].map(([name, ms]) => [name, summarize(ms)]));
  } finally {
    for (const pool of pools.values()) await pool.terminate();
  }

  function measureOne(name: string): Promise<number> {
    const [context, how] = name.split(" ") as [Context, string];
    return sumAll(pools.get(context)!, options, how === "transfer");
  }
}

if (isMain(import.meta)) {
  const f = parseFlags(scriptArgs());
  const options: TransferBenchOptions = {
    arrays: Number(f.arrays ?? 200),
    kb: Number(f.kb ?? 128),
    workers: Number(f.workers ?? 2),
    runs: Number(f.runs ?? 10),
  };
  const m = machineInfo();
  const results = await transferBench(options);
  console.log(
    `map summing ${options.arrays} Float64Arrays of ${options.kb} KB, ${options.workers} ` +
      `workers, ${m.runtime} ${m.runtimeVersion}, ${options.runs} runs each, interleaved:`,
  );
  const r = (x: number): string => x.toFixed(1);
  for (const [name, s] of results) {
    console.log(`  ${name.padEnd(17)} ${r(s.median)} ms (p25 ${r(s.p25)}, p75 ${r(s.p75)})`);
  }
  for (const context of ["thread", "process"]) {
    const copy = results.get(`${context} copy`)!.median;
    const moved = results.get(`${context} transfer`)!.median;
    console.log(`  ${context}: transfer ÷ copy ${(moved / copy).toFixed(2)}`);
  }
  process.exit(0);
}
