/**
 * Chunking strategies for `Pool.map` / `imap` / `starmap`: how many input items travel
 * to a worker as one task. Pure functions; the pool asks a {@linkcode ChunkPlanner} for
 * the next chunk size each time it cuts a chunk (O(1) per chunk).
 *
 * - `"python"`: CPython's `Pool.map` default, `ceil(n / (4 * P))` for every chunk.
 * - `"static"`: one chunk per worker, `ceil(n / P)`.
 * - `"guided"`: guided self-scheduling, `max(ceil(R / P), k)` over the remaining `R`.
 * - `"factoring"`: batches of `P` chunks of `ceil(R / (2 * P))` each.
 * - `"auto"` (the default of `Pool.map`): adaptive. Each chunk holds about `targetChunkMs` of
 *   work at the per-item time measured on finished chunks (a moving average, fed through
 *   {@linkcode ChunkPlanner.observe}), never more than Python's `ceil(n / 4P)`; 1/16 of
 *   Python's size until something was measured (single items when the total is unknown),
 *   unless the pool passes the per-item time its last `map` of the same function measured
 *   (the averages and that memo live in `dispatch_policy.ts`). At the first per-item time
 *   it has, a map whose even split among the workers holds at most `targetChunkMs` of work
 *   per worker is cut that way, one chunk per worker, and no finer.
 *   Like factoring, no chunk takes more than `1/(2P)` of what is left, so the last chunks
 *   shrink (down to a quarter of `targetChunkMs` of work) and the workers finish together.
 *   Fine chunks keep skewed workloads balanced, while the pool's transport batching keeps
 *   their per-message cost low; trivial items get large chunks.
 * - a positive integer: every chunk has that size (the last one may be smaller).
 *
 * @module
 */
import { describe } from "../args.ts";
import { CHUNK_TIME_WEIGHT, evenShare, movingAverage } from "./dispatch_policy.ts";

/** A named chunking strategy. See the module documentation for each. */
export type ChunkStrategy = "python" | "static" | "guided" | "factoring" | "auto";

/** Hands out successive chunk sizes for one `map`/`imap` call. */
export interface ChunkPlanner {
  /** The strategy in use (`"fixed"` for a numeric chunk size). */
  readonly strategy: ChunkStrategy | "fixed";
  /** Items not yet handed out (`Infinity` when the total is unknown). */
  readonly remaining: number;
  /** The next chunk size, at least 1 while items remain, 0 once all are planned. */
  next(): number;
  /**
   * Feedback for adaptive strategies: a chunk of `items` items took `elapsedMs` milliseconds
   * (worker-side compute time when known, else the round trip). Ignored by fixed strategies.
   */
  observe(items: number, elapsedMs: number): void;
  /** `"auto"`: the per-item time it has measured (ms), once it has; undefined elsewhere. */
  readonly perItemMs?: number;
}

/** Tuning of the adaptive and guided strategies. All fields are optional. */
export interface ChunkPlanOptions {
  /** Guided self-scheduling's minimum chunk `k`, and the initial floor of `"auto"`. Default 1. */
  readonly minChunk?: number;
  /**
   * `"auto"` keeps each chunk at least this many milliseconds of work once the per-item
   * time is known, so per-message cost stays small next to the work. Default 1 ms.
   */
  readonly targetChunkMs?: number;
  /**
   * `"auto"`: a per-item time (ms) measured before, e.g. by the previous `map` of the same
   * function in this pool. The first chunks are sized from it instead of probing.
   */
  readonly perItemMs?: number;
}

/** Every named strategy, in the order the benchmark sweeps them. */
export const CHUNK_STRATEGIES: readonly ChunkStrategy[] = Object.freeze([
  "python",
  "static",
  "guided",
  "factoring",
  "auto",
]);

const STRATEGY_LIST = CHUNK_STRATEGIES.map((s) => `"${s}"`).join(", ");
const MAX_CHUNK = 2 ** 30;
/** `"auto"`'s last chunks shrink down to `targetChunkMs / TAIL_DIVISOR` of work. */
const TAIL_DIVISOR = 4;
const PROBE_DIVISOR = 16;

/**
 * Whether `value` names a chunking strategy.
 *
 * @param value Anything.
 * @returns `true` for `"python"`, `"static"`, `"guided"`, `"factoring"` and `"auto"`.
 * @example
 * ```ts
 * import { isChunkStrategy } from "./chunking.ts";
 * console.log(isChunkStrategy("guided"), isChunkStrategy("fast")); // true false
 * ```
 */
export function isChunkStrategy(value: unknown): value is ChunkStrategy {
  return typeof value === "string" && (CHUNK_STRATEGIES as readonly string[]).includes(value);
}

