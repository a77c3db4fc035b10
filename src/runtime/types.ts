/**
 * The runtime-neutral contract between the core and the runtime adapters.
 *
 * Everything outside `src/runtime/` talks to workers only through these types.
 *
 * @module
 */

/** Which JavaScript runtime is executing this code. */
export type RuntimeName = "deno" | "bun" | "node";

/** Where pool workers and processes run: threads in this process, or child processes. */
export type Context = "thread" | "process";

/** How a worker ended. `code` is null when it was ended by a signal. */
export interface ExitInfo {
  /** Exit code (0 = clean); null when a signal ended it. */
  readonly code: number | null;
  /** Signal name such as `"SIGKILL"`, when a signal ended it. */
  readonly signal?: string;
  /** The uncaught error that ended it, when known. */
  readonly error?: Error;
}

/**
 * Caps on a worker's memory (the names Node's `worker_threads` and piscina use).
 *
 * @example
 * ```ts
 * import type { ResourceLimits } from "./types.ts";
 * const limits: ResourceLimits = { maxOldGenerationSizeMb: 64 };
 * ```
 */
export interface ResourceLimits {
  /**
   * Largest size of the worker's main JavaScript heap (V8's old generation), in MB. A worker
   * that needs more dies of "out of memory" alone, instead of growing until the machine runs
   * out.
   */
  readonly maxOldGenerationSizeMb?: number;
}

/** Options for starting one worker. */
export interface SpawnOptions {
  /** Module URL of the worker entry (see `workerEntryUrl()`). */
  readonly url: URL;
  /** A human-readable name (thread name / process title hint). */
  readonly name?: string;
  /**
   * Data handed to the worker at start; the worker reads it with
   * `ParentPort.workerData`. Must be structured-clonable.
   */
  readonly workerData?: unknown;
  /**
   * Memory caps: `worker_threads` `resourceLimits` for a thread on Node and Deno,
   * `--max-old-space-size` for a child process on Node and Deno. Bun (JavaScriptCore) has no
   * heap cap and ignores it.
   */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * An object `post` moves to the other side instead of copying it (an
 * `ArrayBuffer`). Typed as `object`, not the DOM's `Transferable`, so that the
 * published declarations type-check without the DOM lib (a Node consumer with
 * `@types/node` only).
 */
export type Transfer = object;

/** The main thread's handle on one worker (thread or child process). */
export interface WorkerHandle {
  /** Send a structured-clonable message to the worker. */
  post(message: unknown, transfer?: Transfer[]): void;
  /** Register the (single) listener for messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Register the (single) listener called once when the worker has ended, for
   * any reason (clean exit, crash, `terminate()`, signal).
   */
  onExit(listener: (info: ExitInfo) => void): void;
  /** Stop the worker now (SIGTERM for a process); resolves once it has ended. */
  terminate(): Promise<void>;
  /** Process context only: SIGKILL; resolves once it has ended. Threads terminate. */
  kill(): Promise<void>;
  /** Process context only: SIGINT (`Process.interrupt()`); resolves once it has ended. */
  interrupt?(): Promise<void>;
  /** Let the worker keep the parent alive (`true`) or not (`false`). */
  ref(on: boolean): void;
  /** OS pid in the process context; undefined for threads. */
  readonly pid?: number;
  /** Thread id in the thread context (where the runtime exposes one). */
  readonly threadId?: number;
}

/** A way to start workers on the current runtime in one context. */
export interface Backend {
  /** The runtime this backend runs on. */
  readonly runtime: RuntimeName;
  /** The context its workers run in. */
  readonly context: Context;
  /** Whether a `SharedArrayBuffer` posted to a worker is shared memory there. */
  readonly sharesMemory: boolean;
  /**
   * Whether task and result batches should travel as JSON text when JSON
   * carries them exactly (see `transport/json_batch.ts`): true where the
   * channel's structured-clone serializer is much slower than JSON.
   */
  readonly jsonBatches?: boolean;
  /** Start one worker. Never throws for a bad entry URL; that arrives via `onExit`. */
  spawn(options: SpawnOptions): WorkerHandle;
}

/** Inside a worker: the channel back to the parent. */
export interface ParentPort {
  /** The context this worker runs in. */
  readonly context: Context;
  /** The `workerData` given to `spawn()`. */
  readonly workerData: unknown;
  /** Whether result batches should travel as JSON text when exact (see `Backend.jsonBatches`). */
  readonly jsonBatches?: boolean;
  /** Send a structured-clonable message to the parent. */
  post(message: unknown, transfer?: Transfer[]): void;
  /** Register the (single) listener for messages from the parent. */
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the channel to the parent is gone (parent exited). */
  onDisconnect(listener: () => void): void;
  /** End this worker with the given exit code. */
  exit(code: number): never;
  /** OS pid in the process context; undefined in a thread. */
  readonly pid?: number;
  /** Thread id in a thread (where the runtime exposes one). */
  readonly threadId?: number;
}
