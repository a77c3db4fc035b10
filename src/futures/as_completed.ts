/**
 * `asCompleted()`: the futures of a group in the order they finish (Python's
 * `concurrent.futures.as_completed`).
 *
 * @module
 */
import { checkTimeout, deadlineAfter, remainingMs } from "../args.ts";
import { TimeoutError } from "../errors.ts";
import { type Future, futureInternals } from "./future.ts";
import { futureSet } from "./wait.ts";

/**
 * Yields the futures of `fs` as they finish or are cancelled (those already
 * done first), each once (Python's `concurrent.futures.as_completed`). The
 * iterator yields the futures themselves. As a future is a thenable,
 * TypeScript types a `for await` variable over them as the future's value:
 * `await f` gives the value; cast (`f as unknown as Future<T>`) to use the
 * future's methods.
 *
 * @param fs The futures (duplicates count once).
 * @param timeout Milliseconds from this call after which a `next()` that
 *   would wait rejects with `TimeoutError` (`null`/`undefined`: no limit).
 * @returns An async iterator of futures.
 * @throws {TypeError} For an `fs` that is not an iterable of futures, or a bad `timeout`.
 * @example
 * ```ts
 * import { asCompleted, Future } from "../../mod.ts";
 * const slow = new Future<string>();
 * const fast = new Future<string>();
 * setTimeout(() => slow.setResult("slow"), 20);
 * setTimeout(() => fast.setResult("fast"), 5);
 * // A future is a thenable, so TypeScript types `f` as its value; it is the future itself.
 * for await (const f of asCompleted([slow, fast])) console.log(await f); // fast, slow
 * ```
 */
export function asCompleted<T>(
  fs: Iterable<Future<T>>,
  timeout?: number | null,
): AsyncIterableIterator<Future<T>> {
  const all = futureSet("iterate futures as completed", fs);
  const ms = checkTimeout("iterate futures as completed", timeout);
  return new AsCompleted(all, deadlineAfter(ms));
}

class AsCompleted<T> implements AsyncIterableIterator<Future<T>> {
  readonly #total: number;
  readonly #deadline: number;
  readonly #ready: Future<T>[] = [];
  readonly #pending = new Map<Future<T>, () => void>();
  #wake: (() => void) | undefined;
  #changed: Promise<void> | undefined;
  #ended = false;

  constructor(all: Set<Future<T>>, deadline: number) {
    this.#total = all.size;
    this.#deadline = deadline;
    const { onDone } = futureInternals();
    for (const f of all) {
      if (f.done()) {
        this.#ready.push(f);
        continue;
      }
      this.#pending.set(f, onDone(f as Future<unknown>, () => this.#arrived(f)));
    }
  }

  #arrived(f: Future<T>): void {
    if (!this.#pending.delete(f)) return;
    this.#ready.push(f);
    const wake = this.#wake;
    this.#wake = this.#changed = undefined;
    wake?.();
  }

  async next(): Promise<IteratorResult<Future<T>>> {
    for (;;) {
      const f = this.#ready.shift();
      if (f !== undefined) return { value: f, done: false };
      if (this.#ended || this.#pending.size === 0) return this.#end();
      const ms = remainingMs(this.#deadline);
      if (ms === 0 || !(await this.#change(ms))) {
        if (this.#ready.length > 0) continue;
        const unfinished = this.#pending.size;
        this.#end();
        throw new TimeoutError(`${unfinished} (of ${this.#total}) futures unfinished`);
      }
    }
  }

  /** Resolves true at the next arrival, false after `ms`. */
  #change(ms: number): Promise<boolean> {
    const changed = this.#changed ??= new Promise<void>((resolve) => (this.#wake = resolve));
    if (ms === Infinity) return changed.then(() => true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void changed.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #end(): IteratorResult<Future<T>> {
    this.#ended = true;
    for (const forget of this.#pending.values()) forget();
    this.#pending.clear();
    this.#ready.length = 0;
    return { value: undefined, done: true };
  }

  return(): Promise<IteratorResult<Future<T>>> {
    return Promise.resolve(this.#end());
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Future<T>> {
    return this;
  }
}
