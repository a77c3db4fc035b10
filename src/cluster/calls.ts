/**
 * One client call in flight: an `apply` (one chunk) or a `map`/`starmap`
 * (many chunks, values put back in input order, the first failure wins, as
 * CPython's `map`). Each settles its `AsyncResult` exactly once, whether its
 * chunks answer, Redis goes away or the pool terminates.
 *
 * @module
 */
import { AsyncResult, settleResult } from "../pool/async_result.ts";
import type { JobBoard, PendingCall } from "./board.ts";
import type { TaskInput } from "../../mod.ts";
import {
  type JobData,
  type JobKind,
  type JobResult,
  KIND_APPLY,
  KIND_STARMAP,
} from "./protocol.ts";
import { errorFromWire } from "./wire.ts";

/** A chunk's outcome as the client sees it: `[count, ok, values | error]` per segment. */
export type Outcome = readonly (readonly [number, boolean, unknown])[];

/**
 * Decode a job's outcome.
 *
 * @param ok Whether the job completed (else `value` is the job's error).
 * @param value The job result or error.
 * @param count Items in the chunk.
 * @param modules Client module URLs by key.
 * @returns Its segments, errors rebuilt.
 * @example
 * ```ts
 * import { outcome } from "./calls.ts";
 * console.log(outcome(true, { s: [[2, 1, [1, 4]]] }, 2, new Map())); // [[2, true, [1, 4]]]
 * ```
 */
export function outcome(
  ok: boolean,
  value: unknown,
  count: number,
  modules: ReadonlyMap<string, string>,
): Outcome {
  if (!ok) return [[count, false, value]];
  return (value as JobResult).s.map(([n, good, payload]) =>
    good === 1
      ? [n, true, payload] as const
      : [n, false, errorFromWire(payload as never, modules)] as const
  );
}

/** An `apply` or `map` call: gathers chunk outcomes into one `AsyncResult`. */
export class Call<T> implements PendingCall {
  readonly result: AsyncResult<T>;
  readonly #values: unknown[];
  readonly #single: boolean;
  #left: number;
  #settled = false;
  readonly #onSettled: (call: Call<T>) => void;

  /**
   * @param result The handle to settle.
   * @param items Items in all (1 for apply).
   * @param single `true` for apply (the value itself, not an array).
   * @param onSettled Called once, after settling.
   */
  constructor(
    result: AsyncResult<T>,
    items: number,
    single: boolean,
    onSettled: (call: Call<T>) => void,
  ) {
    this.result = result;
    this.#values = new Array(items);
    this.#left = items;
    this.#single = single;
    this.#onSettled = onSettled;
    if (items === 0) this.#finish(true, []);
  }

  /**
   * A chunk starting at `index` answered.
   *
   * @param index Its first item's position.
   * @param segments Its outcome.
   */
  chunk(index: number, segments: Outcome): void {
    let at = index;
    for (const [count, ok, payload] of segments) {
      if (!ok) return this.fail(payload);
      const values = payload as unknown[];
      for (let i = 0; i < count; i++) this.#values[at + i] = values[i];
      at += count;
      this.#left -= count;
    }
    if (this.#left <= 0) this.#finish(true, this.#single ? this.#values[0] : this.#values);
  }

  /** Settle with `error` (the first failure; later ones are ignored). */
  fail(error: unknown): void {
    this.#finish(false, error);
  }

  #finish(ok: boolean, value: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    settleResult(this.result as AsyncResult<unknown>, ok, value);
    this.#onSettled(this);
  }
}

/** What {@link startMap} needs from its pool. */
export interface MapStart<R> {
  readonly kind: JobKind;
  readonly input: TaskInput<unknown>;
  /** A fixed chunk size, or undefined for CPython's `ceil(n / 4P)`. */
  readonly size: number | undefined;
  readonly result: AsyncResult<R[]>;
  readonly what: string;
  /** The workers the live hosts advertise. */
  processes(): Promise<number>;
  track(call: PendingCall): void;
  untrack(call: PendingCall): void;
  /** Send `items` in chunks of `chunk` for `call`. */
  submit(call: Call<R[]>, items: unknown[], chunk: number): void;
}

/**
 * Read a `map`'s input, size its chunks and submit them. Until then a stand-in
 * is tracked, so that `terminate()` and the Redis watchdog reach the call.
 *
 * @param spec The call and the pool's callbacks.
 * @returns Resolves once submitted (or settled by a failure).
 * @example
 * ```ts ignore
 * await startMap({ kind: KIND_MAP, input: [1, 2], size: undefined, result, what: "map", ...pool });
 * ```
 */
export async function startMap<R>(spec: MapStart<R>): Promise<void> {
  const { kind, result, what } = spec;
  let call: Call<R[]> | undefined;
  const early: PendingCall = {
    fail: (e) => (call ??= new Call(result, 1, false, () => {})).fail(e),
  };
  spec.track(early);
  try {
    const items: unknown[] = [];
    for await (const item of spec.input as AsyncIterable<unknown>) items.push(item);
    if (kind === KIND_STARMAP && items.some((a) => !Array.isArray(a))) {
      throw new TypeError(`Cannot ${what}: every item must be an array of arguments`);
    }
    const processes = spec.size === undefined ? Math.max(1, await spec.processes()) : 1;
    if (call !== undefined) return;
    call = new Call(result, items.length, false, (c) => spec.untrack(c));
    spec.track(call);
    spec.submit(call, items, spec.size ?? Math.max(1, Math.ceil(items.length / (4 * processes))));
  } catch (error) {
    early.fail(error);
  } finally {
    spec.untrack(early);
  }
}

/**
 * Add a call's chunks as jobs `${prefix}-${index}` (an apply is one job).
 *
 * @param board Where to add them.
 * @param prefix Job id prefix, unique per call.
 * @param job The fields all its chunks share.
 * @param call Gets each chunk's outcome.
 * @param items The items (an apply's arguments).
 * @param size Items per chunk.
 * @param modules Client module URLs by key (for error classes).
 * @example
 * ```ts ignore
 * submitChunks(board, "p1-0", { p: "p1", m: "tasks", f: "square", k: KIND_MAP }, call, [1, 2], 1, modules);
 * ```
 */
export function submitChunks<T>(
  board: JobBoard,
  prefix: string,
  job: Omit<JobData, "a">,
  call: Call<T>,
  items: unknown[],
  size: number,
  modules: ReadonlyMap<string, string>,
): void {
  const add = (index: number, chunk: unknown[], count: number): void =>
    board.add(
      `${prefix}-${index}`,
      { ...job, a: chunk },
      (ok, value) => call.chunk(index, outcome(ok, value, count, modules)),
    );
  if (job.k === KIND_APPLY) return add(0, items, 1);
  for (let index = 0; index < items.length; index += size) {
    const chunk = items.slice(index, index + size);
    add(index, chunk, chunk.length);
  }
}
