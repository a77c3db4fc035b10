/**
 * Beyond one machine: the same `map` over worker hosts that BullMQ feeds from
 * Redis. This file is both the task module (its exports run on the hosts) and
 * the client (the guarded program at the bottom).
 *
 * 1. Start Redis: `redis-server --port 6379 --requirepass secret`
 * 2. Start worker hosts, on this machine or others (each serves this module):
 *    `npx @seed/multiprocessing worker --redis redis://:secret@127.0.0.1:6379 --queue mp
 *    --module examples/cluster.ts --processes 2` (from a checkout:
 *    `node src/cluster/bin.ts worker ...`, `bun src/cluster/bin.ts worker ...` or
 *    `deno run -A src/cluster/bin.ts worker ...`).
 * 3. Run the client: `node examples/cluster.ts redis://:secret@127.0.0.1:6379` (also
 *    `bun examples/cluster.ts ...`, `deno run -A examples/cluster.ts ...`, and
 *    `node --import tsx examples/cluster.ts ...` on Node 20).
 *
 * @module
 */
import { isMainProcess } from "../mod.ts";
import { ClusterPool, isClusterHost } from "../cluster.ts";

/** Steps of the Collatz sequence from `n` down to 1 (a small CPU-bound task). */
export function collatzSteps(n: number): number {
  let steps = 0;
  for (let x = n; x !== 1; steps++) x = x % 2 === 0 ? x / 2 : 3 * x + 1;
  return steps;
}

/** A task error: it reaches the client with its name, message and the host's stack as its cause. */
export class NotPositive extends Error {
  override name = "NotPositive";
}

/** Like `collatzSteps`, refusing numbers below 1. */
export function checkedSteps(n: number): number {
  if (n < 1) throw new NotPositive(`${n} is not a positive integer`);
  return collatzSteps(n);
}

// The hosts import this module too (to run its exports): the client runs only here.
if (isMainProcess() && !isClusterHost()) {
  const argv = (globalThis as { process?: { argv: string[] } }).process?.argv ?? [];
  const redis = argv.find((a) => a.startsWith("redis://") || a.startsWith("rediss://")) ??
    "redis://127.0.0.1:6379";
  await using pool = new ClusterPool({ cluster: { redis, queue: "mp" }, module: import.meta.url });
  const numbers = Array.from({ length: 100_000 }, (_, i) => i + 1);
  const started = performance.now();
  const steps = await pool.map(collatzSteps, numbers);
  const longest = steps.indexOf(Math.max(...steps)) + 1;
  console.log(
    `longest Collatz chain below ${numbers.length + 1} starts at ${longest} ` +
      `(${steps[longest - 1]} steps), ${(performance.now() - started).toFixed(0)} ms`,
  );
  for await (const s of pool.imap(collatzSteps, [27, 97, 871], 1)) console.log("steps:", s);
  try {
    await pool.apply(checkedSteps, [0]);
  } catch (error) {
    // Its class is revived when the client imports the module separately; here the module is
    // the running program, so the error keeps the name, message and remote stack.
    console.log("error from a host:", (error as Error).name, (error as Error).message);
  }
}
