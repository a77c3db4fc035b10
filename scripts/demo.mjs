#!/usr/bin/env node
/**
 * `npm run demo`: runs the example programs under Deno, Bun, Node 20 (tsx) and Node 24.
 *
 * Usage:
 *   node scripts/demo.mjs                         every example below that exists
 *   node scripts/demo.mjs examples/pool.ts        just this one
 *   RUNTIMES=deno,node24 node scripts/demo.mjs    only these runtimes
 *
 * Exits non-zero when any run fails.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bin, ROOT, run, seconds, systemNode } from "./_util.mjs";

/** The seed's programs, ported; each is run when present. */
const EXAMPLES = [
  "examples/pool.ts",
  "examples/lock.ts",
  "examples/progress.ts",
  "examples/futures_primes.ts",
  "examples/futures_as_completed.ts",
];
const RUNTIMES = ["deno", "bun", "node20", "node24"];

const requested = process.argv.slice(2);
const examples = requested.length > 0
  ? requested
  : EXAMPLES.filter((e) => existsSync(join(ROOT, e)));
const runtimes = (process.env.RUNTIMES ?? RUNTIMES.join(",")).split(",").filter((r) => r !== "");
if (examples.length === 0) {
  console.error(`No examples found (looked for ${EXAMPLES.join(", ")})`);
  process.exit(1);
}

/** @type {Record<string, (file: string) => [string, string[]]>} */
const commands = {
  deno: (file) => [bin("deno"), ["run", "-A", file]],
  bun: (file) => [bin("bun"), [file]],
  node20: (file) => [systemNode(), ["--import", "tsx", file]],
  node24: (file) => [bin("node"), [file]],
};

/** @type {string[]} */
const lines = [];
let failures = 0;
/** @type {Map<string, Map<string, string>>} example -> runtime -> output */
const outputs = new Map();
for (const example of examples) {
  for (const runtime of runtimes) {
    const command = commands[runtime];
    if (!command) {
      console.error(`unknown runtime ${runtime} (known: ${RUNTIMES.join(", ")})`);
      process.exit(2);
    }
    const [exe, args] = command(example);
    console.log(`\n━━━ ${example} on ${runtime} ━━━`);
    const result = await run(exe, args, { timeoutMs: 5 * 60_000 });
    const ok = result.code === 0;
    if (!ok) failures++;
    if (!outputs.has(example)) outputs.set(example, new Map());
    outputs.get(example)?.set(runtime, result.output.trim());
    lines.push(`${ok ? "PASS" : "FAIL"}  ${example} on ${runtime}  [${seconds(result.ms)}]`);
  }
}
console.log("\n━━━ demo summary ━━━");
for (const line of lines) console.log(line);
for (const [example, byRuntime] of outputs) {
  const distinct = new Set(byRuntime.values()).size;
  console.log(
    distinct === 1
      ? `same output on ${[...byRuntime.keys()].join(", ")}: ${example}`
      : `note: ${example} printed ${distinct} different outputs across runtimes`,
  );
}
process.exitCode = failures === 0 ? 0 : 1;
