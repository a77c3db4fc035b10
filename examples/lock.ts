/**
 * Port of the Python documentation's first `Lock` program: ten processes
 * share one lock so that only one prints at a time.
 *
 * ```python
 * from multiprocessing import Process, Lock
 *
 * def f(l, i):
 *     l.acquire()
 *     try:
 *         print('hello world', i)
 *     finally:
 *         l.release()
 *
 * if __name__ == '__main__':
 *     lock = Lock()
 *
 *     for num in range(10):
 *         Process(target=f, args=(lock, num)).start()
 * ```
 *
 * It runs once with threads and once with child processes (pass `thread` or
 * `process` to run only one). The order of the lines varies from run to run,
 * as in Python.
 *
 * Run: `deno run -A examples/lock.ts`, `bun examples/lock.ts`,
 * `node examples/lock.ts` (Node 24) or `node --import tsx examples/lock.ts` (Node 20).
 *
 * @module
 */
import { type Context, Lock, Process } from "../mod.ts";

const args = (globalThis as { process?: { argv: string[] } }).process?.argv ?? [];
const only = (["thread", "process"] as const).filter((c) => args.includes(c));
const contexts: readonly Context[] = only.length > 0 ? only : ["thread", "process"];

/** Python's f: print while holding the lock. */
async function f(l: Lock, i: number): Promise<void> {
  await l.acquire();
  try {
    console.log("hello world", i);
  } finally {
    l.release();
  }
}

for (const context of contexts) {
  console.log(`--- ${context} context ---`);
  const lock = new Lock();
  const processes: Process[] = [];
  for (let num = 0; num < 10; num++) {
    const p = new Process({ target: f, args: [lock, num], context });
    p.start();
    processes.push(p);
  }
  // Python joins non-daemon processes at exit; here we wait explicitly.
  for (const p of processes) await p.join();
}
