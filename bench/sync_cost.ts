/**
 * Median cost of one `Lock` acquire + release, per runtime and context:
 *
 * - main thread, uncontended (`acquire()`/`release()` and `acquireSync()`);
 * - one worker, uncontended, and two workers contending for one lock, in the
 *   thread context (shared memory) and the process context (each call is a
 *   request to the parent over IPC).
 *
 * Each figure is the median over batches of the time per acquire + release.
 *
 * ```sh
 * node bench/sync_cost.ts            # Node 24
 * node --import tsx bench/sync_cost.ts
 * deno run -A bench/sync_cost.ts
 * bun bench/sync_cost.ts
 * ```
 *
 * @module
 */
import { detectRuntime } from "../src/runtime/detect.ts";
import { Pool } from "../src/pool/pool.ts";
import type { Context } from "../src/runtime/types.ts";
import { Lock } from "../src/sync/lock.ts";

const BATCHES = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}

async function mainThread(): Promise<{ async: number; sync: number }> {
  const lock = new Lock();
  const perBatch = 20_000;
  const a: number[] = [];
  const s: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    let t = performance.now();
    for (let i = 0; i < perBatch; i++) {
      await lock.acquire();
      lock.release();
    }
    a.push(((performance.now() - t) * 1e6) / perBatch);
    t = performance.now();
    for (let i = 0; i < perBatch; i++) {
      lock.acquireSync();
      lock.release();
    }
    s.push(((performance.now() - t) * 1e6) / perBatch);
  }
  return { async: median(a), sync: median(s) };
}

/** Runs in a worker (by source text): batches of acquireSync + release, ns per pair. */
function loopSync(lock: Lock, perBatch: number, batches: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < perBatch; i++) {
      lock.acquireSync();
      lock.release();
    }
    out.push(((performance.now() - t) * 1e6) / perBatch);
  }
  return out;
}

/** Runs in a worker (by source text): batches of acquire + release, ns per pair. */
async function loop(lock: Lock, perBatch: number, batches: number): Promise<number[]> {
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < perBatch; i++) {
      await lock.acquire();
      lock.release();
    }
    out.push(((performance.now() - t) * 1e6) / perBatch);
  }
  return out;
}

interface WorkerFigures {
  one: number;
  two: number;
  oneSync: number;
  twoSync: number;
}

async function inWorkers(context: Context): Promise<WorkerFigures> {
  const perBatch = context === "thread" ? 20_000 : 300;
  const pool = new Pool({ processes: 2, context });
  try {
    const lock = new Lock();
    await pool.map((x: number) => x, [1, 2], 1); // start both workers
    const one = await pool.apply(loop, [lock, perBatch, BATCHES]);
    const args: [Lock, number, number][] = [[lock, perBatch, BATCHES], [lock, perBatch, BATCHES]];
    const two = await pool.starmap(loop, args, 1);
    const oneSync = await pool.apply(loopSync, [lock, perBatch, BATCHES]);
    const twoSync = await pool.starmap(loopSync, args, 1);
    return {
      one: median(one),
      two: median(two.flat()),
      oneSync: median(oneSync),
      twoSync: median(twoSync.flat()),
    };
  } finally {
    await Promise.race([pool.terminate(), new Promise((r) => setTimeout(r, 5000))]);
  }
}

const runtime = detectRuntime();
const main = await mainThread();
console.log(`runtime ${runtime}`);
console.log(
  `  main thread, uncontended: acquire()+release() ${fmt(main.async)}, ` +
    `acquireSync()+release() ${fmt(main.sync)}`,
);
for (const context of ["thread", "process"] as const) {
  const r = await inWorkers(context);
  console.log(
    `  ${context} context, acquire()+release(): 1 worker uncontended ${fmt(r.one)}, ` +
      `2 contending workers ${fmt(r.two)}`,
  );
  console.log(
    `  ${context} context, acquireSync()+release(): 1 worker uncontended ` +
      `${fmt(r.oneSync)}, 2 contending workers ${fmt(r.twoSync)}`,
  );
}
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
