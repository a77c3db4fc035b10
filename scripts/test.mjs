#!/usr/bin/env node
/**
 * The project's test runner (`npm test`).
 *
 * Runs, in order and one at a time (CI has 2 cores and the tests spawn workers):
 *
 * 1. static checks: `tsc --noEmit`, `deno check --doc` (library, JSDoc examples, tests,
 *    examples, benchmarks), `deno lint`, `deno fmt --check`;
 * 2. packaging checks (all offline): manifests agree, `deno publish --dry-run`,
 *    `deno doc --lint`, `deno test --doc`, build, `publint`, `attw`, tarball smoke test, and
 *    `tests/bundle/` once (it builds apps with `bun build`, `bun build --compile`,
 *    `deno bundle` and esbuild and runs them: each build is specific to its tool, not to the
 *    runtime running the test);
 * 3. the same `tests/` (less `tests/bundle/`) on Deno, Bun, Node 20 (through tsx) and Node 24
 *    (type stripping).
 *
 * Then it prints one summary line per step and runtime and, last, replays the closing lines
 * of a Node test run (`ℹ tests … ℹ pass … ℹ fail …`), so Node's runner ends the output.
 * Exits non-zero when any step failed.
 *
 * Usage:
 *   node scripts/test.mjs                       everything
 *   node scripts/test.mjs tests/pool            only these tests (files or folders), no checks
 *   node scripts/test.mjs --only=static         static checks only (`npm run check`)
 *   node scripts/test.mjs --only=packaging      packaging checks only
 *   RUNTIMES=deno,bun node scripts/test.mjs     only these runtimes (also --runtimes=deno,bun)
 *   node scripts/test.mjs --skip=packaging      leave out a phase (static, packaging, tests)
 *
 * Runtimes: deno, bun, node20 (the system Node, with `--import tsx`), node24
 * (node_modules/.bin/node).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { bin, findTestFiles, ROOT, run, seconds, systemNode } from "./_util.mjs";

const ALL_RUNTIMES = ["deno", "bun", "node20", "node24"];
const ALL_PHASES = ["static", "packaging", "tests"];
/** Per-test timeout handed to bun (ms); generous because CI is slow. */
const TEST_TIMEOUT_MS = 120_000;
/**
 * `node --test-timeout` (ms). Node applies it to each test *and* to each test file as a
 * whole, so it must cover a whole file's tests on a slow, shared machine (a file of
 * process-context tests under tsx has taken over 2 minutes).
 */
const NODE_TEST_TIMEOUT_MS = 300_000;
/** Wall-clock limit for one runtime's whole test run (ms). */
const RUNTIME_TIMEOUT_MS = 10 * 60_000;
/** Wall-clock limit for one check (ms). */
const CHECK_TIMEOUT_MS = 10 * 60_000;

/** What `deno check` covers (those that exist). */
const DENO_CHECKED = ["mod.ts", "src/", "tests/", "examples/", "bench/", "README.md"];
/** Tests that run once, in the packaging phase, rather than on every runtime. */
const ONCE_TESTS = "tests/bundle";
/** Tests that need a `redis-server` on the PATH (they start their own). */
const CLUSTER_TESTS = "tests/cluster/";

const options = parseArgs(process.argv.slice(2));
const node20 = systemNode();
const node24 = bin("node");
const deno = bin("deno");
/** @type {{ name: string, ok: boolean, detail: string, ms: number, skipped?: boolean }[]} */
const summary = [];
if (!existsSync(node24) || !existsSync(deno)) {
  console.error("scripts/test.mjs: node_modules/.bin is incomplete: run `npm ci` first");
  process.exit(2);
}
/** @type {{ runtime: string, ok: boolean, output: string }[]} */
const nodeRuns = [];

if (options.phases.has("static")) await staticChecks();
if (options.phases.has("packaging")) await packagingChecks();
if (options.phases.has("tests")) await runtimeTests();
finish();

/**
 * @param {string[]} argv
 * @returns {{ phases: Set<string>, runtimes: string[], paths: string[] }}
 */
