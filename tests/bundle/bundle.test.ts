/**
 * Bundled and compiled apps: `tests/fixtures/bundle_app.ts` is built with the real tools
 * (`bun build`, `bun build --compile`, `deno bundle`, esbuild as ESM and as CommonJS), the
 * output is run alone, from a temporary folder where no worker entry file exists, and must map
 * in both contexts, run a `Process`, never run its main program again in a worker, and exit by
 * itself.
 *
 * Each build is specific to its tool, not to the runtime running this file, so `npm test` runs
 * this file once, in its packaging phase (`node scripts/test.mjs tests/bundle` runs it alone).
 * (`deno compile` is not here: it downloads its `denort` base binary, which offline machines
 * cannot.)
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { CONTEXTS } from "../_helpers.ts";

const BIN = fileURLToPath(new URL("../../node_modules/.bin/", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/bundle_app.ts", import.meta.url));
const BUN = join(BIN, "bun");
const DENO = join(BIN, "deno");
const ESBUILD = join(BIN, "esbuild");
const NODE24 = join(BIN, "node");
const BUILD_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 180_000;

interface Outcome {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/**
 * Runs a command in its own process group; on timeout the whole group is killed (a recursive
 * spawn would otherwise outlive the test).
 */
function exec(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    delete env.BUNDLE_APP_MAIN;
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on("error", (error) => (output += `\nspawn error: ${error.message}`));
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup(); // anything it left behind
      resolve({ code, output, timedOut });
    });
  });
}

interface Case {
  /** What builds it and what runs it. */
  readonly name: string;
  /** Output file name in the temporary folder. */
  readonly out: string;
  readonly build: (out: string) => [string, string[]];
  readonly run: (out: string) => [string, string[]];
  /** Whether the output has `import.meta.url` (not in a CommonJS bundle). */
  readonly esm: boolean;
}

const esbuild = (format: string) => (out: string): [string, string[]] => [ESBUILD, [
  FIXTURE,
  "--bundle",
  "--platform=node",
  `--format=${format}`,
  `--outfile=${out}`,
  "--log-level=error",
]];

/** Node binaries to run the esbuild bundles on: Node 24, and the Node running this file. */
function nodes(): string[] {
  const isNode = !("Bun" in globalThis) && !("Deno" in globalThis);
  return isNode && !process.version.startsWith("v24.") ? [NODE24, process.execPath] : [NODE24];
}

const CASES: Case[] = [
  {
    name: "bun build --target bun, run with bun",
    out: "app_bun.js",
    build: (out) => [BUN, ["build", FIXTURE, "--target", "bun", "--outfile", out]],
    run: (out) => [BUN, [out]],
    esm: true,
  },
  {
    name: "bun build --compile, run as a binary",
    out: "app_bin",
    build: (out) => [BUN, ["build", FIXTURE, "--compile", "--outfile", out]],
    run: (out) => [out, []],
    esm: true,
  },
  {
    name: "deno bundle, run with deno run -A",
    out: "app_deno.js",
    build: (out) => [DENO, ["bundle", "--quiet", "-o", out, FIXTURE]],
    run: (out) => [DENO, ["run", "-A", out]],
    esm: true,
  },
  ...nodes().map((node, i): Case => ({
    name: `esbuild --format=esm, run with node ${i === 0 ? "24" : process.version}`,
    out: `app_esm_${i}.mjs`,
    build: esbuild("esm"),
    run: (out) => [node, [out]],
    esm: true,
  })),
  {
    name: "esbuild --format=cjs, run with node 24",
    out: "app.cjs",
    build: esbuild("cjs"),
    run: (out) => [NODE24, [out]],
    esm: false,
  },
];

/** The RESULT lines of a run, by context. */
function results(output: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const match of output.matchAll(/^RESULT (\w+) (.*)$/gm)) {
    found.set(match[1], JSON.parse(match[2]));
  }
  return found;
}

describe("bundled and compiled apps run their workers from the bundle itself", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "seed-mp-bundle-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: maps in both contexts, runs a Process, exits by itself`, async () => {
      const out = join(dir, c.out);
      const [buildCommand, buildArgs] = c.build(out);
      const built = await exec(buildCommand, buildArgs, dir, BUILD_TIMEOUT_MS);
      assert.equal(built.code, 0, `build failed:\n${built.output}`);

      const [command, args] = c.run(out);
      const ran = await exec(command, args, dir, RUN_TIMEOUT_MS);
      assert.equal(ran.timedOut, false, `did not exit by itself:\n${ran.output}`);
      assert.doesNotMatch(ran.output, /RECURSIVE/, "the main program ran again in a worker");
      assert.equal(ran.code, 0, `exit code ${ran.code}:\n${ran.output}`);
      const byContext = results(ran.output);
      for (const context of CONTEXTS) {
        assert.deepEqual(byContext.get(context), {
          squares: [1, 4, 9, 16],
          tripled: c.esm ? [3, 6, 9] : "no import.meta.url",
          withLock: [10, 20],
          processExit: 0,
        }, `${context} context:\n${ran.output}`);
      }
      assert.equal(ran.output.match(/^child says 7$/gm)?.length, CONTEXTS.length, ran.output);
      assert.match(ran.output, /^DONE$/m);
    });
  }
});
