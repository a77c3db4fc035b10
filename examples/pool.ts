/**
 * Port of the Python documentation's Pool program:
 *
 * ```python
 * from multiprocessing import Pool, TimeoutError
 * import time
 *
 * def f(x):
 *     return x*x
 *
 * if __name__ == '__main__':
 *     pool = Pool(processes=4)              # start 4 worker processes
 *     result = pool.apply_async(f, (10,))   # evaluate "f(10)" asynchronously
 *     print(result.get(timeout=1))          # prints "100"
 *     print(pool.map(f, range(10)))         # prints "[0, 1, 4,..., 81]"
 *     it = pool.imap(f, range(10))
 *     print(next(it))                       # prints "0"
 *     print(next(it))                       # prints "1"
 *     print(it.next(timeout=1))             # prints "4"
 *     result = pool.apply_async(time.sleep, (10,))
 *     print(result.get(timeout=1))          # raises multiprocessing.TimeoutError
 * ```
 *
 * Run: `deno run -A examples/pool.ts`, `bun examples/pool.ts`,
 * `node examples/pool.ts` (Node 24) or `node --import tsx examples/pool.ts` (Node 20).
 * Pass `process` as the first argument to use child processes instead of threads.
 *
 * @module
 */
import { type Context, Pool, TimeoutError } from "../mod.ts";

const args = (globalThis as { process?: { argv: string[] } }).process?.argv ?? [];
const context: Context = args.includes("process") ? "process" : "thread";

/** Python's f. */
function f(x: number): number {
  return x * x;
}

/** Python's time.sleep: blocks the worker for `seconds`. */
function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const show = (values: number[]): string => `[${values.join(", ")}]`;

const pool = new Pool({ processes: 4, context }); // start 4 workers

const result = pool.applyAsync(f, [10]); // evaluate "f(10)" asynchronously
console.log(await result.get(1000)); // prints "100"

console.log(show(await pool.map(f, range(10)))); // prints "[0, 1, 4,..., 81]"

const it = pool.imap(f, range(10));
console.log((await it.next()).value); // prints "0"
console.log((await it.next()).value); // prints "1"
console.log((await it.next(1000)).value); // prints "4"

const slow = pool.applyAsync(sleep, [10]);
try {
  console.log(await slow.get(1000)); // raises TimeoutError
} catch (error) {
  if (!(error instanceof TimeoutError)) throw error;
  console.error(`multiprocessing.TimeoutError (${error.message})`);
}
await pool.terminate();
