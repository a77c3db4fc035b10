/**
 * Thread adapter for Node: `node:worker_threads` (Deno uses it too). On Node 20
 * under tsx, workers register tsx's loader themselves (see
 * `typeScriptLoaderFor`). In a bundle, the worker is the bundle itself, started
 * through a small eval'd bootstrap that tells it it is a worker (see `self_host.ts`).
 *
 * @module
 */
import { createRequire } from "node:module";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parentPort, threadId, Worker, workerData } from "node:worker_threads";
import type {
  Backend,
  ExitInfo,
  ParentPort,
  RuntimeName,
  SpawnOptions,
  Transfer,
  WorkerHandle,
} from "./types.ts";
import { selfHostBootstrap } from "./self_host.ts";
import { selfHostedScript } from "./worker_url.ts";

/** An `execArgv` entry that names tsx: `--import tsx`, or the paths the `tsx` command adds. */
const TSX_ARG = /(^|[/\\=])tsx([/\\]|$)/;

/** The parent's `execArgv` entries that name tsx's loader (empty when it does not use tsx). */
function parentTsxArgs(): string[] {
  return process.execArgv.filter((arg) => arg === "tsx" || TSX_ARG.test(arg));
}

function pathOf(arg: string): string | undefined {
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
  if (value.startsWith("file:")) return fileURLToPath(value);
  return value.startsWith("/") || /^[A-Za-z]:[/\\]/.test(value) ? value : undefined;
}

/**
 * Where tsx's registration API is: next to this library, else next to the
 * loader the parent was started with, else in the working directory.
 */
function resolveTsxApi(): string | undefined {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    // not reachable from the library's own folder
  }
  const bases = parentTsxArgs().flatMap((arg) => pathOf(arg) ?? []);
  bases.push(`${process.cwd()}/`);
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve("tsx/esm/api")).href;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * The loader a worker must register before it imports anything, on a Node
 * that cannot strip types (Node 20): workers do not inherit the main
 * thread's loader hooks there, so a `.ts` worker entry, or a `.ts` task
 * module imported by a `.js` entry (the npm build) while the parent runs
 * under tsx, would fail with "Unknown file extension .ts". On Nodes that
 * strip types, workers inherit `execArgv` (so `--experimental-strip-types`)
 * and the parent's hooks, and need nothing here.
 */
function typeScriptLoaderFor(url: URL, runtime: RuntimeName): string | undefined {
  if (runtime !== "node") return undefined;
  const features = process.features as { typescript?: unknown };
  if (features.typescript) return undefined;
  if (!url.pathname.endsWith(".ts") && parentTsxArgs().length === 0) return undefined;
  return resolveTsxApi();
}

/**
 * Source of a small eval'd entry that imports the real one, when a Worker
 * can't take the entry URL itself: on Node 20 tsx's loader is registered
 * first (see `typeScriptLoaderFor`); Deno's `worker_threads` takes only
 * `file:` URLs, so a remote entry (the package imported from JSR over
 * `https:`) is imported.
 */
function bootstrapFor(url: URL, runtime: RuntimeName): string | undefined {
  const entry = JSON.stringify(url.href);
  const loader = typeScriptLoaderFor(url, runtime);
  if (loader !== undefined) {
    return `import(${JSON.stringify(loader)}).then((m) => { ` +
      `(m.register ?? m.default.register)(); return import(${entry}); });`;
  }
  if (url.protocol !== "file:") return `import(${entry});`;
  return undefined;
}

class NodeThreadHandle implements WorkerHandle {
  readonly #worker: Worker;
  /** Read at spawn: `worker.threadId` becomes -1 once the thread has ended. */
  readonly #threadId: number;
  #onMessage: (message: unknown) => void = () => {};
  #onExit: (info: ExitInfo) => void = () => {};
  #error: Error | undefined;
  #signal: string | undefined;
  #exitedPromise: Promise<void>;

  constructor(options: SpawnOptions, runtime: RuntimeName) {
    const hosted = selfHostedScript(options.url);
    const bootstrap = hosted === undefined
      ? bootstrapFor(options.url, runtime)
      : selfHostBootstrap(hosted, options.workerData);
    const common = {
      name: options.name,
      workerData: options.workerData,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    };
    this.#worker = bootstrap === undefined
      ? new Worker(options.url, common)
      : new Worker(bootstrap, { eval: true, ...common });
    this.#threadId = this.#worker.threadId;
    this.#worker.on("message", (message) => this.#onMessage(message));
    this.#worker.on("error", (error) => (this.#error = error));
    this.#exitedPromise = new Promise((resolve) => {
      this.#worker.once("exit", (code) => {
        const signal = this.#signal;
        this.#onExit(
          signal === undefined ? { code, error: this.#error } : { code: null, signal },
        );
        resolve();
      });
    });
  }

  get threadId(): number {
    return this.#threadId;
  }
  post(message: unknown, transfer?: Transfer[]): void {
    this.#worker.postMessage(message, transfer as never);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#onMessage = listener;
  }
  onExit(listener: (info: ExitInfo) => void): void {
    this.#onExit = listener;
  }
  terminate(): Promise<void> {
    this.#signal ??= "SIGTERM";
    void this.#worker.terminate();
    return this.#exitedPromise;
  }
  kill(): Promise<void> {
    this.#signal ??= "SIGKILL";
    void this.#worker.terminate();
    return this.#exitedPromise;
  }
  ref(on: boolean): void {
    if (on) this.#worker.ref();
    else this.#worker.unref();
  }
}

/**
 * The `node:worker_threads` backend (Node, and Deno's implementation of it).
 *
 * @param runtime The runtime it runs on.
 * @returns A thread-context backend.
 * @example
 * ```ts ignore
 * const backend = createNodeThreadBackend("node");
 * ```
 */
export function createNodeThreadBackend(runtime: RuntimeName = "node"): Backend {
  return {
    runtime,
    context: "thread",
    sharesMemory: true,
    spawn: (options) => new NodeThreadHandle(options, runtime),
  };
}

/**
 * Inside a worker thread: the port to the parent.
 *
 * @returns The channel to the parent.
 * @example
 * ```ts ignore
 * const port = connectNodeThreadParent();
 * ```
 */
export function connectNodeThreadParent(): ParentPort {
  const port = parentPort!;
  const proc = (globalThis as unknown as { process: { exit(code?: number): never } }).process;
  return {
    context: "thread",
    workerData,
    threadId,
    post: (message, transfer) => port.postMessage(message, transfer as never),
    onMessage: (listener) => port.on("message", listener),
    onDisconnect: (listener) => port.once("close", listener),
    exit: (code) => proc.exit(code),
  };
}
