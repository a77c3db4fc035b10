/**
 * Thread adapter for Bun: Web Workers.
 *
 * `workerData` travels as the first message. Bun reports a worker's exit
 * code with a `close` event; an uncaught error arrives as an `error` event
 * first (exit code 1). (Deno uses `node_thread.ts`: its Web Worker
 * `terminate()` cannot stop a worker that is busy.)
 *
 * @module
 */
import { takeMessages } from "./early_messages.ts";
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

interface WebWorkerLike {
  postMessage(message: unknown, transfer?: Transfer[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  terminate(): void;
  ref?(): void;
  unref?(): void;
  /** Bun's thread id (-1 once the worker has ended). */
  readonly threadId?: number;
}

type WorkerCtor = new (url: URL, options: { type: "module"; name?: string }) => WebWorkerLike;

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
    this.#worker = new Ctor(options.url, { type: "module", name: options.name });
    const id = this.#worker.threadId;
    this.threadId = typeof id === "number" && id >= 0 ? id : undefined;
    this.#worker.addEventListener("message", (event) => {
      this.#onMessage((event as MessageEvent).data);
    });
    this.#worker.addEventListener("error", (event) => {
      event.preventDefault();
      const e = event as ErrorEvent;
      const error = e.error instanceof Error ? e.error : new Error(e.message);
      this.#exit({ code: 1, error });
      this.#worker.terminate();
    });
    this.#worker.addEventListener("close", (event) => {
      this.#exit({ code: (event as Event & { code?: number }).code ?? 0 });
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
