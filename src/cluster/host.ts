/**
 * `serveCluster()`: a worker host. A BullMQ `Worker` on this main thread takes
 * chunks from the queue and feeds them to a local `Pool` per served module
 * (threads or processes), so BullMQ's lock renewal never waits behind
 * CPU-bound work. The host advertises its worker count (for the clients'
 * default chunk size) and listens for cancellations from terminating pools.
 *
 * @module
 */
import { type ConnectionOptions, Worker } from "bullmq";
import { Redis } from "ioredis";
import { hostname } from "node:os";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { checkInteger } from "../args.ts";
import { type Context, cpuCount, Pool } from "../../mod.ts";
import { checkContext } from "../process/start_method.ts";
import { markClusterHost } from "./host_flag.ts";
import { runJob, type ServedModule } from "./host_runner.ts";
import { cancelChannel, hostsKey, type JobData, type JobResult, moduleKey } from "./protocol.ts";
import { type RedisTarget, resolveRedis } from "./redis_options.ts";

/** Options of {@link serveCluster}. */
export interface ServeOptions {
  /** Redis: a `redis://` URL or ioredis options (password, ACL user, TLS pass through). */
  readonly redis: RedisTarget;
  /** BullMQ queue name; clients use the same. */
  readonly queue: string;
  /** The task module(s) whose exports this host runs (paths relative to the working directory, or URLs). */
  readonly module: string | URL | readonly (string | URL)[];
  /** Local workers per module. Default `cpuCount()`. */
  readonly processes?: number;
  /** `"thread"` or `"process"` for the local pool. Default `"thread"`. */
  readonly context?: Context;
  /** BullMQ key prefix. Default `"bull"`. */
  readonly prefix?: string;
  /** Chunks held at once. Default `2 * processes` (one running, one ready per worker). */
  readonly concurrency?: number;
  /** BullMQ lock duration (ms): a dead host's chunks are redelivered about this long after it died. Default 30 000. */
  readonly lockDuration?: number;
  /** How often (ms) this host looks for stalled chunks of dead hosts. Default 30 000. */
  readonly stalledInterval?: number;
  /** Redeliveries of a stalled chunk before it fails with `WorkerLostError`. Default 2 (3 hosts lost). */
  readonly maxStalledCount?: number;
}

const HEARTBEAT_MS = 5_000;

function moduleUrl(module: string | URL): string {
  const text = String(module);
  return /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text)
    ? text
    : pathToFileURL(resolvePath(text)).href;
}

/**
 * A running worker host (see {@link serveCluster}).
 *
 * @example
 * ```ts ignore
 * const host = await serveCluster({ redis, queue: "mp", module: "./tasks.ts" });
 * await host.close();
 * ```
 */
export class ClusterHost {
  /** This host's id in Redis (`hostname-time-random`). */
  readonly id: string;
  /** Local workers per served module. */
  readonly processes: number;
  /** The module keys served. */
  readonly modules: readonly string[];
  readonly #worker: Worker<JobData, JobResult>;
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #served: ServedModule[];
  readonly #hostsKey: string;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #activeByPool = new Map<string, Set<string>>();
  #closing: Promise<void> | undefined;

  /** Use {@link serveCluster}. */
  constructor(
    parts: {
      id: string;
      processes: number;
      served: ServedModule[];
      worker: Worker<JobData, JobResult>;
      redis: Redis;
      sub: Redis;
      hostsKey: string;
    },
  ) {
    this.id = parts.id;
    this.processes = parts.processes;
    this.#served = parts.served;
    this.modules = parts.served.map((s) => s.key);
    this.#worker = parts.worker;
    this.#redis = parts.redis;
    this.#sub = parts.sub;
    this.#hostsKey = parts.hostsKey;
    this.#timer = setInterval(() => this.#heartbeat(), HEARTBEAT_MS);
    this.#heartbeat();
  }

  #heartbeat(): void {
    const expires = Date.now() + 3 * HEARTBEAT_MS;
    this.#redis.hset(this.#hostsKey, this.id, `${this.processes}:${expires}`).catch(() => {});
  }

  /** A job of `pool` started (`id`) or ended (`id`, `false`). */
  track(pool: string, id: string, active: boolean): void {
    let ids = this.#activeByPool.get(pool);
    if (active) {
      if (ids === undefined) this.#activeByPool.set(pool, ids = new Set());
      ids.add(id);
    } else if (ids !== undefined) {
      ids.delete(id);
      if (ids.size === 0) this.#activeByPool.delete(pool);
    }
  }

  /** A pool terminated: cancel the chunks of it this host holds. */
  cancelPool(pool: string): void {
    for (const id of this.#activeByPool.get(pool) ?? []) {
      this.#worker.cancelJob(id, "the submitting pool terminated");
    }
  }

  /**
   * Stop taking chunks, finish the ones held (BullMQ's graceful close), then
   * stop the local pools and leave Redis. Safe to call more than once.
   *
   * @returns Resolves once everything has stopped.
   * @example
   * ```ts ignore
   * await host.close();
   * ```
   */
  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  async #close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#worker.close().catch(() => {});
    await Promise.all(this.#served.map(async ({ pool }) => {
      pool.close();
      await pool.join();
    }));
    await this.#redis.hdel(this.#hostsKey, this.id).catch(() => {});
    this.#redis.disconnect();
    this.#sub.disconnect();
  }
}

