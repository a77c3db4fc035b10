/**
 * What this program has running, read from Linux's `/proc`: its child
 * processes and its threads. Elsewhere the counts are `null` (unknown).
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";

/** One process as `/proc/<pid>/stat` describes it. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** `R`, `S`, `Z` (zombie: ended, not yet reaped), ... */
  readonly state: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: read after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Every live (not zombie) process on the machine, or undefined without `/proc`.
 *
 * @returns The processes.
 * @example
 * ```ts
 * import { processes } from "./_proc.ts";
 * console.log((processes() ?? []).length >= 0);
 * ```
 */
export function processes(): ProcStat[] | undefined {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined && stat.state !== "Z") out.push(stat);
  }
  return out;
}

/**
 * Pids of this program's live child processes that run a pool worker (their command line
 * names the worker entry, `worker/entry.ts` or `.js`), or null without `/proc`. Other
 * children, such as the esbuild service tsx starts on Node 20, are not the pool's.
 *
 * @returns The pids.
 * @example
 * ```ts
 * import { workerChildPids } from "./_proc.ts";
 * console.log(workerChildPids());
 * ```
 */
export function workerChildPids(): number[] | null {
  const all = processes();
  if (all === undefined) return null;
  return all.filter((p) => p.ppid === process.pid && isWorker(p.pid)).map((p) => p.pid);
}

function isWorker(pid: number): boolean {
  try {
    return /[/\\]worker[/\\]entry\.(ts|js)\b/.test(readFileSync(`/proc/${pid}/cmdline`, "latin1"));
  } catch {
    return false;
  }
}

/**
 * Pids of the live processes in process group `pgrp` (or null without `/proc`).
 *
 * @param pgrp The group (the pid of a program started with `detached: true`).
 * @returns The pids.
 * @example
 * ```ts
 * import { groupPids } from "./_proc.ts";
 * console.log(groupPids(1));
 * ```
 */
export function groupPids(pgrp: number): number[] | null {
  const all = processes();
  return all === undefined ? null : all.filter((p) => p.pgrp === pgrp).map((p) => p.pid);
}

/**
 * Number of pool worker threads alive in this program (or null without `/proc`): threads
 * whose name (`/proc/self/task/<tid>/comm`, 15 characters at most) is a pool worker's, as
 * Node and Bun name them after the worker (`ThreadPoolWorker-N`), or Deno's `worker-N`.
 * Counting by name leaves out the runtime's own threads (garbage collector helpers, I/O
 * pools), which come and go on their own.
 *
 * @returns The count.
 * @example
 * ```ts
 * import { workerThreads } from "./_proc.ts";
 * console.log(workerThreads());
 * ```
 */
export function workerThreads(): number | null {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return null;
  }
  let n = 0;
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      if (/^(ThreadPoolWorke|worker-\d)/.test(name)) n++;
    } catch {
      // the thread ended while being read
    }
  }
  return n;
}
