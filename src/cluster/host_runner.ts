/**
 * A worker host's processor: checks that a job names an export of a module the
 * host serves (else it fails unrecoverably and runs nothing), then runs the
 * chunk on that module's local `Pool`, cut into one part per local worker, and
 * returns each part's values or error.
 *
 * @module
 */
import { UnrecoverableError } from "bullmq";
import type { Pool } from "../../mod.ts";
import {
  type JobData,
  type JobResult,
  KIND_APPLY,
  KIND_MAP,
  KIND_STARMAP,
  type Segment,
} from "./protocol.ts";
import { errorToWire } from "./wire.ts";

/** A module a host serves. */
export interface ServedModule {
  /** Its key ({@link moduleKey}). */
  readonly key: string;
  readonly url: string;
  readonly namespace: Record<string, unknown>;
  /** The local pool whose workers import it. */
  readonly pool: Pool;
  /** Its number of workers. */
  readonly processes: number;
}

// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => unknown;

function refuse(message: string): never {
  throw new UnrecoverableError(`${message}; nothing ran`);
}

/** The job's fields, checked: a job from another program must not run anything. */
function checkJob(data: unknown, modules: ReadonlyMap<string, ServedModule>): {
  served: ServedModule;
  fn: Fn;
  job: JobData;
} {
  const job = data as JobData;
  if (
    typeof job !== "object" || job === null || typeof job.m !== "string" ||
    typeof job.f !== "string" || !Array.isArray(job.a) ||
    ![KIND_APPLY, KIND_MAP, KIND_STARMAP].includes(job.k)
  ) refuse("Cannot run job: it is not a multiprocessing cluster job");
  const served = modules.get(job.m);
  if (served === undefined) {
    refuse(
      `Cannot run job: this worker host serves only module(s) ${
        [...modules.keys()].map((k) => `'${k}'`).join(", ")
      }, not '${job.m}'`,
    );
  }
  const fn = Object.hasOwn(served.namespace, job.f) ? served.namespace[job.f] : undefined;
  if (typeof fn !== "function") {
    refuse(`Cannot run job: module '${job.m}' has no exported function '${job.f}'`);
  }
  return { served, fn: fn as Fn, job };
}

async function settle(
  work: Promise<unknown[]>,
  count: number,
  served: ServedModule,
): Promise<Segment> {
  try {
    return [count, 1, await work];
  } catch (error) {
    return [count, 0, errorToWire(error, served.key, served.namespace)];
  }
}

async function run(served: ServedModule, fn: Fn, job: JobData): Promise<Segment[]> {
  const pool = served.pool;
  if (job.k === KIND_APPLY) {
    return [await settle(pool.apply(fn, [...job.a]).then((v) => [v]), 1, served)];
  }
  const items = job.a;
  const size = Math.max(1, Math.ceil(items.length / served.processes));
  const parts: Promise<Segment>[] = [];
  for (let start = 0; start < items.length; start += size) {
    const part = items.slice(start, start + size);
    // One item (one job per item): apply is the local pool's lighter path.
    const work = part.length === 1
      ? pool.apply(fn, job.k === KIND_MAP ? [part[0]] : [...part[0] as unknown[]]).then((v) => [v])
      : job.k === KIND_MAP
      ? pool.map(fn, part, part.length)
      : pool.starmap(fn, part as unknown[][], part.length);
    parts.push(settle(work, part.length, served));
  }
  return await Promise.all(parts);
}

/**
 * Run one job.
 *
 * @param data The job's data.
 * @param modules The served modules by key.
 * @param signal Aborted when the submitting pool terminates (BullMQ's cancellation).
 * @returns The chunk's segments.
 * @throws {UnrecoverableError} When the job names a module or export the host does not serve.
 * @throws {Error} When cancelled (local tasks already running finish; their results are dropped).
 * @example
 * ```ts ignore
 * const result = await runJob(job.data, modules, signal);
 * ```
 */
export function runJob(
  data: unknown,
  modules: ReadonlyMap<string, ServedModule>,
  signal?: AbortSignal,
): Promise<JobResult> {
  const { served, fn, job } = checkJob(data, modules);
  const work = run(served, fn, job).then((s): JobResult => ({ s }));
  if (signal === undefined) return work;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error("Cancelled: the submitting pool terminated"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
