/**
 * The pool's engine: starts and replaces workers, queues tasks and sends them
 * in batches (many tasks for one worker travel in one message), routes
 * batched results back to their sinks, and settles everything on worker
 * loss, initializer failure and termination.
 *
 * Dispatch keeps each worker's queue about `TARGET_QUEUE_MS` of work deep,
 * using a moving average of the worker-measured task time, so short tasks
 * travel in large batches while long tasks are handed out one or two at a
 * time (good balance at the end of a run).
 *
 * A worker's death fails only the task that killed it (see `lost_tasks.ts`
 * for how its unanswered tasks are sorted out); the rest run on other
 * workers. Only workers that die before they are ready count toward giving
 * the pool up, so crashing tasks never break it.
 *
 * @module
 */
import { MaybeEncodingError, ProcessError, WorkerLostError } from "../errors.ts";
import { childDepth } from "../process/bootstrap_guard.ts";
import { getBackend } from "../runtime/backend.ts";
import type { Backend, Context, ExitInfo, ResourceLimits } from "../runtime/types.ts";
import { workerEntryUrl } from "../runtime/worker_url.ts";
import { decodeError, type WireError } from "../transport/error_codec.ts";
import type {
  ExitingMessage,
  FromWorker,
  FunctionRef,
  PoolWorkerData,
  SourceFunction,
  WireEncodingFailure,
} from "../transport/protocol.ts";
import { MODE_APPLY, STATUS_ENCODING, STATUS_OK } from "../transport/protocol.ts";
import { findUncloneable } from "../transport/clone_check.ts";
import { jsonBatch, readBatch } from "../transport/json_batch.ts";
import { packedBuffers, unpackNumbers } from "../transport/numeric_pack.ts";
import { type RpcRequest, serveRpc } from "../transport/rpc.ts";
import { initFailureMessage } from "./init_failure.ts";
import type { Task, TaskSource } from "./task.ts";
import { TaskQueue } from "./task_queue.ts";
import { sortLostTasks } from "./lost_tasks.ts";
import { WorkerSlot } from "./worker_slot.ts";

const TARGET_QUEUE_MS = 4;
const MAX_WINDOW = 4096;
const STOP_GRACE_MS = 5000;
let workerCounter = 0;

/** What the scheduler needs to start workers. */
export interface SchedulerConfig {
  readonly processes: number;
  readonly context: Context;
  readonly module: string | undefined;
  readonly initializer: FunctionRef | undefined;
  readonly initargs: readonly unknown[];
  readonly maxtasksperchild: number | undefined;
  /** Start the workers at the first task rather than at once. */
  readonly lazy: boolean;
  /** Memory caps for each worker (`PoolOptions.resourceLimits`). */
  readonly resourceLimits?: ResourceLimits;
}

/** Runs tasks on a set of workers. */
export class Scheduler {
  readonly #config: SchedulerConfig;
  #backend: Backend | undefined;
  #slots: WorkerSlot[] = [];
  /** Tasks, and sources that cut tasks lazily, in submission order. */
  #queue = new TaskQueue();
  #started = false;
  #dispatchQueued = false;
  #taskMs: number | undefined;
  #broken: unknown;
  #terminated = false;
  #closing = false;
  #producers = 0;
  #idleWaiters: (() => void)[] = [];
  /** Workers in a row that died before they were ready. */
  #earlyDeaths = 0;

