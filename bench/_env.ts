/**
 * What the benchmark needs to know about the runtime it runs on: name and version, CPU count,
 * garbage collection, memory, progress output and command-line flags.
 *
 * @module
 */
import process from "node:process";
import { cpus, loadavg } from "node:os";
import { detectRuntime } from "../src/runtime/detect.ts";
import { logicalCpuCount } from "../src/runtime/cpu.ts";
import type { RuntimeName } from "../src/runtime/types.ts";

export type { RuntimeName };

/** The machine and runtime a result was measured on. */
export interface MachineInfo {
  readonly runtime: RuntimeName;
  readonly runtimeVersion: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly arch: string;
  /** 1-minute load average when the suite started (the machine is shared and noisy). */
  readonly loadAverage: number;
}

/**
 * Describes the current runtime and machine.
 *
 * @returns Runtime name and version, logical CPUs, CPU model, platform.
 * @example
 * ```ts
 * import { machineInfo } from "./_env.ts";
 * console.log(machineInfo().cpus > 0);
 * ```
 */
export function machineInfo(): MachineInfo {
  const runtime = detectRuntime();
  const g = globalThis as {
    Bun?: { version: string };
    Deno?: { version: { deno: string } };
  };
  const runtimeVersion = runtime === "bun"
    ? g.Bun!.version
    : runtime === "deno"
    ? g.Deno!.version.deno
    : process.versions.node;
  return {
    runtime,
    runtimeVersion,
    cpus: logicalCpuCount(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    platform: process.platform,
    arch: process.arch,
    loadAverage: loadavg()[0] ?? 0,
  };
}

/**
 * Runs a full garbage collection when the runtime exposes one (`--expose-gc`, `Bun.gc`).
 *
 * @returns Whether a collection ran.
 * @example
 * ```ts
 * import { collectGarbage } from "./_env.ts";
 * collectGarbage();
 * ```
 */
export function collectGarbage(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    return true;
  }
  return false;
}

/**
 * Current memory use of this process.
 *
 * @returns Resident set size and V8/JSC heap in use, in bytes.
 * @example
 * ```ts
 * import { memory } from "./_env.ts";
 * console.log(memory().rss > 0);
 * ```
 */
export function memory(): { rss: number; heapUsed: number } {
  const m = process.memoryUsage();
  // Bun's heapUsed only moves at collections; its allocator's current size moves at once.
  return { rss: m.rss, heapUsed: bunJsc ? bunJsc.memoryUsage().current : m.heapUsed };
}

const bunJsc: { memoryUsage(): { current: number } } | null = (globalThis as { Bun?: unknown }).Bun
  ? await import("bun:" + "jsc")
  : null;

/**
 * Prints one progress line to stderr (`[bench] suite · runtime · detail`).
 *
 * @param parts The line's fields.
 * @example
 * ```ts
 * import { progress } from "./_env.ts";
 * progress("chunking", "node/thread", "3/40");
 * ```
 */
export function progress(...parts: string[]): void {
  const at = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${at}] ${parts.join(" · ")}\n`);
}

/**
 * Reads `--name value` / `--name=value` / `--flag` from the command line.
 *
 * @param argv Arguments after the script name.
 * @returns Flags by name (`true` for a bare flag).
 * @example
 * ```ts
 * import { parseFlags } from "./_env.ts";
 * console.log(parseFlags(["--quick", "--suite=peers"])); // { quick: true, suite: "peers" }
 * ```
 */
export function parseFlags(argv: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

/**
 * The command-line arguments after the script, on every runtime.
 *
 * @returns The arguments.
 * @example
 * ```ts
 * import { scriptArgs } from "./_env.ts";
 * console.log(Array.isArray(scriptArgs()));
 * ```
 */
export function scriptArgs(): string[] {
  const g = globalThis as { Deno?: { args: string[] } };
  return g.Deno ? [...g.Deno.args] : process.argv.slice(2);
}

/**
 * Waits `ms` milliseconds.
 *
 * @param ms Milliseconds.
 * @returns A promise that resolves after the delay.
 * @example
 * ```ts
 * import { sleep } from "./_env.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether the module with this `import.meta` is the program's entry point, on every runtime
 * (`import.meta.main` where it exists, else a comparison with `process.argv[1]`).
 *
 * @param meta The module's `import.meta`.
 * @returns True for the entry module.
 * @example
 * ```ts
 * import { isMain } from "./_env.ts";
 * if (isMain(import.meta)) console.log("run directly");
 * ```
 */
export function isMain(meta: ImportMeta): boolean {
  const m = (meta as ImportMeta & { main?: boolean }).main;
  if (typeof m === "boolean") return m;
  const entry = process.argv[1];
  return entry !== undefined && new URL(meta.url).pathname === entry;
}
