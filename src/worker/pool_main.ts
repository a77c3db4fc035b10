/**
 * The task loop of a pool worker: runs batches of tasks in order, one at a
 * time (async functions are awaited), and sends results back in batches.
 *
 * The worker accounts for its tasks however it ends: when it ends by itself
 * (task code calls `process.exit()`, an error goes uncaught) it first sends
 * the results it holds and names the task that was running; in the thread
 * context it also keeps two shared counters (tasks started, tasks finished)
 * that the main thread reads when the worker was killed from outside.
 *
 * @module
 */
import { interceptSelfExit, isSelfExit } from "../runtime/self_exit.ts";
import type { ParentPort } from "../runtime/types.ts";
import { encodeError } from "../transport/error_codec.ts";
import {
  type FunctionKey,
  MODE_APPLY,
  MODE_STARMAP,
  type PoolWorkerData,
  PROGRESS_DONE,
  PROGRESS_STARTED,
  STATUS_ENCODING,
  STATUS_ERROR,
  STATUS_OK,
  type TasksMessage,
} from "../transport/protocol.ts";
import { jsonBatch, readBatch } from "../transport/json_batch.ts";
import { handleRpcReply, type RpcReply, setRpcPort } from "../transport/rpc.ts";
import { packedBuffers, packNumbers } from "../transport/numeric_pack.ts";
import { type AnyFunction, closureHint, loadModule, resolveFunction } from "./functions.ts";
import { decodeArgs } from "./revive.ts";

/** Results are sent at least this often while a long batch runs (ms). */
const FLUSH_INTERVAL_MS = 1;
/** A first result whose task took longer than this is sent without waiting (ms). */
const EAGER_TASK_MS = 0.05;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

async function finishChunk(
  fn: AnyFunction,
  items: readonly unknown[],
  star: boolean,
  results: unknown[],
  from: number,
  pending: PromiseLike<unknown>,
): Promise<unknown[]> {
  results[from] = await pending;
  for (let i = from + 1; i < items.length; i++) {
    const r = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
    results[i] = isThenable(r) ? await r : r;
  }
  return results;
}

function runChunk(fn: AnyFunction, items: readonly unknown[], star: boolean): unknown {
  const results = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const r = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
    if (isThenable(r)) return finishChunk(fn, items, star, results, i, r);
    results[i] = r;
  }
  return results;
}

function throwing(error: unknown): AnyFunction {
  return () => {
    throw error;
  };
}