/**
 * CPython's default `Pool.map` chunk size: `divmod(n, 4 * P)`, plus one if there is a
 * remainder; 0 for an empty input.
 *
 * @param total Number of items `n` (a non-negative integer).
 * @param workers Number of workers `P` (a positive integer).
 * @returns `ceil(n / (4 * P))`.
 * @throws {RangeError} When `total` or `workers` is out of range.
 * @example
 * ```ts
 * import { pythonChunksize } from "./chunking.ts";
 * console.log(pythonChunksize(1000, 2)); // 125
 * ```
 */
export function pythonChunksize(total: number, workers: number): number {
  checkTotal(total, false);
  checkWorkers(workers);
  const chunk = Math.floor(total / (workers * 4));
  return total % (workers * 4) === 0 ? chunk : chunk + 1;
}

/**
 * Plans the chunk sizes of one `map`/`imap` call.
 *
 * @param strategy A {@linkcode ChunkStrategy} or a fixed positive integer chunk size.
 * @param total Number of items, or `Infinity` when unknown (a lazy iterable): then `next()`
 *   never returns 0 and the caller stops when its input ends.
 * @param workers Number of workers (a positive integer).
 * @param options Tuning for `"guided"` and `"auto"`.
 * @returns A planner whose `next()` yields chunk sizes summing exactly to `total`.
 * @throws {TypeError} When `strategy` is neither a strategy name nor a number.
 * @throws {RangeError} When a number is out of range.
 * @example
 * ```ts
 * import { planChunks } from "./chunking.ts";
 * const plan = planChunks("factoring", 100, 2);
 * const sizes: number[] = [];
 * for (let n = plan.next(); n > 0; n = plan.next()) sizes.push(n);
 * console.log(sizes.slice(0, 4)); // [25, 25, 13, 13]
 * ```
 */
export function planChunks(
  strategy: ChunkStrategy | number,
  total: number,
  workers: number,
  options: ChunkPlanOptions = {},
): ChunkPlanner {
  checkTotal(total, true);
  checkWorkers(workers);
  const minChunk = positiveInt(options.minChunk ?? 1, "minChunk");
  const targetMs = options.targetChunkMs ?? 1;
  if (!(targetMs > 0) || !Number.isFinite(targetMs)) {
    throw new RangeError(
      `Cannot plan chunks: 'targetChunkMs' must be a positive number, received ${targetMs}`,
    );
  }
  if (typeof strategy === "number") {
    return new FixedPlanner("fixed", total, positiveInt(strategy, "chunksize"));
  }
  if (!isChunkStrategy(strategy)) {
    throw new TypeError(
      `Cannot plan chunks: 'chunksize' must be a positive integer or one of ${STRATEGY_LIST}, ` +
        `received ${describe(strategy)}`,
    );
  }
  const known = Number.isFinite(total);
  switch (strategy) {
    case "python":
      return new FixedPlanner(strategy, total, known ? pythonChunksize(total, workers) : 1);
    case "static":
      return new FixedPlanner(strategy, total, known ? Math.ceil(total / workers) : 1);
    case "guided":
      return new GuidedPlanner(total, workers, minChunk);
    case "factoring":
      return new FactoringPlanner(total, workers, minChunk);
    case "auto":
      return new AutoPlanner(total, workers, minChunk, targetMs, options.perItemMs);
  }
}

