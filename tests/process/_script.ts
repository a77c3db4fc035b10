/**
 * Test helper: run a fixture script as a separate program under the runtime
 * running the tests (Deno: `deno run -A`, Bun: `bun`, Node: `node`, with
 * tsx's loader when this Node cannot strip types).
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A finished script: exit code, signal and output. */
export interface ScriptResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

function command(script: URL, args: readonly string[]): [string, string[]] {
  const file = fileURLToPath(script);
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return [process.execPath, ["run", "-A", file, ...args]];
  if (g.Bun !== undefined) return [process.execPath, [file, ...args]];
  const strips = (process.features as { typescript?: unknown }).typescript;
  const loader = strips ? [] : ["--import", import.meta.resolve("tsx")];
  return [process.execPath, [...loader, file, ...args]];
}

/**
 * Start a fixture script.
 *
 * @param script The script's URL.
 * @param args Its arguments.
 * @returns The running program (stdout/stderr piped).
 */
export function startScript(script: URL, args: readonly string[] = []): ChildProcess {
  const [exe, argv] = command(script, args);
  return spawn(exe, argv, { stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Run a fixture script to its end (killing it after `limitMs`).
 *
 * @param script The script's URL.
 * @param args Its arguments.
 * @param limitMs Upper bound against hangs.
 * @returns How it ended and what it printed.
 */
export function runScript(
  script: URL,
  args: readonly string[] = [],
  limitMs = 30_000,
): Promise<ScriptResult> {
  const child = startScript(script, args);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/**
 * Whether a process with this pid is running (`process.kill(pid, 0)`; an
 * exited process that nobody reaped yet counts as gone).
 *
 * @param pid The pid.
 * @returns True while it runs.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

/**
 * Poll until none of `pids` exists, or `limitMs` passed.
 *
 * @param pids The pids.
 * @param limitMs Upper bound.
 * @returns The pids still alive at the end (empty on success).
 */
export async function waitGone(pids: readonly number[], limitMs = 15_000): Promise<number[]> {
  const end = Date.now() + limitMs;
  let alive = pids.filter(pidAlive);
  while (alive.length > 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(pidAlive);
  }
  return alive;
}
