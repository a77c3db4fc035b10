/**
 * Thread adapter for Bun: Web Workers.
 *
 * `workerData` travels as the first message. Bun reports a worker's exit
 * code with a `close` event; an uncaught error arrives as an `error` event
 * first (exit code 1). (Deno uses `node_thread.ts`: its Web Worker
 * `terminate()` cannot stop a worker that is busy.) In a bundle, the worker
 * is the bundle itself, told by a variable in its own environment that it
 * is a worker (see `self_host.ts`).
 *
 * @module
 */
import process from "node:process";
import { takeMessages } from "./early_messages.ts";
import { SELF_HOST_ENV, selfHostMarker } from "./self_host.ts";
import { selfHostedScript } from "./worker_url.ts";
import type {
  Backend,
  ExitInfo,
  ParentPort,
  RuntimeName,
  SpawnOptions,
  Transfer,
  WorkerHandle,
} from "./types.ts";

const INIT_TAG = "__mpInit";

/**
 * How long a worker that reported an uncaught error may take to end by itself
 * (ms): a pool worker first sends what it holds, then exits.
 */
const ERROR_GRACE_MS = 2000;

interface WebWorkerLike {
  postMessage(message: unknown, transfer?: Transfer[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
  ref?(): void;
  unref?(): void;
  /** Bun's thread id (-1 once the worker has ended). */
  readonly threadId?: number;
}

interface WorkerOptions {
  type: "module";
  name?: string;
  /** Bun: the worker's own `process.env` (a copy of the parent's by default). */
  env?: Record<string, string | undefined>;
}

type WorkerCtor = new (url: URL, options: WorkerOptions) => WebWorkerLike;

/** How to start the worker: the entry module, or the bundle itself told it is a worker. */
function workerArgs(options: SpawnOptions): [URL, WorkerOptions] {
  const hosted = selfHostedScript(options.url);
  if (hosted === undefined) return [options.url, { type: "module", name: options.name }];
  const env = { ...process.env, [SELF_HOST_ENV]: selfHostMarker(options.workerData) };
  return [hosted, { type: "module", name: options.name, env }];
}

class WebWorkerHandle implements WorkerHandle {
  readonly #worker: WebWorkerLike;
  /** Read at spawn, where the runtime has one (Bun): it becomes -1 once the worker has ended. */
  readonly threadId: number | undefined;
  #onMessage: (message: unknown) => void = () => {};
  #onExit: (info: ExitInfo) => void = () => {};
  #exited = false;
  #exitedPromise: Promise<void>;
  #markExited!: () => void;

  constructor(options: SpawnOptions) {
    const Ctor = (globalThis as unknown as { Worker: WorkerCtor }).Worker;
    this.#exitedPromise = new Promise((resolve) => (this.#markExited = resolve));
    this.#worker = new Ctor(...workerArgs(options));
    const id = this.#worker.threadId;
    this.threadId = typeof id === "number" && id >= 0 ? id : undefined;
    this.#worker.addEventListener("message", (event) => {
      this.#onMessage((event as MessageEvent).data);
    });
    let error: Error | undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    this.#worker.addEventListener("error", (event) => {
      event.preventDefault();
      const e = event as ErrorEvent;
      error ??= e.error instanceof Error ? e.error : new Error(e.message);
      // Its last messages come before "close"; end it only if it lingers.
      grace ??= setTimeout(() => {
        this.#worker.terminate();
        this.#exit({ code: 1, error });
      }, ERROR_GRACE_MS);
    });
    this.#worker.addEventListener("close", (event) => {
      clearTimeout(grace);
      const code = (event as Event & { code?: number }).code ?? 0;
      this.#exit({ code: error !== undefined && code === 0 ? 1 : code, error });
    });
    this.#worker.postMessage({ [INIT_TAG]: options.workerData ?? null });
  }

  #exit(info: ExitInfo): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#markExited();
    this.#onExit(info);
  }

  post(message: unknown, transfer?: Transfer[]): void {
    if (transfer === undefined) this.#worker.postMessage(message);
    else this.#worker.postMessage(message, transfer);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#onMessage = listener;
  }
  onExit(listener: (info: ExitInfo) => void): void {
    this.#onExit = listener;
  }
  terminate(): Promise<void> {
    if (!this.#exited) {
      this.#worker.terminate();
      this.#exit({ code: null, signal: "SIGTERM" });
    }
    return this.#exitedPromise;
  }
  kill(): Promise<void> {
    if (!this.#exited) {
      this.#worker.terminate();
      this.#exit({ code: null, signal: "SIGKILL" });
    }
    return this.#exitedPromise;
  }
  ref(on: boolean): void {
    if (on) this.#worker.ref?.();
    else this.#worker.unref?.();
  }
}

/**
 * The Web Worker backend (Bun).
 *
 * @param runtime The runtime (`"bun"`).
 * @returns A thread-context backend.
 * @example
 * ```ts ignore
 * const backend = createWebWorkerBackend("bun");
 * ```
 */
export function createWebWorkerBackend(runtime: RuntimeName): Backend {
  return {
    runtime,
    context: "thread",
    sharesMemory: true,
    spawn: (options) => new WebWorkerHandle(options),
  };
}

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transfer[]): void;
  close?(): void;
}

/**
 * Inside a Web Worker: wait for the init message and return the port.
 *
 * @returns The channel to the parent.
 * @example
 * ```ts ignore
 * const port = await connectWebWorkerParent();
 * ```
 */
export async function connectWebWorkerParent(): Promise<ParentPort> {
  // Bun implements node:worker_threads too; its threadId is the one the parent's Worker reports.
  const { threadId } = await import("node:worker_threads");
  const scope = globalThis as unknown as WorkerScope;
  const proc = (globalThis as unknown as { process: { exit(code?: number): never } }).process;
  const exit = (code: number): never => proc.exit(code);
  return new Promise((resolve) => {
    let listener: ((message: unknown) => void) | undefined;
    const backlog: unknown[] = [];
    let workerData: unknown;
    let ready = false;
    const port: ParentPort = {
      context: "thread",
      threadId,
      get workerData() {
        return workerData;
      },
      post: (message, transfer) =>
        transfer === undefined ? scope.postMessage(message) : scope.postMessage(message, transfer),
      onMessage: (next) => {
        listener = next;
        for (const m of backlog.splice(0)) next(m);
      },
      onDisconnect: () => {},
      exit,
    };
    takeMessages((data) => {
      if (!ready && data !== null && typeof data === "object" && INIT_TAG in data) {
        ready = true;
        workerData = (data as Record<string, unknown>)[INIT_TAG];
        resolve(port);
      } else if (listener === undefined) backlog.push(data);
      else listener(data);
    });
  });
}
