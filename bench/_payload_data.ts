/**
 * The payloads suite's workloads: the items (made afresh for every measurement, since a moved
 * buffer is gone), the function our `pool.map` applies, the peers' task for each item, and the
 * same workload described for CPython (`bench/cpython_pool.py` builds its own items).
 *
 * @module
 */
import { countPrimes, derive, sumArray, upper } from "./peers/payload_task.mjs";
import type { PayloadTask } from "./peers/payload_task.mjs";
import type { PeerTask } from "./peers/task.mjs";
import type { TransferCtor } from "./_pool.ts";

/** One payload workload. */
export interface PayloadWorkload {
  /** Short id (`strings_1kb`). */
  readonly name: string;
  /** Human description. */
  readonly label: string;
  /** The function our `pool.map` applies (self-contained). */
  readonly fn: (x: never) => unknown;
  /** Fresh items. */
  items(): unknown[];
  /** Fresh peer tasks, one per item. */
  tasks(): PeerTask[];
  /** The same workload for `cpython_pool.py`, or null where CPython has no counterpart. */
  readonly python: Record<string, unknown> | null;
  /** Whether ours also runs it with each item a `Transfer` of its buffer. */
  readonly transferable: boolean;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ";

/**
 * The `i`th string: `"<i>:"` then letters, 1024 characters in all.
 *
 * @param i Index.
 * @returns The string (cpython_pool.py builds the same).
 * @example
 * ```ts
 * import { payloadString } from "./_payload_data.ts";
 * console.log(payloadString(7).length); // 1024
 * ```
 */
export function payloadString(i: number): string {
  const prefix = `${i}:`;
  return prefix + ALPHABET.repeat(28).slice(0, 1024 - prefix.length);
}

/**
 * A prime-range width that takes about `targetMs` to count from `base`, measured here.
 *
 * @param base Start of the ranges.
 * @param targetMs Wanted milliseconds per range.
 * @returns The width.
 * @example
 * ```ts
 * import { primeWidth } from "./_payload_data.ts";
 * console.log(primeWidth(1e7, 1) > 0);
 * ```
 */
export function primeWidth(base: number, targetMs: number): number {
  const probe = 4000;
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    countPrimes([base + r * probe, base + (r + 1) * probe]);
    times.push(performance.now() - t0);
  }
  const median = times.sort((a, b) => a - b)[3];
  return Math.max(100, Math.round((probe * targetMs) / Math.max(median, 0.01)));
}

/**
 * The four workloads at a size.
 *
 * @param items Strings and records per map.
 * @param chunks Arrays and prime ranges per map.
 * @param Transfer Our `Transfer` (from the build under test), or null.
 * @returns The workloads, in report order.
 * @example
 * ```ts
 * import { payloadWorkloads } from "./_payload_data.ts";
 * console.log(payloadWorkloads(10, 2, null).map((w) => w.name));
 * ```
 */
export function payloadWorkloads(
  items: number,
  chunks: number,
  Transfer: TransferCtor | null,
): PayloadWorkload[] {
  const strings = (): string[] => Array.from({ length: items }, (_, i) => payloadString(i));
  const records = (): { id: number; name: string; price: number; qty: number }[] =>
    Array.from({ length: items }, (_, i) => ({
      id: i,
      name: `item ${i}`,
      price: (i % 100) + 0.25,
      qty: (i % 7) + 1,
    }));
  const arrays = (): Float64Array[] =>
    Array.from({ length: chunks }, (_, i) => new Float64Array(16_384).fill(i));
  const base = 10_000_000;
  const width = primeWidth(base, 3);
  const ranges = (): [number, number][] =>
    Array.from({ length: chunks }, (_, i) => [base + i * width, base + (i + 1) * width]);
  const make = (
    name: string,
    label: string,
    fn: (x: never) => unknown,
    op: PayloadTask["op"],
    items: () => unknown[],
    python: Record<string, unknown> | null,
  ): PayloadWorkload => ({
    name,
    label,
    fn,
    items,
    tasks: () => items().map((x) => ({ op, x }) as PayloadTask),
    python,
    transferable: op === "sum" && Transfer !== null,
  });
  return [
    make("strings_1kb", `${items} strings of 1 KB, upper-cased`, upper, "upper", strings, {
      kind: "upper",
      n: items,
    }),
    make("records", `${items} records of 4 fields → derived total`, derive, "derive", records, {
      kind: "derive",
      n: items,
    }),
    make("f64_128kb", `${chunks} Float64Array of 128 KB, summed`, sumArray, "sum", arrays, null),
    make(
      "primes_3ms",
      `${chunks} prime-counting ranges of ${width} from 10⁷ (~3 ms each here)`,
      countPrimes,
      "primes",
      ranges,
      { kind: "primes", ranges: ranges() },
    ),
  ];
}

/**
 * Items of a transferable workload, each wrapped in a `Transfer` of its buffer.
 *
 * @param w The workload.
 * @param Transfer Our `Transfer`.
 * @returns The wrapped items.
 * @example
 * ```ts
 * import { payloadWorkloads, transferItems } from "./_payload_data.ts";
 * // transferItems(payloadWorkloads(10, 2, Transfer)[2], Transfer)
 * ```
 */
export function transferItems(w: PayloadWorkload, Transfer: TransferCtor): unknown[] {
  return (w.items() as Float64Array[]).map((a) => new Transfer(a, [a.buffer]));
}