  /** @param config Pool settings. */
  constructor(config: SchedulerConfig) {
    this.#config = config;
    getBackend(config.context).then(
      (backend) => {
        if (this.#terminated) return;
        this.#backend = backend;
        if (!config.lazy || this.#queue.size > 0) this.#startWorkers();
      },
      (error) =>
        this.#break(new ProcessError(`Cannot start pool: ${String(error)}`, { cause: error })),
    );
  }

  /** Worker handles, for pids and tests. */
  get slots(): readonly WorkerSlot[] {
    return this.#slots;
  }

  /** The error that broke the pool (failing initializer), if any. */
  get broken(): unknown {
    return this.#broken;
  }

  /**
   * Queue a task.
   *
   * @param task The task.
   */
  submit(task: Task): void {
    if (this.#broken !== undefined || this.#terminated) {
      task.sink.settleTask(task, false, this.#broken ?? new ProcessError("Pool not running"));
      return;
    }
    this.#enqueue(task);
  }

  /**
   * Queue a source of tasks (cut lazily when workers have room).
   *
   * @param source The source.
   */
  submitSource(source: TaskSource): void {
    if (this.#broken !== undefined || this.#terminated) {
      source.abandon(this.#broken ?? new ProcessError("Pool not running"));
      return;
    }
    this.#enqueue(source);
  }

  #startWorkers(): void {
    if (this.#started || this.#terminated || this.#broken !== undefined) return;
    this.#started = true;
    for (let i = 0; i < this.#config.processes; i++) this.#spawn();
    this.#dispatch();
  }

  #enqueue(entry: Task | TaskSource): void {
    this.#queue.push(entry);
    if (!this.#dispatchQueued) {
      this.#dispatchQueued = true;
      queueMicrotask(() => this.#dispatch());
    }
  }

  /** Number of tasks queued or running. */
  get outstanding(): number {
    let n = this.#queue.size;
    for (const slot of this.#slots) n += slot.pending;
    return n;
  }

  /** An imap feeder starts (join waits for it to finish reading). */
  addProducer(): void {
    this.#producers++;
  }

  /** An imap feeder finished. */
  removeProducer(): void {
    this.#producers--;
    this.#checkIdle();
  }

  /** Whether `close()` was called: feeders should read their input to the end. */
  get closing(): boolean {
    return this.#closing;
  }

  /** No more tasks will be submitted. */
  close(): void {
    this.#closing = true;
    this.#checkIdle();
  }

  /**
   * Wait for all work to finish, then stop the workers gracefully.
   *
   * @returns Once every worker has exited.
   */
  async join(): Promise<void> {
    if (!this.#terminated) {
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
        this.#checkIdle();
      });
    }
    await Promise.all(this.#slots.map((slot) => this.#stop(slot)));
  }

  /**
   * Stop all workers now and reject everything unsettled.
   *
   * @returns Once every worker has ended.
   */
  async terminate(): Promise<void> {
    if (!this.#terminated) {
      this.#terminated = true;
      this.#closing = true;
      this.#rejectAll(new ProcessError("Pool terminated before the task finished"));
    }
    const slots = this.#slots.slice();
    await Promise.all(slots.map((slot) => {
      if (slot.state !== "dead") slot.state = "stopping";
      slot.updateRef();
      void slot.handle.terminate();
      return slot.exited;
    }));
    this.#wakeIdle();
  }

  #spawn(): void {
    if (this.#broken !== undefined) return;
    const backend = this.#backend!;
    const prefix = this.#config.context === "process" ? "ForkPoolWorker" : "ThreadPoolWorker";
    const name = `${prefix}-${++workerCounter}`;
    const progress = backend.sharesMemory ? new SharedArrayBuffer(8) : undefined;
    const workerData: PoolWorkerData = {
      role: "pool",
      name,
      module: this.#config.module,
      initializer: this.#config.initializer,
      initargs: this.#config.initargs,
      progress,
      depth: childDepth(),
    };
    const { resourceLimits } = this.#config;
    let handle;
    try {
      handle = backend.spawn({ url: workerEntryUrl(), name, workerData, resourceLimits });
    } catch (error) {
      // A worker that cannot even be started (a permission the runtime refuses, ...).
      const reason = error instanceof Error ? error.message : String(error);
      this.#break(new ProcessError(`Cannot start a pool worker: ${reason}`, { cause: error }));
      return;
    }
    const slot = new WorkerSlot(handle, name, progress && new Int32Array(progress));
    handle.onMessage((message) => this.#onMessage(slot, message as FromWorker | RpcRequest));
    handle.onExit((info) => this.#onExit(slot, info));
    this.#slots.push(slot);
    slot.updateRef();
  }

  #window(): number {
    const ms = this.#taskMs;
    if (ms === undefined) return 2;
    // Near the end of the queued work, hold less of it in each worker: what a
    // worker holds when the queue runs dry is the imbalance at the finish.
    const left = this.#queue.estimate() * ms / (2 * Math.max(1, this.#slots.length));
    const depth = Math.min(TARGET_QUEUE_MS, left);
    const n = Math.ceil(depth / Math.max(ms, 1e-4));
    return Math.min(MAX_WINDOW, Math.max(ms < 20 ? 2 : 1, n));
  }

  #accepting(slot: WorkerSlot): boolean {
    const max = this.#config.maxtasksperchild;
    return slot.state === "live" && !slot.quarantined &&
      (max === undefined || slot.assigned < max);
  }

  /** Start workers in place of those that ended or retired, while work may remain. */
  #replenish(): void {
    if (this.#closing && this.#queue.size === 0 && this.#producers === 0) return;
    let live = 0;
    for (const slot of this.#slots) if (slot.state === "live") live++;
    for (; live < this.#config.processes; live++) this.#spawn();
  }

  #dispatch(): void {
    this.#dispatchQueued = false;
    if (this.#backend === undefined || this.#broken !== undefined || this.#terminated) return;
    if (!this.#started) return this.#startWorkers();
    this.#replenish();
    // The task time measured so far belongs to earlier work (often the small
    // last chunks of the previous map); a new map's first chunks can be far
    // larger, so they go two per worker until one of them has finished.
    const window = this.#queue.frontUnmeasured() ? Math.min(2, this.#window()) : this.#window();
    while (this.#queue.size > 0) {
      if (this.#queue.frontSuspect()) {
        const idle = this.#slots.find((slot) => this.#accepting(slot) && slot.pending === 0);
        if (idle === undefined) break;
        this.#send(idle, 1);
        continue;
      }
      let best: WorkerSlot | undefined;
      let accepting = 0;
      for (const slot of this.#slots) {
        if (!this.#accepting(slot) || slot.pending >= window) continue;
        accepting++;
        if (best === undefined || slot.pending < best.pending) best = slot;
      }
      if (best === undefined) break;
      let n = Math.min(window - best.pending, Math.ceil(this.#queue.estimate() / accepting));
      const max = this.#config.maxtasksperchild;
      if (max !== undefined) n = Math.min(n, max - best.assigned);
      this.#send(best, Math.max(1, n));
    }
  }

  #send(slot: WorkerSlot, n: number): boolean {
    const tasks = this.#queue.take(n);
    if (tasks.length === 0) return false;
    if (tasks[0].losses > 0) slot.quarantined = true;
    const fns: SourceFunction[] = [];
    const batch: unknown[] = [];
    for (const task of tasks) {
      const source = task.source;
      if (source !== undefined && !slot.seen.has(source[0])) {
        slot.seen.add(source[0]);
        fns.push(source);
      }
      batch.push(0, task.key, task.mode, task.payload);
    }
    try {
      const text = this.#backend!.jsonBatches ? jsonBatch(batch, 4, 3) : undefined;
      const wire = text ?? batch;
      slot.handle.post(
        fns.length > 0 ? { t: "tasks", fns, batch: wire } : { t: "tasks", batch: wire },
        text === undefined ? packedBuffers(batch, 4, 3) : undefined,
      );
      for (const task of tasks) slot.push(task);
    } catch {
      // Something could not be cloned: send one by one and fail only those.
      for (const task of tasks) this.#sendOne(slot, task);
    }
    slot.updateRef();
    return true;
  }

  #sendOne(slot: WorkerSlot, task: Task): void {
    const source = task.source;
    const fns = source !== undefined ? [source] : undefined;
    try {
      const batch = [0, task.key, task.mode, task.payload];
      slot.handle.post({ t: "tasks", fns, batch }, packedBuffers(batch, 4, 3));
      slot.push(task);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const culprit = findUncloneable(task.payload, task.mode === MODE_APPLY ? "args" : "items");
      const detail = culprit === undefined ? reason : `${culprit} could not be cloned (${reason})`;
      task.sink.settleTask(
        task,
        false,
        new TypeError(`Cannot send the task's arguments to the worker: ${detail}`, {
          cause: error,
        }),
      );
    }
  }

  #onMessage(slot: WorkerSlot, message: FromWorker | RpcRequest): void {
    switch (message.t) {
      case "results":
        this.#onResults(slot, readBatch(message.batch), message.busy ?? 0);
        break;
      case "ready":
        slot.ready = true;
        this.#earlyDeaths = 0;
        break;
      case "exiting":
        slot.report = message as ExitingMessage;
        break;
      case "initError":
        this.#break(
          new ProcessError(initFailureMessage(message.error), {
            cause: decodeError(message.error),
          }),
        );
        break;
      case "rpc":
        serveRpc(message, (reply) => slot.handle.post(reply));
        break;
    }
  }

  #onResults(slot: WorkerSlot, batch: readonly unknown[], busy: number): void {
    const count = batch.length / 3;
    for (let i = 0; i < batch.length; i += 3) {
      const task = slot.shift();
      if (task === undefined) break;
      if (task.sink.observe !== undefined) task.sink.observe(task, busy / count);
      const status = batch[i + 1];
      const value = batch[i + 2];
      if (status === STATUS_OK) {
        task.sink.settleTask(
          task,
          true,
          value instanceof Float64Array ? unpackNumbers(value) : value,
        );
      } else if (status === STATUS_ENCODING) {
        const failure = value as WireEncodingFailure;
        task.sink.settleTask(
          task,
          false,
          new MaybeEncodingError(decodeError(failure.error), failure.repr),
        );
      } else task.sink.settleTask(task, false, decodeError(value as WireError));
    }
    if (slot.pending === 0) slot.quarantined = false;
    if (count > 0) {
      const per = busy / count;
      this.#taskMs = this.#taskMs === undefined ? per : this.#taskMs * 0.7 + per * 0.3;
    }
    const max = this.#config.maxtasksperchild;
    if (max !== undefined && slot.state === "live" && slot.completed >= max && slot.pending === 0) {
      void this.#stop(slot); // #dispatch starts its replacement while work may remain
    }
    this.#dispatch();
    slot.updateRef();
    this.#checkIdle();
  }

  #stop(slot: WorkerSlot): Promise<void> {
    if (slot.state === "dead" || slot.state === "stopping") return slot.exited;
    slot.state = "stopping";
    slot.updateRef();
    try {
      slot.handle.post({ t: "stop" });
    } catch {
      void slot.handle.terminate();
    }
    const timer = setTimeout(() => void slot.handle.terminate(), STOP_GRACE_MS);
    return slot.exited.then(() => clearTimeout(timer));
  }

  #onExit(slot: WorkerSlot, info: ExitInfo): void {
    const expected = slot.state === "stopping";
    const first = slot.completed;
    slot.markDead();
    this.#slots = this.#slots.filter((s) => s !== slot);
    const unanswered = slot.drain();
    const code = slot.report?.code ?? info.code;
    const how = info.signal !== undefined
      ? `was killed by ${info.signal}`
      : `exited with code ${code}`;
    const cause = slot.report?.error !== undefined ? decodeError(slot.report.error) : info.error;
    if (unanswered.length > 0) {
      const { failed, retry } = sortLostTasks(unanswered, first, slot.report, slot.progress);
      for (const task of failed) {
        const what = task.losses > 1
          ? "holding this task unanswered, the second worker to die that way"
          : "while running this task";
        task.sink.settleTask(
          task,
          false,
          new WorkerLostError(`Worker ${slot.name} ${how} ${what}`, {
            code,
            signal: info.signal,
            cause,
          }),
        );
      }
      this.#queue.requeue(retry);
    }
    if (!expected && !slot.ready && !this.#terminated && this.#broken === undefined) {
      if (++this.#earlyDeaths > this.#config.processes + 3) {
        this.#break(
          new ProcessError(
            `Pool workers keep dying before they are ready (last: ${slot.name} ${how})`,
            { cause },
          ),
        );
      }
    }
    this.#dispatch();
    this.#checkIdle();
  }

  #break(error: unknown): void {
    if (this.#broken !== undefined) return;
    this.#broken = error;
    this.#rejectAll(error);
    for (const slot of this.#slots) {
      slot.state = "stopping";
      void slot.handle.terminate();
    }
    this.#checkIdle();
  }

  #rejectAll(error: unknown): void {
    this.#queue.fail(error);
    for (const slot of this.#slots) {
      for (const task of slot.drain()) task.sink.settleTask(task, false, error);
    }
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#closing) return;
    if (this.#producers > 0 || this.outstanding > 0) return;
    this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
