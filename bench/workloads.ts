/**
 * Benchmark workloads: the functions sent to workers (self-contained, they travel as source
 * text) and the item lists with their nominal per-item durations.
 *
 * @module
 */

/**
 * The trivial task: `x * x`.
 *
 * @param x A number.
 * @returns Its square.
 * @example
 * ```ts
 * import { square } from "./workloads.ts";
 * console.log(square(3)); // 9
 * ```
 */
export function square(x: number): number {
  return x * x;
}

/**
 * CPU-bound task: busy-waits `us` microseconds. Self-contained (sent to workers as source).
 *
 * @param us Microseconds to spin.
 * @returns The number of clock reads (so the loop is not optimised away).
 * @example
 * ```ts
 * import { spin } from "./workloads.ts";
 * spin(10);
 * ```
 */
export function spin(us: number): number {
  const end = performance.now() + us / 1000;
  let reads = 0;
  while (performance.now() < end) reads++;
  return reads;
}

/**
 * Like {@linkcode spin}, but returns when it finished on the shared wall clock
 * (`performance.timeOrigin + performance.now()`, milliseconds), so the main thread can see
 * completion order. Self-contained.
 *
 * @param us Microseconds to spin.
 * @returns The completion time in epoch milliseconds (sub-millisecond resolution).
 * @example
 * ```ts
 * import { spinStamp } from "./workloads.ts";
 * console.log(spinStamp(5) > 0);
 * ```
 */
export function spinStamp(us: number): number {
  const end = performance.now() + us / 1000;
  while (performance.now() < end) { /* spin */ }
  return performance.timeOrigin + performance.now();
}

/** One workload of the chunking/scaling suites. */
export interface Workload {
  /** Short id (`uniform_100us`). */
  readonly name: string;
  /** Human description. */
  readonly label: string;
  /** The function applied to each item. */
  readonly fn: (x: number) => number;
  /** The items (for spin workloads: each item's duration in µs). */
  readonly items: number[];
  /** Nominal duration of each item in µs, or null when unknown (trivial). */
  readonly durationsUs: number[] | null;
}

/**
 * A small deterministic PRNG (mulberry32), so every runtime gets the same items.
 *
 * @param seed A 32-bit seed.
 * @returns A function returning uniform numbers in [0, 1).
 * @example
 * ```ts
 * import { rng } from "./workloads.ts";
 * const r = rng(1);
 * console.log(r() < 1);
 * ```
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Names of the chunking-suite workloads, in report order. */
export const WORKLOAD_NAMES: readonly string[] = [
  "trivial",
  "uniform_10us",
  "uniform_100us",
  "uniform_1ms",
  "increasing",
  "exponential",
  "bimodal",
  "heavy_end",
];

function spinWorkload(name: string, label: string, durations: number[]): Workload {
  const items = durations.map((d) => Math.round(d * 1000) / 1000);
  return { name, label, fn: spin, items, durationsUs: items };
}

/**
 * Builds a workload sized to about `serialMs` milliseconds of serial work.
 *
 * @param name One of {@linkcode WORKLOAD_NAMES}.
 * @param serialMs Target total work in milliseconds (ignored by `trivial`).
 * @param trivialItems Item count of `trivial`.
 * @returns The workload.
 * @throws {RangeError} For an unknown name.
 * @example
 * ```ts
 * import { makeWorkload } from "./workloads.ts";
 * console.log(makeWorkload("uniform_1ms", 100, 1000).items.length); // 100
 * ```
 */
export function makeWorkload(name: string, serialMs: number, trivialItems: number): Workload {
  const mean = 100; // µs, the mean item of the skewed workloads
  const count = (us: number): number => Math.max(8, Math.round((serialMs * 1000) / us));
  const r = rng(0x5eed);
  switch (name) {
    case "trivial": {
      const items = Array.from({ length: trivialItems }, (_, i) => i);
      return { name, label: "trivial x*x", fn: square, items, durationsUs: null };
    }
    case "uniform_10us":
      return spinWorkload(name, "uniform 10 µs", Array(count(10)).fill(10));
    case "uniform_100us":
      return spinWorkload(name, "uniform 100 µs", Array(count(100)).fill(100));
    case "uniform_1ms":
      return spinWorkload(name, "uniform 1 ms", Array(count(1000)).fill(1000));
    case "increasing": {
      const n = count(mean);
      return spinWorkload(
        name,
        "increasing 0→200 µs",
        Array.from({ length: n }, (_, i) => (2 * mean * (i + 0.5)) / n),
      );
    }
    case "exponential":
      return spinWorkload(
        name,
        "exponential, mean 100 µs",
        Array.from({ length: count(mean) }, () => -mean * Math.log(1 - r())),
      );
    case "bimodal":
      return spinWorkload(
        name,
        "bimodal: 1% of items 100× (50 µs / 5 ms)",
        Array.from({ length: count(mean) }, () => (r() < 0.01 ? 5000 : 50)),
      );
    case "heavy_end": {
      const n = count(mean);
      return spinWorkload(
        name,
        "heavy at the end: last 5% 20× (50 µs / 1 ms)",
        Array.from({ length: n }, (_, i) => (i >= n * 0.95 ? 1000 : 50)),
      );
    }
    default:
      throw new RangeError(`Unknown workload: ${name}`);
  }
}

/**
 * The ideal makespan of running `durationsUs` on `workers` workers: `max(Σt / P, t_max)`.
 *
 * @param durationsUs Per-item durations in µs.
 * @param workers Number of workers (capped by the cores that can run them).
 * @returns The ideal makespan in milliseconds.
 * @example
 * ```ts
 * import { idealMs } from "./workloads.ts";
 * console.log(idealMs([1000, 1000, 1000, 1000], 2)); // 2
 * ```
 */
export function idealMs(durationsUs: readonly number[], workers: number): number {
  let sum = 0;
  let max = 0;
  for (const d of durationsUs) {
    sum += d;
    if (d > max) max = d;
  }
  return Math.max(sum / workers, max) / 1000;
}

/**
 * Item durations for the imap suite: uniform, first item 100× the median, or Pareto.
 *
 * @param kind `"uniform"`, `"skewed_first"` or `"pareto"`.
 * @param n Number of items.
 * @param medianUs The median duration in µs.
 * @returns Durations in µs.
 * @example
 * ```ts
 * import { imapDurations } from "./workloads.ts";
 * console.log(imapDurations("skewed_first", 3, 100)); // [10000, 100, 100]
 * ```
 */
export function imapDurations(kind: string, n: number, medianUs: number): number[] {
  if (kind === "uniform") return Array(n).fill(medianUs);
  if (kind === "skewed_first") {
    return Array.from({ length: n }, (_, i) => i ? medianUs : medianUs * 100);
  }
  if (kind === "pareto") {
    // Pareto with shape 1.5, scaled so the median is medianUs, capped at 100× the median.
    const r = rng(42);
    const alpha = 1.5;
    const xm = medianUs / 2 ** (1 / alpha);
    return Array.from({ length: n }, () => Math.min(xm / (1 - r()) ** (1 / alpha), medianUs * 100));
  }
  throw new RangeError(`Unknown imap workload: ${kind}`);
}
