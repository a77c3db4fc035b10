/**
 * A client's side of Redis: the BullMQ `Queue` it adds chunks to, the
 * `QueueEvents` stream it reads their outcomes from, the advertised worker
 * count, and a watchdog that settles every pending call with a
 * `ProcessError` naming the address when Redis stays unreachable.
 *
 * @module
 */
import { type ConnectionOptions, type JobsOptions, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { ProcessError, WorkerLostError } from "../errors.ts";
import {
  cancelChannel,
  hostsKey,
  JOB_NAME,
  type JobData,
  type JobResult,
  liveProcesses,
} from "./protocol.ts";
import type { ResolvedRedis } from "./redis_options.ts";

/** Something pending that the board may have to fail (a call of a pool). */
export interface PendingCall {
  /** Settle it with `error` (idempotent). */
  fail(error: unknown): void;
}

/** Receives one job's outcome: its result, or the error it failed with. */
export type JobHandler = (ok: boolean, value: JobResult | unknown) => void;

/** How often the advertised worker count is read again (ms). */
const PROCESSES_TTL_MS = 2_000;
/** How long a close waits for BullMQ before dropping the connections (ms). */
const CLOSE_WAIT_MS = 2_000;

function jobError(jobId: string, reason: string): Error {
  if (/stalled more than allowable limit/i.test(reason)) {
    return new WorkerLostError(
      `Chunk ${jobId} was lost: the worker hosts that took it died or stopped renewing its ` +
        `lock (${reason})`,
    );
  }
  return new ProcessError(`Chunk ${jobId} failed on a worker host: ${reason}`);
}

function within<T>(promise: Promise<T>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(() => {}, () => {}).finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A client's connection to one queue. */
export class JobBoard {
  readonly address: string;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #redis: Redis;
  readonly #queue: Queue<JobData, JobResult>;
  readonly #events: Promise<QueueEvents>;
  readonly #jobs = new Map<string, JobHandler>();
  readonly #calls = new Set<PendingCall>();
  readonly #unreachableMs: number;
  #batch: { name: string; data: JobData; opts: JobsOptions }[] = [];
  #downTimer: ReturnType<typeof setTimeout> | undefined;
  #unreachable: ProcessError | undefined;
  #lastError = "not connected yet";
  #processes = 0;
  #processesAt = -Infinity;
  #closed: Promise<void> | undefined;

  /**
   * Connect to `queue`.
   *
   * @param redis Where Redis is.
   * @param queue The queue name.
   * @param prefix BullMQ key prefix.
   * @param unreachableMs How long Redis may stay unreachable before pending calls fail.
   */
  constructor(redis: ResolvedRedis, queue: string, prefix: string, unreachableMs: number) {
    this.address = redis.address;
    this.#queueName = queue;
    this.#prefix = prefix;
    this.#unreachableMs = unreachableMs;
    this.#redis = new Redis(redis.options);
    this.#redis.on("error", (error: Error) => this.#lastError = error.message);
    this.#redis.on("close", () => this.#lost());
    this.#redis.on("ready", () => this.#found());
    this.#lost();
    this.#queue = new Queue<JobData, JobResult>(queue, { connection: this.#redis, prefix });
    this.#queue.on("error", (error: Error) => this.#lastError = error.message);
    this.#events = this.#openEvents(redis);
    // Its failure reaches callers through #flush; never an unhandled rejection.
    this.#events.catch(() => {});
  }

  /** Read outcomes from the end of the events stream as it is now, so none is missed. */
  async #openEvents(redis: ResolvedRedis): Promise<QueueEvents> {
    const key = `${this.#prefix}:${this.#queueName}:events`;
    const last = await this.#redis.xrevrange(key, "+", "-", "COUNT", 1);
    const lastEventId = last.length > 0 ? last[0][0] : "0-0";
    if (this.#closed !== undefined) throw new ProcessError("Pool closed");
    const events = new QueueEvents(this.#queueName, {
      connection: redis.options as ConnectionOptions,
      prefix: this.#prefix,
      lastEventId,
    });
    events.on("error", (error: Error) => this.#lastError = error.message);
    events.on("completed", ({ jobId, returnvalue }) => {
      const value = typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue;
      this.#settleJob(jobId, true, value);
    });
    events.on("failed", ({ jobId, failedReason }) => {
      this.#settleJob(jobId, false, jobError(jobId, failedReason));
    });
    await events.waitUntilReady();
    // Known early, for the read-ahead of an imap() started before any map().
    this.processes().catch(() => {});
    return events;
  }

  #settleJob(jobId: string, ok: boolean, value: unknown): void {
    const handler = this.#jobs.get(jobId);
    if (handler === undefined) return;
    this.#jobs.delete(jobId);
    handler(ok, value);
  }

  #lost(): void {
    if (this.#downTimer !== undefined || this.#closed !== undefined) return;
    this.#downTimer = setTimeout(() => {
      this.#unreachable = new ProcessError(
        `Cannot reach Redis at ${this.address} (queue '${this.#queueName}') for ` +
          `${this.#unreachableMs} ms: ${this.#lastError}`,
      );
      this.failAll(this.#unreachable);
    }, this.#unreachableMs);
  }

  #found(): void {
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
    this.#unreachable = undefined;
  }

  /** Calls not yet settled. */
  get pendingCalls(): number {
    return this.#calls.size;
  }

  /**
   * Track a call until {@link done}; fails it at once when Redis is known unreachable.
   *
   * @param call The call.
   */
  track(call: PendingCall): void {
    if (this.#unreachable !== undefined) return call.fail(this.#unreachable);
    this.#calls.add(call);
  }

  /**
   * A tracked call has settled.
   *
   * @param call The call.
   */
  done(call: PendingCall): void {
    this.#calls.delete(call);
  }

  /**
   * Settle every tracked call with `error` and forget their jobs.
   *
   * @param error The reason.
   */
  failAll(error: unknown): void {
    const calls = [...this.#calls];
    this.#calls.clear();
    this.#jobs.clear();
    for (const call of calls) call.fail(error);
  }

  /**
   * Add a chunk (sent with the others added in the same tick, in one round trip).
   *
   * @param jobId Its deterministic id.
   * @param data What the host runs.
   * @param handler Gets its outcome.
   */
  add(jobId: string, data: JobData, handler: JobHandler): void {
    this.#jobs.set(jobId, handler);
    if (this.#batch.length === 0) queueMicrotask(() => void this.#flush());
    this.#batch.push({
      name: JOB_NAME,
      data,
      opts: { jobId, removeOnComplete: true, removeOnFail: true },
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    try {
      await this.#events;
      await this.#queue.addBulk(batch);
    } catch (error) {
      for (const { opts } of batch) {
        this.#settleJob(
          opts.jobId!,
          false,
          new ProcessError(
            `Cannot add chunk ${opts.jobId} to queue '${this.#queueName}' at ${this.address}: ${
              (error as Error).message
            }`,
            { cause: error },
          ),
        );
      }
    }
  }

  /**
   * Live worker count the hosts advertise (cached for a moment); 0 when none or unknown.
   *
   * @returns Resolves with the count.
   */
  async processes(): Promise<number> {
    if (performance.now() - this.#processesAt < PROCESSES_TTL_MS) return this.#processes;
    const entries = await this.#redis.hgetall(hostsKey(this.#prefix, this.#queueName));
    this.#processes = liveProcesses(entries, Date.now());
    this.#processesAt = performance.now();
    return this.#processes;
  }

  /** The last count read (0 before the first read). */
  get knownProcesses(): number {
    return this.#processes;
  }

  /**
   * Remove `jobIds` that no host has taken yet, and tell hosts to cancel the
   * ones of pool `poolId` they hold.
   *
   * @param poolId The terminating pool.
   * @param jobIds Its unanswered chunks.
   */
  async cancel(poolId: string, jobIds: readonly string[]): Promise<void> {
    if (this.#redis.status !== "ready") return;
    const removals = jobIds.map((id) => this.#queue.remove(id).catch(() => 0));
    const notice = this.#redis.publish(cancelChannel(this.#prefix, this.#queueName), poolId);
    await within(Promise.all([...removals, notice]), CLOSE_WAIT_MS);
  }

  /** Ids of the chunks not yet answered. */
  get jobIds(): string[] {
    return [...this.#jobs.keys()];
  }

  /**
   * Close the connections (waits a bounded time for BullMQ, then drops them).
   *
   * @returns Resolves once closed.
   */
  close(): Promise<void> {
    return this.#closed ??= this.#close();
  }

  async #close(): Promise<void> {
    clearTimeout(this.#downTimer);
    this.#downTimer = undefined;
    if (this.#redis.status !== "ready") {
      // Nothing to close gracefully; BullMQ would wait for a connection that may never come.
      this.#redis.disconnect();
      await within(this.#events.then((e) => e.disconnect()), CLOSE_WAIT_MS);
      return;
    }
    const events = this.#events.then((e) => within(e.close(), CLOSE_WAIT_MS), () => {});
    await within(events, CLOSE_WAIT_MS);
    await within(this.#queue.close(), CLOSE_WAIT_MS);
    this.#redis.disconnect();
  }
}