/**
 * Serve a queue until closed: run the chunks clients submit, with a local
 * `Pool` per module. Jobs naming anything but an export of `module` fail
 * without running.
 *
 * @param options Where Redis is, the queue, the module(s), local workers.
 * @returns The host, once its worker is connected.
 * @throws {TypeError} / {RangeError} On bad options.
 * @example
 * ```ts ignore
 * import { serveCluster } from "@seed/multiprocessing/cluster";
 * const host = await serveCluster({
 *   redis: "redis://127.0.0.1:6379",
 *   queue: "mp",
 *   module: "./tasks.ts",
 *   processes: 4,
 *   context: "process",
 * });
 * process.on("SIGTERM", () => host.close());
 * ```
 */
export async function serveCluster(options: ServeOptions): Promise<ClusterHost> {
  const what = "serve cluster";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${what}: 'options' must be an object`);
  }
  const redis = resolveRedis(options.redis, what);
  if (typeof options.queue !== "string" || options.queue === "") {
    throw new TypeError(`Cannot ${what}: 'queue' must be a non-empty string`);
  }
  const modules = ([] as (string | URL)[]).concat(options.module as string | (string | URL)[]);
  if (modules.length === 0 || modules.some((m) => typeof m !== "string" && !(m instanceof URL))) {
    throw new TypeError(`Cannot ${what}: 'module' must be a path, a URL or a list of them`);
  }
  const processes = options.processes === undefined
    ? cpuCount()
    : checkInteger(what, "processes", options.processes, { min: 1 });
  const context = options.context === undefined
    ? "thread"
    : checkContext(options.context, `Cannot ${what}`);
  const ms = (name: "lockDuration" | "stalledInterval", fallback: number): number =>
    options[name] === undefined ? fallback : checkInteger(what, name, options[name], { min: 1 });
  const lockDuration = ms("lockDuration", 30_000);
  const stalledInterval = ms("stalledInterval", 30_000);
  const maxStalledCount = options.maxStalledCount === undefined
    ? 2
    : checkInteger(what, "maxStalledCount", options.maxStalledCount);
  const concurrency = options.concurrency === undefined
    ? 2 * processes
    : checkInteger(what, "concurrency", options.concurrency, { min: 1 });
  const prefix = options.prefix ?? "bull";

  markClusterHost();
  const served: ServedModule[] = [];
  for (const module of modules) {
    const url = moduleUrl(module);
    const namespace = await import(url) as Record<string, unknown>;
    const pool = new Pool({ processes, context, module: url, lazy: true });
    served.push({ key: moduleKey(url), url, namespace, pool, processes });
  }
  const byKey = new Map(served.map((s) => [s.key, s]));
  const id = `${hostname()}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const ref: { host?: ClusterHost } = {};
  const worker = new Worker<JobData, JobResult>(options.queue, async (job, _token, signal) => {
    const pool = (job.data as { p?: unknown }).p;
    const key = typeof pool === "string" ? pool : "";
    ref.host?.track(key, job.id!, true);
    try {
      return await runJob(job.data, byKey, signal);
    } finally {
      ref.host?.track(key, job.id!, false);
    }
  }, {
    connection: redis.options as ConnectionOptions,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    // An idle worker long-polls this many seconds; a stalled chunk moved back to the
    // queue may wait that long for it, so it is kept near the stalled-check period.
    drainDelay: Math.max(1, Math.min(5, Math.round(stalledInterval / 1000))),
    autorun: false,
  });
  worker.on("error", () => {
    // Connection errors: ioredis reconnects and BullMQ resumes; nothing to settle here.
  });
  const command = new Redis({ ...redis.options, lazyConnect: false });
  command.on("error", () => {});
  const sub = new Redis(redis.options);
  sub.on("error", () => {});
  const channel = cancelChannel(prefix, options.queue);
  const host = ref.host = new ClusterHost({
    id,
    processes,
    served,
    worker,
    redis: command,
    sub,
    hostsKey: hostsKey(prefix, options.queue),
  });
  sub.on("message", (_channel: string, message: string) => host.cancelPool(message));
  await sub.subscribe(channel);
  void worker.run().catch(() => {});
  await worker.waitUntilReady();
  return host;
}
