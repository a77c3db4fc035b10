#!/usr/bin/env node
/**
 * npm tarball smoke test (offline).
 *
 * Packs the package with `npm pack` (its `prepack` builds dist/), installs the tarball into a
 * temporary project, type-checks a TypeScript consumer (which uses `await using`) against the
 * shipped declarations in two configurations a user may have: `--target es2022` with the default
 * libs and no `@types/node`, and `lib: ["es2022"]` with `@types/node` but no DOM, then
 * runs a `Pool.map` in both contexts ("thread" and "process") from the installed package under
 * plain Node (no tsx), Bun and Deno
 * (Deno resolves the bare specifier through the project's package.json and node_modules).
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, ROOT, run, systemNode } from "./_util.mjs";

const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "seed-mp-smoke-"));
const project = join(work, "project");
/** @type {string[]} */
const report = [];
let failed = false;

try {
  await step("npm pack", "npm", ["pack", "--pack-destination", work], ROOT);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack produced no tarball");
  report.push(`packed ${tarball}`);

  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "smoke-consumer", private: true, type: "module" }, null, 2),
  );
  await step("npm install <tarball>", "npm", [
    "install",
    "--offline",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    join(work, tarball),
  ], project);

  writeFileSync(join(project, "smoke.mjs"), smokeProgram());
  writeFileSync(join(project, "consumer.ts"), tsConsumer());
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsConfig(), null, 2));
  writeFileSync(join(project, "tsconfig.node.json"), JSON.stringify(tsConfigNode(), null, 2));

  await step("types: tsc --noEmit (target ES2022, default libs, no @types/node)", systemNode(), [
    bin("tsc"),
    "-p",
    "tsconfig.json",
  ], project);
  await step("types: tsc --noEmit (lib ES2022 + @types/node, no DOM)", systemNode(), [
    bin("tsc"),
    "-p",
    "tsconfig.node.json",
  ], project);
  await step("node (plain, no loader)", systemNode(), ["smoke.mjs"], project, /smoke ok/);
  await step("bun", bin("bun"), ["smoke.mjs"], project, /smoke ok/);
  await step("deno (node_modules)", bin("deno"), ["run", "-A", "smoke.mjs"], project, /smoke ok/);
} catch (error) {
  failed = true;
  report.push(`FAIL  ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else report.push(`kept ${work}`);
}

console.log("\ntarball smoke test:");
for (const line of report) console.log(`  ${line}`);
process.exitCode = failed ? 1 : 0;

/**
 * Runs one step; records its result line (and the program's `smoke ok` line when expected).
 *
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {RegExp} [expect] a line the output must contain
 */
async function step(name, command, args, cwd, expect) {
  console.log(`\n--- ${name} ---`);
  // A Pool run that hangs is a failure; two minutes is plenty even on a slow, shared CI box.
  const timeoutMs = expect ? 2 * 60_000 : 5 * 60_000;
  const result = await run(command, args, { cwd, timeoutMs });
  const line = expect ? result.output.split("\n").find((l) => expect.test(l)) : undefined;
  if (result.code !== 0 || (expect && !line)) {
    failed = true;
    report.push(`FAIL  ${name} (exit ${result.code})`);
    throw new Error(`${name} failed`);
  }
  report.push(`PASS  ${name}${line ? `: ${line.trim()}` : ""}`);
}

/** Runs on Node, Bun and Deno from the installed package; exits on its own after join(). */
function smokeProgram() {
  return `import { Pool } from "@seed/multiprocessing";

const g = globalThis;
const runtime = g.Bun ? "bun " + g.Bun.version
  : g.Deno ? "deno " + g.Deno.version.deno
  : "node " + g.process.version;
const resolved = import.meta.resolve("@seed/multiprocessing");
if (!/node_modules\\/@seed\\/multiprocessing\\/dist\\/mod\\.js$/.test(resolved)) {
  throw new Error("resolved the package to " + resolved + ", not the installed dist/mod.js");
}
const expected = JSON.stringify([1, 4, 9, 16, 25, 36, 49, 64]);
const lines = [];
for (const context of ["thread", "process"]) {
  const pool = new Pool({ processes: 2, context });
  const squares = await pool.map((x) => x * x, [1, 2, 3, 4, 5, 6, 7, 8]);
  pool.close();
  await pool.join();
  if (JSON.stringify(squares) !== expected) {
    throw new Error(context + ": pool.map returned " + JSON.stringify(squares) + ", expected " + expected);
  }
  lines.push(context + " " + JSON.stringify(squares));
}
console.log("smoke ok on " + runtime + ": pool.map(x => x * x, [1..8]) = " + lines.join(", ")
  + " from node_modules/@seed/multiprocessing/dist/mod.js");
`;
}

/** A strict TypeScript consumer of the published declarations, with `await using`. */
function tsConsumer() {
  return `import { Lock, Pool } from "@seed/multiprocessing";

export async function squares(values: number[]): Promise<number[]> {
  await using pool = new Pool(2);
  const lock = new Lock();
  await lock.acquire();
  {
    using _held = lock;
  }
  return await pool.map((x: number) => x * x, values);
}
`;
}

/**
 * The configuration of the issue that made the declarations self-sufficient: `--target es2022`,
 * its default libs (no `esnext.disposable`) and no `@types/node`. The shipped `dist/mod.d.ts`
 * references the `esnext.disposable` lib itself.
 */
function tsConfig() {
  return {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      typeRoots: [],
    },
    files: ["consumer.ts"],
  };
}

/** A Node consumer without the DOM lib: `@types/node` (this repository's copy) supplies `URL`. */
function tsConfigNode() {
  return {
    compilerOptions: {
      ...tsConfig().compilerOptions,
      lib: ["ES2022"],
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules/@types")],
    },
    files: ["consumer.ts"],
  };
}
