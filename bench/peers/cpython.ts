/**
 * Drives `bench/cpython_pool.py` (CPython's `multiprocessing.Pool`) over JSON lines, so
 * CPython's figures are measured in the same run, interleaved with ours.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A request understood by `cpython_pool.py`. */
export type CPythonRequest =
  | { op: "flood"; n: number; us?: number }
  | { op: "map"; n: number; chunksize?: number | null }
  | { op: "apply"; n: number }
  | { op: "start" }
  | { op: "fresh_map"; n: number }
  | { op: "payload"; kind: string; n?: number; ranges?: number[][]; serial?: boolean };

/**
 * Finds a usable `python3`.
 *
 * @returns The executable and its version, or null when there is none.
 * @example
 * ```ts
 * import { findPython } from "./cpython.ts";
 * console.log(findPython()?.version ?? "no python3");
 * ```
 */
export function findPython(): { exe: string; version: string } | null {
  for (const exe of ["python3", "python"]) {
    try {
      const r = spawnSync(
        exe,
        ["-c", "import sys, multiprocessing; print(sys.version.split()[0])"],
        {
          encoding: "utf8",
          timeout: 10_000,
        },
      );
      const version = String(r.stdout ?? "").trim();
      if (r.status === 0 && version.startsWith("3.")) return { exe, version };
    } catch { /* try the next name */ }
  }
  return null;
}

/** A running `cpython_pool.py`. */
export class CPythonPool {
  #python: string;
  #child: ChildProcess | null = null;
  #buffer = "";
  #waiting: ((line: Record<string, unknown>) => void)[] = [];
  /** Python's version and start method, once started. */
  info: { version?: string; start_method?: string } = {};

  /**
   * @param python The python executable.
   */
  constructor(python: string) {
    this.#python = python;
  }

  /**
   * Starts the Python pool with `workers` processes and waits until it is warm.
   *
   * @param workers Pool size.
   * @returns Resolves when ready.
   */
  async start(workers: number): Promise<void> {
    const script = fileURLToPath(new URL("../cpython_pool.py", import.meta.url));
    const child = spawn(this.#python, [script, String(workers)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.#child = child;
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      this.#buffer += chunk;
      let nl;
      while ((nl = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        this.#waiting.shift()?.(JSON.parse(line));
      }
    });
    this.info = await this.#next() as typeof this.info;
  }

  /**
   * Runs one operation in Python.
   *
   * @param req The request.
   * @returns Milliseconds it took, measured inside Python.
   * @throws {Error} When Python reports an error.
   */
  async request(req: CPythonRequest): Promise<number> {
    const answer = this.#next();
    this.#child!.stdin!.write(JSON.stringify(req) + "\n");
    const r = await answer;
    if (typeof r.ms !== "number") throw new Error(`cpython_pool.py: ${String(r.error)}`);
    return r.ms;
  }

  /**
   * Stops the Python pool.
   *
   * @returns Resolves when the process has exited.
   */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin!.end(JSON.stringify({ op: "quit" }) + "\n");
    const timer = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Stops a Python process that is busy (one that ran past a time limit): SIGINT, so that
   * its `with Pool` blocks terminate their worker processes, then SIGKILL after 5 s.
   *
   * @returns Resolves when it has exited.
   */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  #next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const child = this.#child!;
      const onExit = (code: number | null) => reject(new Error(`python exited with ${code}`));
      child.once("exit", onExit);
      this.#waiting.push((line) => {
        child.off("exit", onExit);
        resolve(line);
      });
    });
  }
}
