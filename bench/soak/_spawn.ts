/**
 * Runs `child.ts` as a program of its own, in its own process group, and
 * watches it: the report it prints, whether it then exits by itself (it never
 * calls `process.exit()`), and whether anything of its group is still alive
 * after it exited (orphaned workers).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { groupPids } from "./_proc.ts";
import type { SoakReport } from "./soak.ts";

/** Marks the report line on the soak program's stdout. */
export const REPORT_TAG = "SOAK_REPORT ";

/** The runtimes the driver runs the soak on. */
export const SOAK_RUNTIMES = ["deno", "bun", "node24", "node20"] as const;
/** One of them, or the runtime running this code. */
export type SoakRuntime = typeof SOAK_RUNTIMES[number] | "current";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

function localBin(name: string): string {
  const path = join(ROOT, "node_modules", ".bin", name);
  return existsSync(path) ? path : name;
}

/** The first `node` on PATH outside node_modules/.bin (the system Node, 20 here). */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.includes(`node_modules${sep}.bin`)) continue;
    const candidate = join(dir, "node");
    if (existsSync(candidate)) return candidate;
  }
  return "node";
}

/**
 * The command line that runs the soak program on a runtime.
 *
 * @param runtime The runtime (`current`: the one running this code).
 * @param args The program's arguments.
 * @returns Executable and arguments.
 * @example
 * ```ts
 * import { soakCommand } from "./_spawn.ts";
 * console.log(soakCommand("deno", ["--context=thread"])[1][0]); // "run"
 * ```
 */
export function soakCommand(runtime: SoakRuntime, args: readonly string[]): [string, string[]] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const tsx = () => ["--import", import.meta.resolve("tsx")];
  if (runtime === "current") {
    if (g.Deno !== undefined) return [process.execPath, ["run", "-A", CHILD, ...args]];
    if (g.Bun !== undefined) return [process.execPath, [CHILD, ...args]];
    const strips = (process.features as { typescript?: unknown }).typescript;
    return [process.execPath, [...(strips ? [] : tsx()), CHILD, ...args]];
  }
  if (runtime === "deno") return [localBin("deno"), ["run", "-A", CHILD, ...args]];
  if (runtime === "bun") return [localBin("bun"), [CHILD, ...args]];
  if (runtime === "node24") return [localBin("node"), [CHILD, ...args]];
  return [systemNode(), [...tsx(), CHILD, ...args]];
}

/** How a soak program went. */
export interface ProgramResult {
  /** Its report, when it printed one. */
  readonly report: SoakReport | undefined;
  /** It exited, without being killed, within the grace period after its report. */
  readonly exitedByItself: boolean;
  readonly code: number | null;
  readonly signal: string | null;
  /** Processes of its group still alive after it exited (killed then; null: unknown). */
  readonly leftBehind: number | null;
  /** It printed no report within the time limit (it was killed). */
  readonly timedOut: boolean;
  /** The last lines of its stderr. */
  readonly stderrTail: string;
  /** Milliseconds from its report to its exit (null: it did not exit by itself). */
  readonly exitMs: number | null;
  readonly ms: number;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is gone
  }
}

/**
 * Runs the soak program and watches it (see the module doc).
 *
 * @param runtime Where to run it.
 * @param args Its arguments (`--context=...`, `--scale=...`).
 * @param limits `limitMs` for the whole soak, `exitGraceMs` for the exit after the report.
 * @returns What happened.
 * @example
 * ```ts ignore
 * const result = await runSoakProgram("current", ["--context=thread", "--scale=tiny"], {
 *   limitMs: 120_000,
 *   exitGraceMs: 20_000,
 * });
 * ```
 */
export function runSoakProgram(
  runtime: SoakRuntime,
  args: readonly string[],
  limits: { limitMs: number; exitGraceMs: number },
): Promise<ProgramResult> {
  const started = Date.now();
  const [exe, argv] = soakCommand(runtime, args);
  const child = spawn(exe, argv, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const pid = child.pid!;
  let stdout = "";
  let stderr = "";
  let report: SoakReport | undefined;
  let reportedAt: number | undefined;
  let killedAfterReport = false;
  let timedOut = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const limit = setTimeout(() => {
    timedOut = true;
    killGroup(pid);
  }, limits.limitMs);
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const line = stdout.split("\n").find((l) => l.startsWith(REPORT_TAG));
    if (line === undefined || report !== undefined || !stdout.includes(`${line}\n`)) return;
    report = JSON.parse(line.slice(REPORT_TAG.length)) as SoakReport;
    reportedAt = Date.now();
    clearTimeout(limit);
    grace = setTimeout(() => {
      killedAfterReport = true;
      killGroup(pid);
    }, limits.exitGraceMs);
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(limit);
      const exitedAt = Date.now();
      const left = groupPids(pid);
      if (left !== null && left.length > 0) killGroup(pid);
      const finish = () => {
        clearTimeout(grace);
        const byItself = report !== undefined && !killedAfterReport && !timedOut;
        resolve({
          report,
          exitedByItself: byItself,
          code,
          signal,
          leftBehind: left === null ? null : left.length,
          timedOut: timedOut && report === undefined,
          stderrTail: stderr.split("\n").slice(-15).join("\n"),
          exitMs: byItself ? Math.max(0, exitedAt - reportedAt!) : null,
          ms: exitedAt - started,
        });
      };
      // Output still in the pipes arrives before "close"; orphans holding them were killed.
      const cap = setTimeout(finish, 2000);
      child.once("close", () => {
        clearTimeout(cap);
        finish();
      });
    });
  });
}