function parseArgs(argv) {
  /** @type {string[]} */
  const paths = [];
  let runtimes = process.env.RUNTIMES ? process.env.RUNTIMES.split(",") : [...ALL_RUNTIMES];
  /** @type {string[] | undefined} */
  let only;
  /** @type {string[]} */
  const skip = [];
  for (const arg of argv) {
    if (arg.startsWith("--runtimes=")) runtimes = arg.slice("--runtimes=".length).split(",");
    else if (arg.startsWith("--only=")) only = arg.slice("--only=".length).split(",");
    else if (arg.startsWith("--skip=")) skip.push(...arg.slice("--skip=".length).split(","));
    else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else paths.push(arg);
  }
  runtimes = runtimes.map((r) => r.trim()).filter((r) => r !== "");
  for (const r of runtimes) if (!ALL_RUNTIMES.includes(r)) usage(`unknown runtime ${r}`);
  for (const p of [...(only ?? []), ...skip]) {
    if (!ALL_PHASES.includes(p)) usage(`unknown phase ${p}`);
  }
  // A list of test paths means "just run these tests"; checks only when asked for.
  const phases = new Set(only ?? (paths.length > 0 ? ["tests"] : ALL_PHASES));
  for (const p of skip) phases.delete(p);
  return { phases, runtimes, paths };
}

/** @param {string} message @returns {never} */
function usage(message) {
  console.error(`scripts/test.mjs: ${message}`);
  console.error(
    "usage: node scripts/test.mjs [--only=static,packaging,tests] [--skip=...] " +
      "[--runtimes=deno,bun,node20,node24] [test files or folders...]",
  );
  process.exit(2);
}

/**
 * Runs one check and records it in the summary.
 *
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ hide?: RegExp, describe?: (output: string) => string }} [extra] `hide`: output
 *   lines to leave out of the log (noise such as deno doc's warnings about @types/node
 *   internals); `describe`: a short account of the output for the summary line
 */
async function check(name, command, args, extra = {}) {
  banner(name);
  const { hide, describe } = extra;
  const result = await run(command, args, { timeoutMs: CHECK_TIMEOUT_MS, quiet: !!hide });
  if (hide) {
    const lines = result.output.replace(/\s+$/, "").split("\n");
    const shown = lines.filter((line) => !hide.test(line));
    if (shown.length > 0) console.log(shown.join("\n"));
    if (shown.length < lines.length) {
      console.log(`(${lines.length - shown.length} lines hidden: ${hide})`);
    }
  }
  const ok = result.code === 0;
  const status = ok ? "ok" : `exit ${result.code}`;
  const detail = describe ? `${status}, ${describe(result.output)}` : status;
  summary.push({ name, ok, detail, ms: result.ms });
  return ok;
}

async function staticChecks() {
  await check("tsc --noEmit", node24, [bin("tsc"), "--noEmit", "-p", "tsconfig.json"]);
  // Type-checks the library, its JSDoc examples, the tests, examples and benchmarks under Deno
  // once, so the Deno runs below can use --no-check (under `deno test`'s type-check mode every
  // worker a pool starts type-checks the worker entry again: seconds per worker on 2 cores).
  await check("deno check --doc", deno, ["check", "--doc", ...existing(DENO_CHECKED)]);
  await check("deno lint", deno, ["lint"]);
  await check("deno fmt --check", deno, ["fmt", "--check"]);
}