/** Same size every time; the last chunk takes what is left. */
class FixedPlanner implements ChunkPlanner {
  readonly strategy: ChunkStrategy | "fixed";
  remaining: number;
  #size: number;
  constructor(strategy: ChunkStrategy | "fixed", total: number, size: number) {
    this.strategy = strategy;
    this.remaining = total;
    this.#size = Math.max(1, size);
  }
  next(): number {
    const n = Math.min(this.#size, this.remaining);
    this.remaining -= n;
    return n;
  }
  observe(): void {}
}

/** Guided self-scheduling: `max(ceil(R / P), k)`. */
class GuidedPlanner implements ChunkPlanner {
  readonly strategy: ChunkStrategy = "guided";
  remaining: number;
  #workers: number;
  #min: number;
  constructor(total: number, workers: number, min: number) {
    this.remaining = total;
    this.#workers = workers;
    this.#min = min;
  }
  next(): number {
    const share = Number.isFinite(this.remaining) ? Math.ceil(this.remaining / this.#workers) : 0;
    const n = Math.min(Math.max(share, this.#min), this.remaining);
    this.remaining -= n;
    return n;
  }
  observe(): void {}
}

/** Factoring: batches of `P` chunks, each `ceil(R / 2P)` of the `R` left at the batch's start. */
class FactoringPlanner implements ChunkPlanner {
  readonly strategy: ChunkStrategy = "factoring";
  remaining: number;
  #workers: number;
  #min: number;
  #batchLeft = 0;
  #batchSize = 0;

  constructor(total: number, workers: number, min: number) {
    this.remaining = total;
    this.#workers = workers;
    this.#min = min;
  }

  next(): number {
    if (this.remaining <= 0) return 0;
    if (this.#batchLeft === 0) {
      this.#batchLeft = this.#workers;
      this.#batchSize = Number.isFinite(this.remaining)
        ? Math.ceil(this.remaining / (2 * this.#workers))
        : this.#min;
    }
    this.#batchLeft--;
    const n = Math.min(Math.max(this.#batchSize, this.#min), this.remaining);
    this.remaining -= n;
    return n;
  }

  observe(): void {}
}

/**
 * `"auto"`: `min(python, max(floor, k))`, where `floor` is `targetChunkMs` of work at the
 * per-item time measured so far, and `k` the minimum chunk.
 */
class AutoPlanner implements ChunkPlanner {
  readonly strategy: ChunkStrategy = "auto";
  remaining: number;
  #min: number;
  #workers: number;
  #cap: number;
  #size: number;
  #targetMs: number;
  #perItem: number | undefined;
  #tailFloor: number;
  /** The even share of a small map (see `evenShare`), decided at the first per-item time. */
  #even: number | undefined;
  #decided = false;

  constructor(
    total: number,
    workers: number,
    min: number,
    targetMs: number,
    perItemMs: number | undefined,
  ) {
    this.remaining = total;
    this.#min = min;
    this.#tailFloor = min;
    this.#workers = workers;
    this.#targetMs = targetMs;
    this.#cap = Number.isFinite(total) ? Math.max(pythonChunksize(total, workers), min) : MAX_CHUNK;
    // Until measured: 1/16 of Python's size (at most 1/64 of a worker's share per chunk).
    this.#size = Number.isFinite(total) ? Math.max(min, Math.ceil(this.#cap / PROBE_DIVISOR)) : min;
    if (perItemMs !== undefined && perItemMs >= 0 && Number.isFinite(perItemMs)) {
      this.#perItem = perItemMs;
      this.#resize();
      this.#decide();
    }
  }

  /** Once, at the first per-item time: is the map small enough to split evenly? */
  #decide(): void {
    this.#decided = true;
    this.#even = evenShare(this.remaining, this.#perItem!, this.#workers, this.#targetMs);
  }

  get perItemMs(): number | undefined {
    return this.#perItem;
  }

  next(): number {
    if (this.#even !== undefined) {
      const n = Math.min(this.#even, this.remaining);
      this.remaining -= n;
      return n;
    }
    // Factoring's tail: never more than 1/(2P) of what is left, so the last
    // chunks shrink and the workers finish together.
    // Down to a quarter of the target work, where per-chunk cost would start to show.
    const tail = Number.isFinite(this.remaining)
      ? Math.max(this.#tailFloor, Math.ceil(this.remaining / (2 * this.#workers)))
      : this.#size;
    const n = Math.min(this.#size, tail, this.remaining);
    this.remaining -= n;
    return n;
  }

  observe(items: number, elapsedMs: number): void {
    if (!(items > 0) || !(elapsedMs >= 0)) return;
    this.#perItem = movingAverage(this.#perItem, elapsedMs / items, CHUNK_TIME_WEIGHT);
    this.#resize();
    if (!this.#decided) this.#decide();
  }

  /** Chunk size and tail floor from the per-item time. */
  #resize(): void {
    const perItem = this.#perItem!;
    const floor = perItem > 0 ? Math.ceil(this.#targetMs / perItem) : MAX_CHUNK;
    this.#size = Math.min(this.#cap, Math.max(this.#min, floor));
    this.#tailFloor = Math.min(this.#size, Math.max(this.#min, Math.ceil(floor / TAIL_DIVISOR)));
  }
}

function checkTotal(total: number, allowInfinity: boolean): void {
  const ok = (Number.isInteger(total) && total >= 0) || (allowInfinity && total === Infinity);
  if (!ok) {
    throw new RangeError(
      `Cannot plan chunks: 'total' must be a non-negative integer${
        allowInfinity ? " or Infinity" : ""
      }, received ${describe(total)}`,
    );
  }
}

function checkWorkers(workers: number): void {
  positiveInt(workers, "workers");
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot plan chunks: '${name}' must be a positive integer, received ${describe(value)}`,
    );
  }
  return value;
}
