/**
 * The soak's phases, each run against a deadline: rounds of healthy tasks mixed
 * with task faults, a burst of crashing tasks, `terminate()` in the middle of
 * `map` and of `imap`, and `close()` + `join()` with `maxtasksperchild`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Pool } from "../../mod.ts";
import type { Context, ResourceLimits } from "../../src/runtime/types.ts";
import type { Entry, Ledger } from "./_ledger.ts";
import type { FaultKind, TaskFault } from "./_kinds.ts";
import { fault, healthy, healthyItem } from "./_tasks.ts";

const TASKS_MODULE = new URL("./_tasks.ts", import.meta.url);

/** What every phase shares. */
export interface Run {
  readonly context: Context;
  readonly ledger: Ledger;
  readonly log: string;
  readonly deadlineMs: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly random: () => number;
  /** Faults injected, by kind. */
  readonly faults: Partial<Record<FaultKind, number>>;
  /** Phases that missed their deadline (each is one hang). */
  readonly hung: string[];
}

/**
 * A pool of 2 workers that calls the soak's tasks by reference.
 *
 * @param run The run.
 * @param maxtasksperchild Recycle workers after this many tasks.
 * @returns The pool.
 */
export function openPool(run: Run, maxtasksperchild?: number): Pool {
  return new Pool({
    processes: 2,
    context: run.context,
    module: TASKS_MODULE,
    maxtasksperchild,
    resourceLimits: run.resourceLimits,
  });
}

/**
 * Waits for a promise at most `ms`; false when the deadline passed first.
 *
 * @param promise What to wait for (its rejection counts as done).
 * @param ms The deadline.
 * @returns Whether it settled in time.
 */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = promise.then(() => true as const, () => true as const);
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

function count(run: Run, kind: FaultKind, n = 1): void {
  run.faults[kind] = (run.faults[kind] ?? 0) + n;
}

function watch(result: { get(): Promise<unknown> }, entry: Entry): void {
  result.get().then(() => (entry.promiseOk = true), () => (entry.promiseOk = false));
}

function callbacks(entry: Entry): {
  callback: (v: unknown) => void;
  errorCallback: (e: unknown) => void;
} {
  return { callback: (v) => entry.resolve(v), errorCallback: (e) => entry.reject(e) };
}

const answer = (x: number) => (id: number) => id * 1000 + (x % 1000);

/**
 * Submits one healthy task.
 *
 * @param run The run.
 * @param pool The pool.
 * @param delayMs How long it runs.
 * @returns Its entry.
 */
export function submitHealthy(run: Run, pool: Pool, delayMs: number): Entry {
  const x = Math.floor(run.random() * 1e6);
  const entry = run.ledger.add("healthy", answer(x));
  watch(pool.applyAsync(healthy, [run.log, entry.id, x, delayMs], callbacks(entry)), entry);
  return entry;
}

/**
 * Submits one faulting task.
 *
 * @param run The run.
 * @param pool The pool.
 * @param kind The fault.
 * @returns Its entry.
 */
export function submitFault(run: Run, pool: Pool, kind: TaskFault): Entry {
  const entry = run.ledger.add(kind);
  count(run, kind);
  const delayMs = Math.floor(run.random() * 10);
  try {
    const r = kind === "unclonableArg"
      ? pool.applyAsync(
        healthy,
        [run.log, entry.id, (() => 0) as unknown as number, 0],
        callbacks(entry),
      )
      : pool.applyAsync(fault, [run.log, entry.id, kind, delayMs], callbacks(entry));
    watch(r, entry);
  } catch (error) {
    entry.reject(error); // refused at submission: that is its one settlement
  }
  return entry;
}

/**
 * Submits a `map` of healthy items; each item is an entry, and so is the map.
 *
 * @param run The run.
 * @param pool The pool.
 * @param n Number of items.
 * @param role `healthy` items, or `cancelled` ones (a map `terminate()` will cut short).
 * @param delayMs How long each item runs.
 * @returns The map's entry, then the items'.
 */
