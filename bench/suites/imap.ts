/**
 * Suite 2: ordered `imap` vs `imapUnordered` under uniform and skewed durations (first item
 * 100× the median; Pareto): time to first result, makespan, and the peak number of results
 * held back waiting for order (from the workers' completion times on the shared clock).
 *
 * @module
 */
import { closePool, openPool, type PoolLike } from "../_pool.ts";
import { summarize } from "../_stats.ts";
import { row, type SuiteContext } from "../_suite.ts";
import { imapDurations, spinStamp } from "../workloads.ts";

const KINDS = ["uniform", "skewed_first", "pareto"];
const MODES = ["imap", "imapUnordered"] as const;
const CHUNKS: (number | undefined)[] = [undefined, 1];

/**
 * Peak number of results that had completed but could not be yielded because an earlier
 * item had not: sweeps completion events in time order.
 *
 * @param stamps Completion time of item i, in input order.
 * @returns The peak count.
 * @example
 * ```ts
 * import { peakHeldBack } from "./imap.ts";
 * console.log(peakHeldBack([3, 1, 2])); // 2
 * ```
 */
export function peakHeldBack(stamps: readonly number[]): number {
  const order = stamps.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  const doneAt = new Uint8Array(stamps.length);
  let prefix = 0;
  let completed = 0;
  let peak = 0;
  for (const [, i] of order) {
    doneAt[i] = 1;
    completed++;
    while (prefix < stamps.length && doneAt[prefix]) prefix++;
    peak = Math.max(peak, completed - prefix);
  }
  return peak;
}

async function once(
  pool: PoolLike,
  mode: (typeof MODES)[number],
  durations: number[],
  chunk: number | undefined,
): Promise<{ first: number; total: number; held: number }> {
  const t0 = performance.now();
  const it = chunk === undefined
    ? pool[mode](spinStamp, durations)
    : pool[mode](spinStamp, durations, chunk);
  let first = -1;
  const stamps: number[] = [];
  for await (const stamp of it) {
    if (first < 0) first = performance.now() - t0;
    stamps.push(stamp as number);
  }
  const total = performance.now() - t0;
  if (stamps.length !== durations.length) throw new Error(`${mode} lost results`);
  return { first, total, held: mode === "imap" ? peakHeldBack(stamps) : 0 };
}

/**
 * Runs the imap suite.
 *
 * @param ctx The suite context.
 * @returns Resolves when done.
 * @example
 * ```ts
 * // bench/run.ts calls it: runImap(ctx)
 * ```
 */
export async function runImap(ctx: SuiteContext): Promise<void> {
  const { scale, machine, Pool } = ctx;
  if (!Pool) return void ctx.notes.push("imap: skipped, our Pool is not available");
  const P = machine.cpus;
  const total = ctx.contexts.length * KINDS.length * CHUNKS.length;
  let done = 0;
  for (const context of ctx.contexts) {
    const pool = await openPool(Pool, P, context);
    try {
      for (const kind of KINDS) {
        const durations = imapDurations(kind, scale.imapItems, scale.imapMedianUs);
        for (const chunk of CHUNKS) {
          ctx.progress(`${context} ${++done}/${total} ${kind} chunksize ${chunk ?? "default"}`);
          const variantOf = (m: string): string => `${m} ${chunk ?? "default"}`;
          const res = new Map(
            MODES.map((
              m,
            ) => [m, { first: [] as number[], total: [] as number[], held: [] as number[] }]),
          );
          // Interleaved: imap, imapUnordered, imap, ... after one warm-up of each.
          for (let r = -1; r < scale.runs; r++) {
            for (const mode of MODES) {
              const o = await once(pool, mode, durations, chunk);
              if (r < 0) continue;
              const acc = res.get(mode)!;
              acc.first.push(o.first);
              acc.total.push(o.total);
              acc.held.push(o.held);
            }
          }
          for (const mode of MODES) {
            const acc = res.get(mode)!;
            const v = variantOf(mode);
            ctx.rows.push(row(context, "ours", kind, v, P, "ttfr_ms", "ms", summarize(acc.first)));
            ctx.rows.push(
              row(context, "ours", kind, v, P, "makespan_ms", "ms", summarize(acc.total)),
            );
            if (mode === "imap") {
              ctx.rows.push(
                row(context, "ours", kind, v, P, "held_back", "results", summarize(acc.held)),
              );
            }
          }
          const fastest = Math.min(...durations) / 1000;
          ctx.rows.push(
            row("none", "bound", kind, "fastest item", P, "ttfr_ms", "ms", summarize([fastest])),
          );
        }
      }
    } finally {
      await closePool(pool, `imap ${context}`);
    }
  }
}