function describe(value: unknown): string {
  try {
    return typeof value === "function"
      ? value.toString().slice(0, 200)
      : String(value).slice(0, 200);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Serve tasks from the parent until told to stop.
 *
 * @param port The channel to the parent.
 * @param data The pool worker's start data.
 * @returns Once the initializer ran (tasks keep arriving afterwards).
 * @example
 * ```ts ignore
 * await runPoolWorker(port, data);
 * ```
 */
export async function runPoolWorker(port: ParentPort, data: PoolWorkerData): Promise<void> {
  const fns = new Map<FunctionKey, AnyFunction>();
  const names = new Map<FunctionKey, string>();
  const sources = new Map<FunctionKey, string>();
  let queue: unknown[] = [];
  let head = 0;
  let out: unknown[] = [];
  let busy = 0;
  let lastFlush = performance.now();
  let running = false;
  let ready = false;
  let stopping = false;
  /** Tasks started and finished so far; the running one is `started - 1` while they differ. */
  let started = 0;
  let done = 0;
  /** The worker is ending: run nothing more. */
  let gone = false;
  const progress = data.progress === undefined ? undefined : new Int32Array(data.progress);

  const fnFor = (key: FunctionKey): AnyFunction => {
    let fn = fns.get(key);
    if (fn === undefined) {
      try {
        fn = resolveFunction({
          name: names.get(key) ?? "",
          source: sources.get(key) ?? "undefined",
        });
      } catch (error) {
        fn = throwing(error);
      }
      fns.set(key, fn);
      sources.delete(key);
    }
    return fn;
  };

  const post = (batch: unknown[]): void => {
    const text = port.jsonBatches ? jsonBatch(batch, 3, -1) : undefined;
    if (text !== undefined) port.post({ t: "results", batch: text, busy });
    else port.post({ t: "results", batch, busy }, packedBuffers(batch, 3, 2));
  };

  const flush = (): void => {
    lastFlush = performance.now();
    if (out.length === 0) return;
    const batch = out;
    out = [];
    try {
      post(batch);
    } catch {
      // Some result could not be cloned: send one by one, flagging failures.
      for (let i = 0; i < batch.length; i += 3) {
        const entry = [batch[i], batch[i + 1], batch[i + 2]];
        try {
          post(entry);
        } catch (error) {
          post([batch[i], STATUS_ENCODING, {
            error: encodeError(error),
            repr: describe(batch[i + 2]),
          }]);
        }
      }
    }
    busy = 0;
  };

  const exit = interceptSelfExit(port, (code, error) => {
    gone = true;
    flush();
    port.post({
      t: "exiting",
      running: done < started ? started - 1 : -1,
      code,
      error: error === undefined ? undefined : encodeError(error),
    });
  });

  const finish = (): void => {
    flush();
    exit(0);
  };

  const drain = async (): Promise<void> => {
    running = true;
    let first = true;
    while (head < queue.length) {
      const id = queue[head];
      const key = queue[head + 1] as FunctionKey;
      const mode = queue[head + 2] as number;
      const payload = queue[head + 3];
      queue[head + 3] = undefined;
      head += 4;
      started++;
      if (progress !== undefined) progress[PROGRESS_STARTED] = started;
      const startedAt = performance.now();
      let status: number = STATUS_OK;
      let value: unknown;
      try {
        const fn = fnFor(key);
        let args = decodeArgs(payload) as unknown[];
        if (args instanceof Promise) args = await args;
        if (mode === MODE_APPLY) {
          value = fn(...args);
          if (isThenable(value)) value = await value;
        } else {
          value = runChunk(fn, args, mode === MODE_STARMAP);
          if (isThenable(value)) value = await value;
          value = packNumbers(value as unknown[]) ?? value;
        }
      } catch (error) {
        if (gone || isSelfExit(error)) return;
        status = STATUS_ERROR;
        const hint = error instanceof ReferenceError
          ? closureHint(names.get(key) ?? "")
          : undefined;
        value = encodeError(error, hint);
      }
      if (gone) return;
      done++;
      if (progress !== undefined) progress[PROGRESS_DONE] = done;
      const now = performance.now();
      busy += now - startedAt;
      out.push(id, status, value);
      // Results are batched for up to FLUSH_INTERVAL_MS; the first of a run goes at once
      // unless its task was trivial (time to first result, without extra messages in floods).
      if (now - lastFlush > FLUSH_INTERVAL_MS || (first && now - startedAt > EAGER_TASK_MS)) {
        flush();
      }
      first = false;
    }
    queue = [];
    head = 0;
    flush();
    running = false;
    if (stopping) finish();
  };

  port.onMessage((message) => {
    const m = message as TasksMessage | { t: "stop" } | RpcReply;
    if (gone) return;
    if (m.t === "tasks") {
      if (m.fns !== undefined) {
        for (const [id, name, source] of m.fns) {
          names.set(id, name);
          sources.set(id, source);
        }
      }
      const batch = readBatch(m.batch);
      for (let i = 0; i < batch.length; i++) queue.push(batch[i]);
      if (ready && !running) void drain();
    } else if (m.t === "stop") {
      stopping = true;
      if (ready && !running) finish();
    } else if (m.t === "rpcReply") {
      handleRpcReply(m);
    }
  });
  setRpcPort(port);

  try {
    if (data.module !== undefined) await loadModule(data.module);
    if (data.initializer !== undefined) {
      const init = resolveFunction(data.initializer);
      const r = init(...(await decodeArgs(data.initargs) as unknown[]));
      if (isThenable(r)) await r;
    }
  } catch (error) {
    if (gone || isSelfExit(error)) return;
    port.post({ t: "initError", error: encodeError(error) });
    return;
  }
  if (gone) return;
  ready = true;
  port.post({ t: "ready" });
  if (stopping && head >= queue.length) finish();
  else if (head < queue.length) void drain();
}
