/**
 * Summary statistics for repeated benchmark runs: medians with spread, never one run.
 *
 * @module
 */

/** Median and spread of a set of samples. */
export interface Summary {
  /** Median. */
  readonly median: number;
  /** 25th percentile. */
  readonly p25: number;
  /** 75th percentile. */
  readonly p75: number;
  /** Smallest sample. */
  readonly min: number;
  /** Largest sample. */
  readonly max: number;
  /** Number of samples. */
  readonly n: number;
}

/**
 * The `q` quantile of sorted samples, by linear interpolation.
 *
 * @param sorted Samples in ascending order (not empty).
 * @param q A quantile in [0, 1].
 * @returns The interpolated quantile.
 * @example
 * ```ts
 * import { quantile } from "./_stats.ts";
 * console.log(quantile([1, 2, 3, 4], 0.5)); // 2.5
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Median, quartiles and range of samples.
 *
 * @param samples Measurements (any order; non-finite values are dropped).
 * @returns The summary (`NaN` fields when there is no finite sample).
 * @example
 * ```ts
 * import { summarize } from "./_stats.ts";
 * console.log(summarize([3, 1, 2]).median); // 2
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  const s = samples.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    median: quantile(s, 0.5),
    p25: quantile(s, 0.25),
    p75: quantile(s, 0.75),
    min: s.length ? s[0] : NaN,
    max: s.length ? s[s.length - 1] : NaN,
    n: s.length,
  };
}

/**
 * Maps every field of a summary through `f` (for example to turn ms per run into items/s).
 * Monotone decreasing maps swap the bounds so that `min <= p25 <= median <= p75 <= max` holds.
 *
 * @param s A summary.
 * @param f The transformation.
 * @returns The transformed summary.
 * @example
 * ```ts
 * import { mapSummary, summarize } from "./_stats.ts";
 * console.log(mapSummary(summarize([1, 2, 4]), (ms) => 1000 / ms).median); // 500
 * ```
 */
export function mapSummary(s: Summary, f: (x: number) => number): Summary {
  const v = [f(s.min), f(s.p25), f(s.median), f(s.p75), f(s.max)];
  const inc = v[0] <= v[4];
  const [min, p25, median, p75, max] = inc ? v : v.reverse();
  return { median, p25, p75, min, max, n: s.n };
}
