/**
 * Worker lifecycle: starts and replaces the pool's workers, queues tasks and
 * hands them to workers in batches, routes results back to their sinks, and
 * settles everything on worker loss, initializer failure and termination.
 *
 * How many tasks each worker holds is the dispatch policy's
 * (`dispatch_policy.ts`); how they travel is the batch codec's
 * (`transport/batch_codec.ts`).
 *
 * A worker's death fails only the task that killed it (see `lost_tasks.ts`
 * for how its unanswered tasks are sorted out); the rest run on other
 * workers. Only workers that die before they are ready count toward giving
 * the pool up, so crashing tasks never break it.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";
import { getBackend } from "../runtime/backend.ts";
import type { Backend, ExitInfo } from "../runtime/types.ts";
import { readResult, resultBatch, resultCount, sendTasks } from "../transport/batch_codec.ts";
import { decodeError } from "../transport/error_codec.ts";
import {
  type ExitingMessage,
  type FromWorker,
  MODE_APPLY,
  type SourceFunction,
} from "../transport/protocol.ts";
import { serveWorkerRpc } from "../transport/rpc.ts";
import { nextBatch, nextTaskMs, queueWindow, signalMayQueue } from "./dispatch_policy.ts";
import { initFailureMessage } from "./init_failure.ts";
import type { Task, TaskSource } from "./task.ts";
import { TaskQueue } from "./task_queue.ts";
import { Canceller } from "./canceller.ts";
import { settleKilledTasks, settleLostTasks } from "./lost_tasks.ts";
import { type SchedulerConfig, spawnWorkerSlot, type WorkerSlot } from "./worker_slot.ts";

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
  /** Aborts tasks (signals, timeouts, `cancel()`). */
  readonly canceller: Canceller;

  /** @param config Pool settings. */
  constructor(config: SchedulerConfig) {
    this.#config = config;
    this.canceller = new Canceller({
      grace: config.abortGrace,
      drop: (task) => {
        this.#queue.drop(task);
        this.#checkIdle();
      },
      kill: (slot) => this.#kill(slot),
    });
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
    await Promise.all(this.#slots.map((slot) => slot.stop()));
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
    let slot: WorkerSlot;
    try {
      slot = spawnWorkerSlot(this.#backend!, this.#config);
    } catch (error) {
      // A worker that cannot even be started (a permission the runtime refuses, ...).
      const reason = error instanceof Error ? error.message : String(error);
      this.#break(new ProcessError(`Cannot start a pool worker: ${reason}`, { cause: error }));
      return;
    }
    const handle = slot.handle;
    handle.onMessage((message) => {
      if (!serveWorkerRpc(message, (reply) => slot.handle.post(reply))) {
        this.#onMessage(slot, message as FromWorker);
      }
    });
    handle.onExit((info) => this.#onExit(slot, info));
    this.#slots.push(slot);
    slot.updateRef();
  }

  /** Tasks a worker may still be given now: 0 while it takes none. */
  #room(slot: WorkerSlot): number {
    if (slot.state !== "live" || slot.quarantined) return 0;
    const max = this.#config.maxtasksperchild;
    return max === undefined ? Infinity : Math.max(0, max - slot.assigned);
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
    const queue = this.#queue;
    const window = queueWindow(
      this.#taskMs,
      queue.estimate(),
      this.#slots.length,
      queue.frontUnmeasured(),
    );
    const room = (slot: WorkerSlot) => this.#room(slot);
    while (queue.size > 0) {
      if (queue.frontSuspect()) {
        // A suspect goes alone, to a worker that holds nothing.
        const idle = this.#slots.find((slot) => slot.pending === 0 && room(slot) > 0);
        if (idle === undefined) break;
        this.#send(idle, 1);
        continue;
      }
      const batch = nextBatch(this.#slots, window, queue.estimate(), room);
      if (batch === undefined || !this.#send(batch.worker, batch.count)) break;
    }
  }

  #send(slot: WorkerSlot, n: number): boolean {
    const busy = slot.pending > 0;
    const pipe = signalMayQueue(this.#taskMs, busy, slot.answeredAt);
    const tasks = this.#queue.take(n, pipe ? "any" : busy ? "none" : "first");
    if (tasks.length === 0) return false;
    if (tasks[0].losses > 0) slot.quarantined = true;
    const fns: SourceFunction[] = [];
    for (const task of tasks) {
      const source = task.source;
      if (source !== undefined && !slot.seen.has(source[0])) {
        slot.seen.add(source[0]);
        fns.push(source);
      }
    }
    sendTasks(
      (message, transfer) => slot.handle.post(message, transfer),
      tasks,
      fns,
      this.#backend!.jsonBatches === true,
      (task) => slot.push(task),
      (task, error) => {
        // Its function's source went with it, or nowhere: send it again with the next task.
        if (task.source !== undefined) slot.seen.delete(task.source[0]);
        task.sink.settleTask(task, false, error);
      },
    );
    slot.updateRef();
    this.canceller.advanced(slot);
    return true;
  }

  #onMessage(slot: WorkerSlot, message: FromWorker): void {
    switch (message.t) {
      case "results":
        this.#onResults(slot, resultBatch(message), message.busy ?? 0);
        break;
      case "ready":
        slot.ready = true;
        this.#earlyDeaths = 0;
        this.canceller.advanced(slot);
        break;
      case "abortSeen":
        slot.heardAt = performance.now();
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
    }
  }

  #onResults(slot: WorkerSlot, batch: readonly unknown[], busy: number): void {
    slot.answeredAt = slot.heardAt = performance.now();
    const count = resultCount(batch);
    for (let i = 0; i < count; i++) {
      const task = slot.shift();
      if (task === undefined) break;
      if (task.sink.observe !== undefined) task.sink.observe(task, busy / count);
      const { ok, value } = readResult(batch, i, task.mode !== MODE_APPLY);
      task.sink.settleTask(task, ok, value);
    }
    if (slot.pending === 0) slot.quarantined = false;
    this.canceller.advanced(slot);
    this.#taskMs = nextTaskMs(this.#taskMs, busy, count);
    const max = this.#config.maxtasksperchild;
    if (max !== undefined && slot.state === "live" && slot.completed >= max && slot.pending === 0) {
      void slot.stop(); // #dispatch starts its replacement while work may remain
    }
    this.#dispatch();
    slot.updateRef();
    this.#checkIdle();
  }

  /** An aborted task outlived its grace period: stop its worker; its other tasks run elsewhere. */
  #kill(slot: WorkerSlot): void {
    if (slot.state === "dead") return;
    slot.state = "stopping";
    this.#queue.requeue(settleKilledTasks(slot));
    slot.updateRef();
    void slot.handle.terminate();
    this.#dispatch();
    this.#checkIdle();
  }

  #onExit(slot: WorkerSlot, info: ExitInfo): void {
    const expected = slot.state === "stopping";
    const first = slot.completed;
    slot.markDead();
    this.#slots = this.#slots.filter((s) => s !== slot);
    const { how, cause, retry } = settleLostTasks(slot, info, first);
    this.#queue.requeue(retry);
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
