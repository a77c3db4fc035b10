/**
 * The main thread's bookkeeping for one pool worker: the tasks it holds, in
 * the order it runs them (a worker runs its tasks first in, first out, so
 * results arrive in that order), and which functions it has already seen.
 *
 * @module
 */
import { childDepth } from "../process/bootstrap_guard.ts";
import type { Backend, Context, ResourceLimits, WorkerHandle } from "../runtime/types.ts";
import { workerEntryUrl } from "../runtime/worker_url.ts";
import type { ExitingMessage, FunctionRef, PoolWorkerData } from "../transport/protocol.ts";
import type { Task } from "./task.ts";

/** Life stages of a pool worker. */
export type SlotState = "live" | "stopping" | "dead";

/** What every worker of a pool starts with. */
export interface WorkerSpec {
  readonly context: Context;
  readonly module: string | undefined;
  readonly initializer: FunctionRef | undefined;
  readonly initargs: readonly unknown[];
  readonly resourceLimits?: ResourceLimits;
}

/** What the scheduler needs to start and run workers. */
export interface SchedulerConfig extends WorkerSpec {
  readonly processes: number;
  readonly maxtasksperchild: number | undefined;
  /** Start the workers at the first task rather than at once. */
  readonly lazy: boolean;
  /** Ms an aborted task may run on before its worker is stopped (`PoolOptions.abortGrace`). */
  readonly abortGrace: number;
}

/** How long a worker told to stop may take before it is terminated (ms). */
const STOP_GRACE_MS = 5000;

let workerCounter = 0;

/**
 * Start one pool worker.
 *
 * @param backend The runtime backend of the pool's context.
 * @param spec What the worker starts with.
 * @returns Its slot (nothing is listening to it yet).
 * @throws When the runtime cannot start it.
 * @example
 * ```ts ignore
 * const slot = spawnWorkerSlot(backend, config);
 * ```
 */
export function spawnWorkerSlot(backend: Backend, spec: WorkerSpec): WorkerSlot {
  const prefix = spec.context === "process" ? "ForkPoolWorker" : "ThreadPoolWorker";
  const name = `${prefix}-${++workerCounter}`;
  const progress = backend.sharesMemory ? new SharedArrayBuffer(8) : undefined;
  const workerData: PoolWorkerData = {
    role: "pool",
    name,
    module: spec.module,
    initializer: spec.initializer,
    initargs: spec.initargs,
    progress,
    depth: childDepth(),
  };
  const { resourceLimits } = spec;
  const handle = backend.spawn({ url: workerEntryUrl(), name, workerData, resourceLimits });
  return new WorkerSlot(handle, name, progress && new Int32Array(progress));
}

/** One pool worker as the scheduler sees it. */
export class WorkerSlot {
  /** The worker. */
  readonly handle: WorkerHandle;
  /** `ThreadPoolWorker-N` / `ForkPoolWorker-N`. */
  readonly name: string;
  /** Ids of source functions this worker has compiled. */
  readonly seen: Set<number> = new Set();
  /** Tasks sent to this worker so far (for `maxtasksperchild`). */
  assigned = 0;
  /** Tasks it has finished. */
  completed = 0;
  /** Its life stage. */
  state: SlotState = "live";
  /** Whether it imported its module and ran its initializer (said "ready"). */
  ready = false;
  /** Whether it holds a suspect task (which goes alone): it gets nothing more until answered. */
  quarantined = false;
  /** When its last results arrived (`performance.now()`). */
  answeredAt = 0;
  /** When it last sent results or answered an abort (`performance.now()`). */
  heardAt = 0;
  /** What it said when it ended by itself. */
  report: ExitingMessage | undefined;
  /** Thread context: its counters of tasks started and finished (see `PROGRESS_STARTED`). */
  readonly progress: Int32Array | undefined;
  /** Resolves once the worker has ended. */
  readonly exited: Promise<void>;
  #markExited!: () => void;
  #inflight: Task[] = [];
  #head = 0;
  #referenced = true;

  /**
   * @param handle The worker.
   * @param name Its name.
   * @param progress Its shared counters, in the thread context.
   */
  constructor(handle: WorkerHandle, name: string, progress?: Int32Array) {
    this.handle = handle;
    this.name = name;
    this.progress = progress;
    this.exited = new Promise((resolve) => (this.#markExited = resolve));
  }

  /** The worker has ended. */
  markDead(): void {
    this.state = "dead";
    this.#markExited();
  }

  /** Number of tasks sent and not yet answered. */
  get pending(): number {
    return this.#inflight.length - this.#head;
  }

  /**
   * Record a task as sent.
   *
   * @param task The task.
   */
  push(task: Task): void {
    this.#inflight.push(task);
    task.sent = true;
    task.seq = this.assigned++;
    if (task.cancel !== undefined) task.cancel.slot = this;
  }

  /**
   * The oldest unanswered task (the one running, or about to).
   *
   * @returns The task, or undefined when none is pending.
   */
  front(): Task | undefined {
    return this.#head < this.#inflight.length ? this.#inflight[this.#head] : undefined;
  }

  /**
   * The oldest unanswered task (the one the next result belongs to).
   *
   * @returns The task, or undefined when none is pending.
   */
  shift(): Task | undefined {
    if (this.#head >= this.#inflight.length) return undefined;
    const task = this.#inflight[this.#head];
    this.#inflight[this.#head++] = undefined as unknown as Task;
    if (this.#head === this.#inflight.length) {
      this.#inflight = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#inflight.length) {
      this.#inflight = this.#inflight.slice(this.#head);
      this.#head = 0;
    }
    this.completed++;
    return task;
  }

  /**
   * Take every unanswered task (when the worker is gone).
   *
   * @returns The tasks, oldest first.
   */
  drain(): Task[] {
    const tasks = this.#inflight.slice(this.#head);
    this.#inflight = [];
    this.#head = 0;
    return tasks;
  }

  /**
   * Tell the worker to finish what it holds and exit; terminate it if it
   * has not within {@linkcode STOP_GRACE_MS}.
   *
   * @returns Once it has ended.
   */
  stop(): Promise<void> {
    if (this.state === "dead" || this.state === "stopping") return this.exited;
    this.state = "stopping";
    this.updateRef();
    try {
      this.handle.post({ t: "stop" });
    } catch {
      void this.handle.terminate();
    }
    const timer = setTimeout(() => void this.handle.terminate(), STOP_GRACE_MS);
    return this.exited.then(() => clearTimeout(timer));
  }

  /**
   * Keep the program alive while this worker has work (or is stopping), and
   * let it exit while the worker idles.
   */
  updateRef(): void {
    const want = this.pending > 0 || this.state === "stopping";
    if (want !== this.#referenced) {
      this.#referenced = want;
      this.handle.ref(want);
    }
  }
}
