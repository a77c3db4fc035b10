/**
 * Helpers shared by the repository scripts (test runner, demo, packaging checks).
 *
 * Plain JavaScript so that any Node >= 20 runs it without a loader.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Process groups of the commands running now, killed if this script is interrupted. */
const running = new Set();
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, () => {
    for (const pid of running) killGroup(pid);
    process.exit(130);
  });
}

/** Absolute path of an executable installed by `npm ci` under node_modules/.bin. */
export function bin(/** @type {string} */ name) {
  return join(ROOT, "node_modules", ".bin", name);
}

/**
 * The Node 20 used for the "node20" leg: the Node that runs npm when started by
 * `npm test` (`npm_node_execpath`), else the first `node` on PATH outside any
 * node_modules/.bin, else this process's own Node.
 *
 * @returns {string}
 */
export function systemNode() {
  const fromNpm = process.env.npm_node_execpath;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.includes(`node_modules${sep}.bin`)) continue;
    const candidate = join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

/** Removes ANSI colour codes, so runner output can be parsed. */
export function stripAnsi(/** @type {string} */ text) {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/**
 * Formats milliseconds as seconds with one decimal.
 *
 * @param {number} ms
 * @returns {string}
 */
export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * @typedef {object} RunResult
 * @property {number} code exit code (1 when killed by a signal or the timeout)
 * @property {string} output stdout and stderr interleaved, ANSI codes removed
 * @property {number} ms wall time
 * @property {boolean} timedOut whether the timeout killed it
 */

/**
 * Runs a command, streaming its output live and capturing it.
 *
 * The child gets its own process group, so a timeout kills it together with
 * everything it spawned (test workers, child processes).
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string | undefined>, timeoutMs?: number, quiet?: boolean }} [options]
 * @returns {Promise<RunResult>}
 */
export function run(command, args, options = {}) {
  const { cwd = ROOT, env = {}, timeoutMs = 20 * 60_000, quiet = false } = options;
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    if (child.pid !== undefined) running.add(child.pid);
    let output = "";
    let timedOut = false;
    /** @param {Buffer} chunk @param {NodeJS.WriteStream} sink */
    const collect = (chunk, sink) => {
      output += chunk.toString("utf8");
      if (!quiet) sink.write(chunk);
    };
    child.stdout.on("data", (chunk) => collect(chunk, process.stdout));
    child.stderr.on("data", (chunk) => collect(chunk, process.stderr));
    const timer = setTimeout(() => {
      timedOut = true;
      const message = `\n[scripts] ${command} timed out after ${seconds(timeoutMs)}; killing it\n`;
      output += message;
      process.stderr.write(message);
      killGroup(child.pid);
    }, timeoutMs);
    child.on("error", (error) => {
      output += `\n[scripts] could not start ${command}: ${error.message}\n`;
      process.stderr.write(`[scripts] could not start ${command}: ${error.message}\n`);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      // Whatever the command left behind in its group (stray workers) goes too.
      killGroup(child.pid);
      resolvePromise({
        code: timedOut ? 1 : (code ?? 1),
        output: stripAnsi(output),
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

/** Sends SIGKILL to a process group, ignoring a group that is already gone. */
function killGroup(/** @type {number | undefined} */ pid) {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === "win32" ? pid : -pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Every `*.test.ts` file under the given files or folders (default: tests/),
 * relative to the repository root, sorted, with fixtures left out.
 *
 * @param {string[]} paths
 * @returns {string[]}
 */
export function findTestFiles(paths) {
  const roots = paths.length > 0 ? paths : ["tests"];
  /** @type {Set<string>} */
  const found = new Set();
  /** @param {string} path */
  const walk = (path) => {
    const stats = statSync(path);
    if (stats.isFile()) {
      found.add(relative(ROOT, path));
      return;
    }
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "fixtures") continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".test.ts")) {
        found.add(relative(ROOT, child));
      }
    }
  };
  for (const root of roots) {
    const absolute = resolve(ROOT, root);
    if (!existsSync(absolute)) throw new Error(`No such test file or folder: ${root}`);
    walk(absolute);
  }
  return [...found].sort();
}
