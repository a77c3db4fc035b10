/**
 * `new Pool({ cluster })`: the core never loads BullMQ or ioredis itself; the
 * cluster entry (`@seed/multiprocessing/cluster`) registers the factory that
 * builds a `ClusterPool` when it is imported.
 *
 * @module
 */

/** Builds a cluster pool from the `Pool` options. */
export type ClusterFactory = (options: object) => object;

let factory: ClusterFactory | undefined;

/**
 * Register the cluster pool's factory (called by the cluster entry).
 *
 * @param make The factory.
 */
export function setClusterFactory(make: ClusterFactory): void {
  factory = make;
}

/**
 * A cluster pool for `options`.
 *
 * @param options The `Pool` options, with `cluster` set.
 * @returns The cluster pool.
 * @throws {TypeError} When the cluster entry was not imported.
 */
export function clusterPool(options: object): object {
  if (factory === undefined) {
    throw new TypeError(
      "Cannot create pool: the 'cluster' option needs `import \"@seed/multiprocessing/cluster\"` " +
        "first (it loads bullmq and ioredis, which the core never does)",
    );
  }
  return factory(options);
}