async function packagingChecks() {
  await check("manifests agree", node20, ["scripts/check_manifests.mjs"]);
  const fileList = { hide: /^\s+file:\/\/\//, describe: publishedFiles };
  await check("deno publish --dry-run", deno, ["publish", "--dry-run", "--allow-dirty"], fileList);
  await check("deno publish --dry-run (jsr.json)", deno, [
    "publish",
    "--dry-run",
    "--allow-dirty",
    "--config",
    "jsr.json",
  ], fileList);
  await check("deno doc --lint", deno, ["doc", "--lint", "mod.ts"], {
    describe: docLintErrors,
    hide:
      /Failed resolving types\. .* from referrer '.*\/node_modules\/@types\/node\/|^\s+at .*\/node_modules\/@types\/node\//,
  });
  // --no-check: `deno check --doc` above already type-checks these examples; with checking on,
  // every pool worker an example starts type-checks the worker entry again, and on a cold cache
  // (a fresh clone) the mod.ts example once waited forever on that.
  await check("deno test --doc", deno, [
    "test",
    "--doc",
    "--no-check",
    "-A",
    "--permit-no-files",
    "mod.ts",
    "src/",
    "README.md",
  ]);
  await check("build (tsc -p tsconfig.build.json)", node20, ["scripts/build.mjs"]);
  await check("publint", node20, [bin("publint"), "--strict"]);
  await check("attw --pack", node20, [
    bin("attw"),
    "--pack",
    ".",
    "--profile",
    "esm-only",
    "--no-color",
  ]);
  await check("tarball smoke test", node20, ["scripts/smoke_tarball.mjs"]);
  await check(`bundles and compiled binaries (${ONCE_TESTS})`, node20, [
    "--import",
    "tsx",
    ...nodeTestArgs(),
    ...findTestFiles([ONCE_TESTS]),
  ]);
}

async function runtimeTests() {
  const files = findTestFiles(options.paths).filter((file) =>
    options.paths.length > 0 || !file.startsWith(`${ONCE_TESTS}/`)
  );
  if (files.length === 0) {
    summary.push({ name: "tests", ok: false, detail: "no test files found", ms: 0 });
    return;
  }
  clusterPrerequisite(files);
  /** @type {Record<string, () => [string, string[]]>} */
  const commands = {
    deno: () => [deno, ["test", "-A", "--no-check", ...files]],
    bun: () => [bin("bun"), ["test", "--timeout", String(TEST_TIMEOUT_MS), ...files.map(dot)]],
    node20: () => [node20, ["--import", "tsx", ...nodeTestArgs(), ...files]],
    node24: () => [node24, [...nodeTestArgs(), ...files]],
  };
  for (const runtime of options.runtimes) {
    const [command, args] = commands[runtime]();
    banner(`${runtime}: ${files.length} test file(s)`);
    const result = await run(command, args, { timeoutMs: RUNTIME_TIMEOUT_MS });
    const counts = parseCounts(runtime, result.output);
    const ok = result.code === 0 && counts.failed === 0 && counts.passed > 0;
    const detail = `${counts.text}${result.timedOut ? ", timed out" : ""}` +
      (result.code !== 0 ? ` (exit ${result.code})` : "");
    const name = `tests on ${runtime} ${version(command)}`;
    summary.push({ name, ok, detail, ms: result.ms });
    if (runtime.startsWith("node")) nodeRuns.push({ runtime, ok, output: result.output });
  }
}

/**
 * The cluster tests start their own `redis-server`. Without one they skip themselves; the
 * summary says so and how to install it, and with `CI=true` that is a failure (CI must run
 * them: `.ci/run` installs it).
 *
 * @param {string[]} files the test files about to run
 */
function clusterPrerequisite(files) {
  if (!files.some((file) => file.startsWith(CLUSTER_TESTS))) return;
  let found = false;
  try {
    found = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  } catch {
    found = false;
  }
  if (found) return;
  const ci = process.env.CI === "true";
  summary.push({
    name: `cluster tests (${CLUSTER_TESTS})`,
    ok: !ci,
    skipped: !ci,
    detail: "did NOT run: redis-server is not installed (Debian/Ubuntu: apt-get install " +
      "redis-server; macOS: brew install redis)" + (ci ? "; CI=true requires them" : ""),
    ms: 0,
  });
}

/**
 * The version a runtime binary reports, e.g. `v20.20.2`, `1.4.5`, `2.9.6`.
 *
 * @param {string} command
 * @returns {string}
 */
function version(command) {
  try {
    const text = execFileSync(command, ["--version"], { encoding: "utf8" });
    return (text.match(/v?\d+\.\d+\.\d+/) ?? ["?"])[0];
  } catch {
    return "?";
  }
}

/** "N files" from `deno publish --dry-run`'s file list. */
function publishedFiles(/** @type {string} */ output) {
  return `${output.split("\n").filter((line) => /^\s+file:\/\/\//.test(line)).length} files`;
}

/** "N errors (k missing-jsdoc, ...)" from `deno doc --lint`. */
function docLintErrors(/** @type {string} */ output) {
  /** @type {Map<string, number>} */
  const kinds = new Map();
  for (const [, kind] of output.matchAll(/^error\[([a-z-]+)\]/gm)) {
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const parts = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(", ");
  return total === 0 ? "0 errors" : `${total} errors (${parts})`;
}

/** The paths among `paths` that exist in the repository. */
function existing(/** @type {string[]} */ paths) {
  return paths.filter((path) => existsSync(join(ROOT, path)));
}

/** Arguments for `node --test`, identical on Node 20 and Node 24. */
function nodeTestArgs() {
  return ["--test", "--test-reporter=spec", `--test-timeout=${NODE_TEST_TIMEOUT_MS}`];
}

/** Bun treats a bare path as a name filter; it needs `./` to read it as a file. */
function dot(/** @type {string} */ file) {
  return file.startsWith(".") || file.startsWith("/") ? file : `./${file}`;
}

/**
 * Reads passed/failed counts from a runner's closing lines.
 *
 * @param {string} runtime
 * @param {string} output
 * @returns {{ passed: number, failed: number, text: string }}
 */
function parseCounts(runtime, output) {
  const last = (/** @type {RegExp} */ re) => {
    const all = [...output.matchAll(re)];
    return all.length > 0 ? all[all.length - 1] : undefined;
  };
  if (runtime === "deno") {
    const m = last(
      /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/g,
    );
    if (!m) return { passed: 0, failed: 1, text: "no deno summary found" };
    const steps = m[2] ? ` (${m[2]} steps)` : "";
    const failedSteps = m[4] ? ` (${m[4]} steps)` : "";
    return {
      passed: Number(m[1]),
      failed: Number(m[3]) + Number(m[4] ?? 0),
      text: `${m[1]} passed${steps}, ${m[3]} failed${failedSteps}`,
    };
  }
  if (runtime === "bun") {
    const pass = last(/^\s*(\d+) pass$/gm);
    const fail = last(/^\s*(\d+) fail$/gm);
    const ran = last(/Ran (\d+) tests? across (\d+) files?/g);
    if (!pass || !fail) return { passed: 0, failed: 1, text: "no bun summary found" };
    const across = ran ? ` (${ran[1]} tests across ${ran[2]} files)` : "";
    return {
      passed: Number(pass[1]),
      failed: Number(fail[1]),
      text: `${pass[1]} passed, ${fail[1]} failed${across}`,
    };
  }
  const tests = last(/^(?:ℹ|#) tests (\d+)$/gm);
  const pass = last(/^(?:ℹ|#) pass (\d+)$/gm);
  const fail = last(/^(?:ℹ|#) fail (\d+)$/gm);
  const cancelled = last(/^(?:ℹ|#) cancelled (\d+)$/gm);
  if (!pass || !fail) return { passed: 0, failed: 1, text: "no node summary found" };
  const failed = Number(fail[1]) + Number(cancelled?.[1] ?? 0);
  return {
    passed: Number(pass[1]),
    failed,
    text: `${pass[1]} passed, ${fail[1]} failed, ${cancelled?.[1] ?? 0} cancelled` +
      (tests ? ` (of ${tests[1]})` : ""),
  };
}

/** @param {string} title */
function banner(title) {
  console.log(`\n━━━ ${title} ━━━`);
}

/**
 * Prints the summary, then the closing lines of a Node run (a failing one if any), and exits.
 */
function finish() {
  const failed = summary.filter((s) => !s.ok);
  const width = Math.max(...summary.map((s) => s.name.length), 10);
  console.log("\n━━━ summary ━━━");
  for (const s of summary) {
    console.log(
      `${s.skipped ? "SKIP" : s.ok ? "PASS" : "FAIL"}  ${s.name.padEnd(width)}  ${s.detail}  [${
        seconds(s.ms)
      }]`,
    );
  }
  const total = summary.reduce((sum, s) => sum + s.ms, 0);
  console.log(
    failed.length === 0
      ? `all ${summary.length} steps passed in ${seconds(total)}`
      : `${failed.length} of ${summary.length} steps FAILED: ${
        failed.map((s) => s.name).join(", ")
      }`,
  );
  const replay = nodeRuns.find((r) => !r.ok) ?? nodeRuns[nodeRuns.length - 1];
  if (replay) {
    console.log(`\n━━━ closing lines of the ${replay.runtime} test run ━━━`);
    console.log(closingLines(replay.output));
  }
  process.exitCode = failed.length === 0 && summary.length > 0 ? 0 : 1;
}

/**
 * The tail of a node:test run from its `ℹ tests` (spec) or `# tests` (TAP) line to the end.
 *
 * @param {string} output
 * @returns {string}
 */
function closingLines(output) {
  const lines = output.replace(/\s+$/, "").split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^(?:ℹ|#) tests \d+$/.test(lines[i])) return lines.slice(i).join("\n");
  }
  return lines.slice(-12).join("\n");
}