export function submitMap(
  run: Run,
  pool: Pool,
  n: number,
  role: "healthy" | "cancelled",
  delayMs: number,
): Entry[] {
  const batch = run.ledger.add(role === "healthy" ? "batch" : "terminateMap");
  const items = Array.from({ length: n }, () => {
    const x = Math.floor(run.random() * 1e6);
    return { x, entry: run.ledger.add(role, answer(x)) };
  });
  const args = items.map(({ x, entry }) => [run.log, entry.id, x, delayMs]);
  const r = pool.mapAsync(healthyItem, args as [string, number, number, number][], {
    chunksize: role === "healthy" ? 3 : 1,
    callback: (values: unknown[]) => {
      batch.resolve(values);
      if (batch.settles === 1) items.forEach(({ entry }, i) => entry.resolve(values[i]));
    },
    errorCallback: (error: unknown) => {
      batch.reject(error);
      if (batch.settles === 1) items.forEach(({ entry }) => entry.reject(error));
    },
  });
  watch(r, batch);
  return [batch, ...items.map(({ entry }) => entry)];
}

/**
 * Waits until the log shows `n` runs of the given tasks (or `capMs` passed).
 *
 * @param run The run.
 * @param entries The tasks.
 * @param n How many runs.
 * @param capMs Upper bound.
 */
export async function waitForRuns(
  run: Run,
  entries: readonly Entry[],
  n: number,
  capMs: number,
): Promise<void> {
  const ids = new Set(entries.map((e) => String(e.id)));
  const end = Date.now() + capMs;
  while (Date.now() < end) {
    const lines = readFileSync(run.log, "utf8").split("\n");
    if (lines.filter((line) => ids.has(line.split(" ")[0])).length >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Stops a pool: `close()` + `join()`, or `terminate()` when `join()` misses the deadline
 * (counted as a hang), and `terminate()` itself against the deadline.
 *
 * @param run The run.
 * @param pool The pool.
 * @param label The phase, for the hang list.
 * @param graceful Whether to join first.
 */
export async function stopPool(
  run: Run,
  pool: Pool,
  label: string,
  graceful: boolean,
): Promise<void> {
  if (graceful) {
    pool.close();
    if (await within(pool.join(), run.deadlineMs)) return;
    run.hung.push(`${label}: close() + join()`);
  }
  if (!(await within(pool.terminate(), run.deadlineMs))) run.hung.push(`${label}: terminate()`);
}

/**
 * `terminate()` in the middle of a `map`: the map must reject, once, and nothing hang.
 *
 * @param run The run.
 */
export async function terminateMidMap(run: Run): Promise<void> {
  const pool = openPool(run);
  const [batch, ...items] = submitMap(run, pool, 30, "cancelled", 15);
  count(run, "terminateMap");
  await waitForRuns(run, items, 2, run.deadlineMs);
  await stopPool(run, pool, "terminate() mid-map", false);
  if (!(await run.ledger.settle([batch], run.deadlineMs))) run.hung.push("map after terminate()");
}

/**
 * `terminate()` in the middle of an `imap`: the iteration must fail, once, and nothing hang.
 *
 * @param run The run.
 */
export async function terminateMidImap(run: Run): Promise<void> {
  const pool = openPool(run);
  const batch = run.ledger.add("terminateImap");
  const items = Array.from({ length: 30 }, () => run.ledger.add("cancelled"));
  count(run, "terminateImap");
  const it = pool.imap(
    healthyItem,
    items.map((e) => [run.log, e.id, 1, 15] as [string, number, number, number]),
    1,
  );
  let stopping: Promise<void> | undefined;
  const consumer = (async () => {
    let got = 0;
    try {
      for await (const _ of it) if (++got === 2) stopping = pool.terminate();
      batch.resolve(got);
    } catch (error) {
      batch.reject(error);
    }
  })();
  if (!(await run.ledger.settle([batch], run.deadlineMs))) run.hung.push("imap after terminate()");
  await within(consumer, run.deadlineMs);
  if (stopping === undefined) await stopPool(run, pool, "terminate() mid-imap", false);
  else if (!(await within(stopping, run.deadlineMs))) run.hung.push("terminate() mid-imap");
}

/**
 * `close()` + `join()` with `maxtasksperchild: 1` and more tasks than workers (bpo-10332).
 *
 * @param run The run.
 */
export async function maxtasksJoin(run: Run): Promise<void> {
  const pool = openPool(run, 1);
  const entries = Array.from({ length: 6 }, () => submitHealthy(run, pool, 50));
  count(run, "maxtasksJoin");
  await stopPool(run, pool, "maxtasksperchild", true);
  await run.ledger.settle(entries, 1000);
}
