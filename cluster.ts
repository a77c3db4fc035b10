/**
 * Beyond one machine: the `Pool` API over BullMQ on Redis. A `ClusterPool`
 * submits chunks as jobs; worker hosts (`serveCluster()` or
 * `npx @seed/multiprocessing worker ...`) run them on a local `Pool` per
 * machine. Functions travel by reference only (an export of `module`),
 * arguments and results as JSON; delivery is at least once (a chunk whose
 * host dies runs again on another after its lock expires).
 *
 * Needs the optional peer dependencies `bullmq` and `ioredis`; the main entry
 * point never loads them.
 *
 * @example
 * ```ts ignore
 * import { ClusterPool } from "@seed/multiprocessing/cluster";
 * import { square } from "./tasks.ts";
 *
 * await using pool = new ClusterPool({
 *   cluster: { redis: "redis://127.0.0.1:6379", queue: "mp" },
 *   module: new URL("./tasks.ts", import.meta.url),
 * });
 * console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
 * ```
 *
 * @module
 */
import { ClusterPool, type ClusterPoolOptions } from "./src/cluster/client.ts";
import { setClusterFactory } from "./src/pool/cluster_hook.ts";

// `new Pool({ cluster })` from the main entry builds a ClusterPool once this entry is loaded.
setClusterFactory((options) => new ClusterPool(options as ClusterPoolOptions));

export { ClusterPool } from "./src/cluster/client.ts";
export type { ClusterOptions, ClusterPoolOptions } from "./src/cluster/client.ts";
export { ClusterHost, serveCluster } from "./src/cluster/host.ts";
export type { ServeOptions } from "./src/cluster/host.ts";
export { isClusterHost } from "./src/cluster/host_flag.ts";
export type { RedisConnectionOptions, RedisTarget } from "./src/cluster/redis_options.ts";
export type {
  ApplyArgs,
  ApplyAsyncArgs,
  AsyncResult,
  Chunksize,
  ChunkStrategy,
  Context,
  IMapIterator,
  ResultCallbacks,
  TaskFunction,
  TaskInput,
} from "./mod.ts";
