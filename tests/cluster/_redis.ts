/**
 * Test harness of the cluster tests: a real `redis-server` on a free loopback port, with a
 * password, in a temporary directory; and worker hosts as separate OS processes.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Whether `redis-server` is on the PATH. */
export function haveRedis(): boolean {
  try {
    return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
}

/** Why the cluster tests are skipped, or undefined when they run. */
export function skipReason(): string | undefined {
  // With CI=true a missing server is a failure: the tests run and fail to start it.
  if (haveRedis() || process.env.CI === "true") return undefined;
  return "redis-server is not installed (apt-get install redis-server / brew install redis)";
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly password: string;
  /** `redis://:password@127.0.0.1:port`. */
  readonly url: string;
  /** Stop it (SIGKILL) and wait for its exit. */
  kill(): Promise<void>;
  /** Start it again on the same port. */
  restart(): Promise<void>;
  /** Stop it and remove its directory. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Start redis-server on a free loopback port with a password in a temporary directory. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "mp-redis-"));
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  let child: ChildProcess | undefined;
  const launch = (): Promise<void> => {
    const proc = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--requirepass",
      password,
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
    ], { stdio: ["ignore", "pipe", "inherit"] });
    child = proc;
    return new Promise((resolve, reject) => {
      let text = "";
      proc.stdout!.on("data", (data: Uint8Array) => {
        text += new TextDecoder().decode(data);
        if (text.includes("Ready to accept connections")) resolve();
      });
      proc.once("error", reject);
      proc.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${text}`)));
    });
  };
  await launch();
  const kill = async (): Promise<void> => {
    if (child === undefined) return;
    const proc = child;
    child = undefined;
    proc.kill("SIGKILL");
    await exited(proc);
  };
  return {
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The runtimes a host process can run on, with the command line that starts the CLI. */
export type HostRuntime = "node" | "bun" | "deno";

const CLI = fileURLToPath(new URL("../../src/cluster/bin.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The runtime running this test file. */
export function currentRuntime(): HostRuntime {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "node";
}

/** A second runtime to mix into the cluster (Node for Bun and Deno, Bun for Node). */
export function otherRuntime(): HostRuntime {
  return currentRuntime() === "node" ? "bun" : "node";
}

function command(runtime: HostRuntime): [string, string[]] {
  const bin = (name: string): string => join(ROOT, "node_modules", ".bin", name);
  if (runtime === "bun") return [bin("bun"), [CLI]];
  if (runtime === "deno") return [bin("deno"), ["run", "-A", "--no-check", CLI]];
  if (currentRuntime() !== "node") return [bin("node"), [CLI]];
  // Node 24 strips types itself; the system Node 20 needs tsx (as this test run does).
  const major = Number(process.versions.node.split(".")[0]);
  return major >= 23 ? [process.execPath, [CLI]] : [process.execPath, ["--import", "tsx", CLI]];
}

/** A worker host started as its own OS process. */
export interface HostProcess {
  readonly child: ChildProcess;
  /** Resolves once the host printed that it is serving. */
  readonly ready: Promise<void>;
  /** Resolves when it has exited. */
  readonly exited: Promise<void>;
  /** Everything it printed. */
  output(): string;
  /** Its exit code as the exit event reported it (null while running or after a signal). */
  exitCode(): number | null;
}

/**
 * Start `multiprocessing worker ...` as a separate process.
 *
 * @param runtime The runtime to run it on.
 * @param args The CLI's arguments after `worker`.
 */
export function startHost(runtime: HostRuntime, args: string[]): HostProcess {
  const [cmd, pre] = command(runtime);
  const child = spawn(cmd, [...pre, "worker", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
  });
  let text = "";
  let code: number | null = null;
  child.once("exit", (c) => code = c);
  const onData = (data: Uint8Array): void => {
    text += new TextDecoder().decode(data);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => {
      if (text.includes("serving queue")) resolve();
    });
    child.once("exit", (code, signal) => {
      reject(new Error(`host exited (${code ?? signal}) before serving:\n${text}`));
    });
  });
  ready.catch(() => {});
  return { child, ready, exited: exited(child), output: () => text, exitCode: () => code };
}

/** SIGTERM every host that still runs, then SIGKILL after `graceMs`, and wait for all. */
export async function stopHosts(hosts: HostProcess[], graceMs = 10_000): Promise<void> {
  for (const h of hosts) {
    if (h.child.exitCode === null && h.child.signalCode === null) {
      h.child.kill("SIGTERM");
    }
  }
  const timer = setTimeout(() => {
    for (const h of hosts) if (h.child.exitCode === null) h.child.kill("SIGKILL");
  }, graceMs);
  await Promise.all(hosts.map((h) => h.exited));
  clearTimeout(timer);
}
