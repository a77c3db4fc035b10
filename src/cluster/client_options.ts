/**
 * `ClusterPool`'s options and arguments: where the cluster is, the task
 * module, chunk sizes, and the rule that functions travel by reference only.
 *
 * @module
 */
import type { Chunksize } from "../../mod.ts";
import { checkInteger, describe } from "../args.ts";
import { isChunkStrategy } from "../pool/chunking.ts";
import { type RedisTarget, type ResolvedRedis, resolveRedis } from "./redis_options.ts";

/** Where the cluster is. */
export interface ClusterOptions {
  /** Redis: a `redis://` / `rediss://` URL or ioredis options (password, ACL user, TLS pass through). */
  readonly redis: RedisTarget;
  /** BullMQ queue name the worker hosts serve. */
  readonly queue: string;
  /** BullMQ key prefix. Default `"bull"`. */
  readonly prefix?: string;
  /** How long (ms) Redis may stay unreachable before pending calls fail with `ProcessError`. Default 10 000. */
  readonly unreachableTimeout?: number;
}

/** Options of `new ClusterPool(...)`. */
export interface ClusterPoolOptions {
  /** Where the cluster is: Redis and the queue. */
  readonly cluster: ClusterOptions;
  /** The module (usually `import.meta.url`) whose exports the hosts run; they serve a module of the same file name. */
  readonly module: string | URL;
}

/** Checked options. */
export interface ResolvedClusterOptions {
  readonly redis: ResolvedRedis;
  /** The module's URL. */
  readonly module: string;
  readonly queue: string;
  readonly prefix: string;
  /** `unreachableTimeout`, ms. */
  readonly unreachable: number;
}

/**
 * Check `new ClusterPool(options)`'s options.
 *
 * @param options The caller's value.
 * @returns The checked options.
 * @throws {TypeError} On a missing or malformed option.
 * @throws {RangeError} On a negative `unreachableTimeout`.
 * @example
 * ```ts
 * import { resolveClusterOptions } from "./client_options.ts";
 * const o = resolveClusterOptions({ cluster: { redis: "redis://h:1", queue: "q" }, module: "file:///t.ts" });
 * console.log(o.redis.address); // "h:1"
 * ```
 */
export function resolveClusterOptions(options: unknown): ResolvedClusterOptions {
  const what = "create ClusterPool";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Cannot ${what}: 'options' must be an object, received ${describe(options)}`,
    );
  }
  const { cluster, module } = options as Partial<ClusterPoolOptions>;
  if (typeof cluster !== "object" || cluster === null) {
    throw new TypeError(
      `Cannot ${what}: 'cluster' must be an object, received ${describe(cluster)}`,
    );
  }
  if (typeof module !== "string" && !(module instanceof URL)) {
    throw new TypeError(
      `Cannot ${what}: 'module' must be the URL of the module whose exports the hosts run ` +
        `(e.g. import.meta.url), received ${describe(module)}`,
    );
  }
  if (typeof cluster.queue !== "string" || cluster.queue === "") {
    throw new TypeError(
      `Cannot ${what}: 'cluster.queue' must be a non-empty string, received ${
        describe(cluster.queue)
      }`,
    );
  }
  const unreachable = cluster.unreachableTimeout ?? 10_000;
  if (typeof unreachable !== "number" || !(unreachable >= 0)) {
    throw new RangeError(
      `Cannot ${what}: 'cluster.unreachableTimeout' must be a non-negative number of ms, ` +
        `received ${describe(unreachable)}`,
    );
  }
  return {
    redis: resolveRedis(cluster.redis, what),
    module: new URL(String(module)).href,
    queue: cluster.queue,
    prefix: cluster.prefix ?? "bull",
    unreachable,
  };
}

/**
 * The export name under which the hosts find `fn`.
 *
 * @param fn The function.
 * @param namespace The module's exports, once imported here.
 * @param module The module's URL, for the message.
 * @param what The call, for the message.
 * @returns The export name.
 * @throws {TypeError} When `fn` is not a function or not an export of the module.
 * @example
 * ```ts
 * import { exportName } from "./client_options.ts";
 * function square(x: number): number { return x * x; }
 * console.log(exportName(square, { square }, "file:///t.ts", "map")); // "square"
 * ```
 */
export function exportName(
  fn: unknown,
  namespace: Record<string, unknown> | undefined,
  module: string,
  what: string,
): string {
  if (typeof fn !== "function") {
    throw new TypeError(`Cannot ${what}: 'fn' must be a function, received ${describe(fn)}`);
  }
  if (namespace !== undefined) {
    for (const [name, value] of Object.entries(namespace)) if (value === fn) return name;
  } else if (/^[A-Za-z_$][\w$]*$/.test(fn.name) && !String(fn).includes("[native code]")) {
    // The module is still loading (it is the program calling us): its export by that name,
    // which the hosts check.
    return fn.name;
  }
  throw new TypeError(
    `Cannot ${what}: a cluster runs functions by reference only; export '${
      fn.name || "the function"
    }' from ${module} and pass the export (source text cannot travel to worker hosts)`,
  );
}

/**
 * A chunk size argument as an options bag.
 *
 * @param arg A chunk size or `{ chunksize, ... }`.
 * @returns The bag.
 * @example
 * ```ts
 * import { bag } from "./client_options.ts";
 * console.log(bag(4)); // { chunksize: 4 }
 * ```
 */
export function bag<O extends object>(
  arg: Chunksize | O | undefined,
): O & { chunksize?: Chunksize } {
  return (typeof arg === "object" && arg !== null ? arg : { chunksize: arg }) as O & {
    chunksize?: Chunksize;
  };
}

/**
 * A fixed chunk size, or undefined for the default (strategy names mean the default here).
 *
 * @param value The caller's value.
 * @param what The call.
 * @returns The size, or undefined.
 * @throws {RangeError} When not a positive integer or strategy name.
 * @example
 * ```ts
 * import { checkSize } from "./client_options.ts";
 * console.log(checkSize(8, "map")); // 8
 * ```
 */
export function checkSize(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || isChunkStrategy(value)) return undefined;
  return checkInteger(what, "chunksize", value, { min: 1 });
}
