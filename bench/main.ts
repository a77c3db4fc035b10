/**
 * The benchmark driver: runs every suite on Deno, Bun and Node (each in its own process,
 * thread and process context), collects the JSON results and writes the report and charts.
 *
 * ```sh
 * npm run bench          # full run: bench/results/*.json, REPORT.md, *.svg, then
 *                        # bench/cluster.ts when redis-server is installed (--no-cluster: not)
 * npm run bench:quick    # short run (under 2 minutes on 2 cores): bench/results/quick/
 * node bench/main.ts --quick --runtimes node,deno --suites task_cost,peers
 * node bench/main.ts --node-entry source   # Node runs the .ts sources instead of dist/
 * node bench/main.ts --suites scaling,chunking --processes 1,2,4,8,16   # worker counts
 * ```
 *
 * On Node the suites load the built npm package (`dist/`, JavaScript, built first with
 * `npm run build`): that is what `npm install` delivers, and Node 22.6+ strips a worker's
 * `.ts` files itself at about 30 ms per worker (measured), which no user of the package pays.
 * Deno and Bun run the TypeScript sources, as their users do.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isMain, parseFlags, progress, scriptArgs } from "./_env.ts";
import type { SuiteResult } from "./_suite.ts";
import { intList } from "./first_map.ts";
import { writeReport } from "./report.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SUITE_ORDER = [
  "task_cost",
  "peers",
  "payloads",
  "chunking",
  "imap",
  "scaling",
  "first_map",
];
const RUNTIMES = ["node", "deno", "bun"];

/**
 * The command that runs `bench/run.ts` on a runtime, preferring the project's pinned binaries.
 *
 * @param runtime `"node"`, `"deno"` or `"bun"`.
 * @returns Executable and leading arguments.
 * @example
 * ```ts
 * import { runtimeCommand } from "./main.ts";
 * console.log(runtimeCommand("deno")[0]);
 * ```
 */
export function runtimeCommand(runtime: string): string[] {
  const bin = (name: string): string => {
    const local = join(ROOT, "node_modules", ".bin", name);
    return existsSync(local) ? local : name;
  };
  const script = join(ROOT, "bench", "run.ts");
  if (runtime === "deno") return [bin("deno"), "run", "-A", "--v8-flags=--expose-gc", script];
  if (runtime === "bun") return [bin("bun"), script];
  const node = bin("node");
  const major = Number(process.versions.node.split(".")[0]);
  // Node 22.6+ strips types itself; an older system node needs tsx.
  if (node !== "node" || major >= 23) return [node, "--expose-gc", script];
  return [node, "--expose-gc", "--import", "tsx", script];
}

function runChild(cmd: string[], args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], [...cmd.slice(1), ...args], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(127));
  });
}

/**
 * Runs the chosen suites on the chosen runtimes and writes the report.
 *
 * @param options Scale, runtimes, suites, contexts, output folder, and which build Node loads.
 * @returns The results that were produced.
 * @example
 * ```ts
 * import { runAll } from "./main.ts";
 * await runAll({ scale: "smoke", runtimes: ["node"], suites: ["task_cost"], contexts: ["thread"], outDir: ".tmp/bench" });
 * ```
 */
export async function runAll(options: {
  scale: string;
  runtimes: string[];
  suites: string[];
  contexts: string[];
  outDir: string;
  nodeEntry?: "source" | "dist";
  processes?: readonly number[];
}): Promise<SuiteResult[]> {
  mkdirSync(options.outDir, { recursive: true });
  const nodeEntry = options.nodeEntry ?? "dist";
  if (nodeEntry === "dist" && options.runtimes.includes("node")) {
    progress("build", "dist/", "npm run build (Node loads the built package)");
    const built = await runChild([process.execPath, join(ROOT, "scripts", "build.mjs")], []);
    if (built !== 0) throw new Error(`npm run build failed (exit ${built})`);
  }
  const results: SuiteResult[] = [];
  const t0 = performance.now();
  let step = 0;
  for (const runtime of options.runtimes) {
    step++;
    const elapsed = ((performance.now() - t0) / 1000).toFixed(0);
    progress(
      `[runtime ${step}/${options.runtimes.length}] ${runtime}`,
      options.suites.join(", "),
      `starting (${elapsed} s elapsed)`,
    );
    for (const suite of options.suites) {
      rmSync(join(options.outDir, `${suite}.${runtime}.json`), { force: true });
    }
    const code = await runChild(runtimeCommand(runtime), [
      "--suites",
      options.suites.join(","),
      "--scale",
      options.scale,
      "--contexts",
      options.contexts.join(","),
      "--outdir",
      options.outDir,
      ...(runtime === "node" ? ["--entry", nodeEntry] : []),
      ...(options.processes ? ["--processes", options.processes.join(",")] : []),
    ]);
    for (const suite of options.suites) {
      const out = join(options.outDir, `${suite}.${runtime}.json`);
      if (!existsSync(out)) {
        progress(`${suite}`, runtime, `FAILED (no result; exit ${code})`);
        continue;
      }
      results.push(JSON.parse(readFileSync(out, "utf8")) as SuiteResult);
    }
  }
  progress("report", `${results.length} result files`, `writing ${options.outDir}/REPORT.md`);
  await writeReport(results, options.outDir);
  progress("done", `${((performance.now() - t0) / 1000).toFixed(0)} s`, options.outDir);
  return results;
}

if (isMain(import.meta)) {
  const flags = parseFlags(scriptArgs());
  const scale = flags.quick ? "quick" : flags.smoke ? "smoke" : String(flags.scale ?? "full");
  const list = (v: string | true | undefined, all: string[]): string[] =>
    typeof v === "string" ? v.split(",").filter(Boolean) : all;
  const outDir = typeof flags.out === "string"
    ? flags.out
    : join(ROOT, "bench", "results", ...(scale === "full" ? [] : [scale]));
  await runAll({
    scale,
    runtimes: list(flags.runtimes, RUNTIMES),
    suites: list(flags.suites, SUITE_ORDER),
    contexts: list(flags.contexts, ["thread", "process"]),
    outDir,
    nodeEntry: flags["node-entry"] === "source" ? "source" : "dist",
    processes: typeof flags.processes === "string"
      ? intList(flags.processes, "processes")
      : undefined,
  });
  // The cluster benchmark needs a local redis-server (it starts its own); without one it is
  // reported as not run rather than failing the whole benchmark.
  if (scale !== "smoke" && flags.suites === undefined && flags["no-cluster"] === undefined) {
    if (hasRedisServer()) {
      progress("cluster", "ClusterPool over BullMQ", "bench/cluster.ts");
      const args = [join(ROOT, "bench", "cluster.ts"), ...(scale === "quick" ? ["--quick"] : [])];
      const code = await runChild(runtimeCommand("node").slice(0, 1), args);
      if (code !== 0) progress("cluster", "bench/cluster.ts", `FAILED (exit ${code})`);
    } else {
      progress("cluster", "not run", "no redis-server on PATH (apt-get install redis-server)");
    }
  }
}

function hasRedisServer(): boolean {
  const dirs = (process.env.PATH ?? "").split(":");
  return dirs.some((dir) => dir !== "" && existsSync(join(dir, "redis-server")));
}
