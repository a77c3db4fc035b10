/**
 * The sandboxed processor of `bench/cluster_bare_worker.ts threads`: BullMQ runs it in its
 * own worker threads, off the main thread, as `serveCluster` runs tasks on a local pool.
 *
 * @module
 */

/**
 * Square the job's `x`.
 *
 * @param job The BullMQ job.
 * @returns x².
 */
export default function square(job: { data: { x: number } }): Promise<number> {
  return Promise.resolve(job.data.x ** 2);
}
