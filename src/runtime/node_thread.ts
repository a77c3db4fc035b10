/**
 * Thread adapter for Node: `node:worker_threads`.
 *
 * @module
 */
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

/**
 * A `.ts` worker entry on a Node that cannot strip types (Node 20, run
 * through tsx): the worker must register tsx's loader before importing it,
 * because workers do not inherit the main thread's loader hooks.
 */
function typeScriptLoaderFor(url: URL): string | undefined {
  if (!url.pathname.endsWith(".ts")) return undefined;
  const proc = globalThis as unknown as { process: { features?: { typescript?: unknown } } };
  if (proc.process.features?.typescript) return undefined;
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    return undefined;
  }
}

/**
 * Source of a small eval'd entry that imports the real one, when a Worker
 * can't take the entry URL itself: on Node 20 a `.ts` entry needs tsx's
 * loader registered first; Deno's `worker_threads` takes only `file:` URLs,
 * so a remote entry (the package imported from JSR over `https:`) is imported.
 */
function bootstrapFor(url: URL): string | undefined {
  const entry = JSON.stringify(url.href);
  const loader = typeScriptLoaderFor(url);
  if (loader !== undefined) {
    return `import(${
      JSON.stringify(loader)
    }).then((m) => { m.register(); return import(${entry}); });`;
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

  constructor(options: SpawnOptions) {
    const bootstrap = bootstrapFor(options.url);
    this.#worker = bootstrap === undefined
      ? new Worker(options.url, { name: options.name, workerData: options.workerData })
      : new Worker(bootstrap, { eval: true, name: options.name, workerData: options.workerData });
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
    spawn: (options) => new NodeThreadHandle(options),
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
