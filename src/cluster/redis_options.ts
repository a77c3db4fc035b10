/**
 * Where Redis is: a `redis://` / `rediss://` URL or ioredis options, turned into
 * the ioredis options every connection of a cluster uses, and the address that
 * error messages name (never the password).
 *
 * @module
 */
import type { RedisOptions } from "ioredis";
import { describe } from "../args.ts";

/** ioredis connection options; the common ones are named, any other passes through to ioredis. */
export interface RedisConnectionOptions {
  /** Host name. Default `"127.0.0.1"`. */
  readonly host?: string;
  /** Port. Default 6379. */
  readonly port?: number;
  /** A Unix socket path instead of host and port. */
  readonly path?: string;
  /** ACL user. */
  readonly username?: string;
  /** Password (of the ACL user, or `requirepass`). */
  readonly password?: string;
  /** Database number. */
  readonly db?: number;
  /** TLS options (Node's `tls.connect` options); `{}` for TLS with defaults. */
  readonly tls?: Readonly<Record<string, unknown>>;
  /** Any other ioredis option. */
  readonly [option: string]: unknown;
}

/** Redis to connect to: a URL (`redis://user:password@host:6379/0`, `rediss://` for TLS) or ioredis options. */
export type RedisTarget = string | URL | RedisConnectionOptions;

/** ioredis options plus a printable address. */
export interface ResolvedRedis {
  readonly options: RedisOptions;
  /** `host:port` (or the socket path), for messages. */
  readonly address: string;
}

/**
 * Resolve a Redis target. Credentials (password, ACL user, TLS) pass through to ioredis.
 *
 * @param target A URL or ioredis options.
 * @param what The call, for messages.
 * @returns ioredis options (BullMQ workers need `maxRetriesPerRequest: null`) and the address.
 * @throws {TypeError} When `target` is neither a URL nor an options object.
 * @example
 * ```ts
 * import { resolveRedis } from "./redis_options.ts";
 * console.log(resolveRedis("redis://:secret@127.0.0.1:6380", "create pool").address); // 127.0.0.1:6380
 * ```
 */
export function resolveRedis(target: unknown, what: string): ResolvedRedis {
  let options: RedisOptions;
  if (typeof target === "string" || target instanceof URL) {
    const url = new URL(String(target));
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new TypeError(
        `Cannot ${what}: 'redis' must be a redis:// or rediss:// URL, received '${url.protocol}'`,
      );
    }
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    options = {
      host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
      port: url.port === "" ? 6379 : Number(url.port),
      username: url.username === "" ? undefined : decodeURIComponent(url.username),
      password: url.password === "" ? undefined : decodeURIComponent(url.password),
      db: db !== undefined && Number.isInteger(db) ? db : undefined,
      tls: url.protocol === "rediss:" ? {} : undefined,
    };
  } else if (typeof target === "object" && target !== null && !Array.isArray(target)) {
    options = { ...(target as RedisOptions) };
  } else {
    throw new TypeError(
      `Cannot ${what}: 'redis' must be a redis:// URL or ioredis options, received ${
        describe(target)
      }`,
    );
  }
  const address = options.path ?? `${options.host ?? "127.0.0.1"}:${options.port ?? 6379}`;
  return {
    address,
    options: {
      ...options,
      maxRetriesPerRequest: null,
      // Keep trying (a restarted Redis is picked up); callers bound their own waits.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    },
  };
}
