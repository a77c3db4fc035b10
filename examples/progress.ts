/**
 * A progress bar for a long `map`, drawn with the `onProgress` option.
 *
 * Each item counts the primes below a bound (a few milliseconds of work); the
 * bar is redrawn in place on a terminal. When the output is not a terminal
 * (a log, `npm run demo`) only the finished bar is printed, so the output is
 * the same on every run.
 *
 * Run: `deno run -A examples/progress.ts`, `bun examples/progress.ts`,
 * `node examples/progress.ts` (Node 24) or `node --import tsx examples/progress.ts` (Node 20).
 * Pass `process` as the first argument to use child processes instead of threads.
 *
 * @module
 */
import process from "node:process";
import { type Context, Pool, type Progress } from "../mod.ts";

const context: Context = process.argv.includes("process") ? "process" : "thread";
const WIDTH = 30;

/** Self-contained (it is sent by source text): the number of primes below `n`. */
function countPrimes(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** `[##########--------------------]  12/40  30%` */
function bar({ done, total }: Progress): string {
  const fraction = total ? done / total : 0;
  const filled = Math.round(fraction * WIDTH);
  const percent = String(Math.floor(fraction * 100)).padStart(3);
  const counts = `${String(done).padStart(String(total ?? done).length)}/${total ?? "?"}`;
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${counts} ${percent}%`;
}

const tty = process.stdout.isTTY === true;
const bounds = Array.from({ length: 40 }, (_, i) => 20_000 + 1_000 * i);
const pool = new Pool({ processes: 4, context });
let last: Progress | undefined;
const counts = await pool.map(countPrimes, bounds, {
  chunksize: 1,
  onProgress: (progress) => {
    last = progress;
    if (tty) process.stdout.write(`\r${bar(progress)}`);
  },
});
process.stdout.write(tty ? "\n" : `${bar(last!)}\n`);
console.log(`primes below ${bounds[0]}: ${counts[0]}; below ${bounds.at(-1)}: ${counts.at(-1)}`);
pool.close();
await pool.join();
