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
import { TaskInbox } from "../transport/batch_codec.ts";
import { ResultOutbox } from "../transport/result_outbox.ts";
import {
  FLAG_FLUSH,
  FLAG_SIGNAL,
  type FunctionKey,
  MODE_APPLY,
  MODE_MASK,
  MODE_STARMAP,
  type PoolWorkerData,
  PROGRESS_DONE,
  PROGRESS_STARTED,
  type ResultStatus,
  STATUS_ERROR,
  STATUS_OK,
  type ToWorker,
} from "../transport/protocol.ts";
import { acceptRpcReply, setRpcPort } from "../transport/rpc.ts";
import { type AnyFunction, closureHint, loadModule, resolveFunction } from "./functions.ts";
import { decodeArgs } from "./revive.ts";
import { abortTaskSignal, beginTaskSignal, endTaskSignal } from "./task_signal.ts";

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

/** What a task's `taskSignal()` aborts with: the main thread rejects with the caller's reason. */
function abortReason(why: "abort" | "timeout"): DOMException {
  return why === "timeout"
    ? new DOMException("The task timed out", "TimeoutError")
    : new DOMException("The task was aborted", "AbortError");
}

function throwing(error: unknown): AnyFunction {
  return () => {
    throw error;
  };
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
  const inbox = new TaskInbox();
  const outbox = new ResultOutbox(
    (message, transfer) => port.post(message, transfer),
    port.jsonBatches === true,
  );
  let busy = 0;
  /** Time the running task spent compiling its function (left out of `busy`, see below). */
  let compiling = 0;
  let lastFlush = performance.now();
  let running = false;
  let ready = false;
  let stopping = false;
  /** Tasks started and finished so far; the running one is `started - 1` while they differ. */
  let started = 0;
  let done = 0;
  /** The worker is ending: run nothing more. */
  let gone = false;
  /** Numbers of tasks aborted before they started: answered without running. */
  const skipped = new Set<number>();
  const progress = data.progress === undefined ? undefined : new Int32Array(data.progress);

  const fnFor = (key: FunctionKey): AnyFunction => {
    let fn = fns.get(key);
    if (fn === undefined) {
      const t0 = performance.now();
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
      compiling += performance.now() - t0;
    }
    return fn;
  };

  const flush = (): void => {
    lastFlush = performance.now();
    if (outbox.empty) return;
    outbox.flush(busy);
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
    for (let task = inbox.take(); task !== undefined; task = inbox.take()) {
      const { key, payload } = task;
      const mode = task.mode & MODE_MASK;
      const flags = task.mode & ~MODE_MASK;
      if (skipped.size > 0 && skipped.delete(started)) {
        started++;
        done++;
        if (progress !== undefined) progress[PROGRESS_STARTED] = progress[PROGRESS_DONE] = done;
        outbox.add(STATUS_ERROR, encodeError(abortReason("abort")), false);
        flush();
        continue;
      }
      if ((flags & FLAG_FLUSH) !== 0 && !outbox.empty) flush();
      started++;
      if (progress !== undefined) progress[PROGRESS_STARTED] = started;
      const startedAt = performance.now();
      let status: ResultStatus = STATUS_OK;
      let value: unknown;
      const signal = (flags & FLAG_SIGNAL) !== 0 ? beginTaskSignal() : undefined;
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
        }
      } catch (error) {
        if (gone || isSelfExit(error)) return;
        status = STATUS_ERROR;
        const hint = error instanceof ReferenceError
          ? closureHint(names.get(key) ?? "")
          : undefined;
        value = encodeError(error, hint);
      } finally {
        if (signal !== undefined) endTaskSignal(signal);
      }
      if (gone) return;
      done++;
      if (progress !== undefined) progress[PROGRESS_DONE] = done;
      const now = performance.now();
      // Compiling happens once per function: counted in, it would make "auto" chunking
      // take a fresh map's first chunk for much slower work than it is.
      busy += now - startedAt - compiling;
      compiling = 0;
      outbox.add(status, value, mode !== MODE_APPLY);
      // Results are batched for up to FLUSH_INTERVAL_MS; the first of a run goes at once
      // unless its task was trivial (time to first result, without extra messages in floods).
      if (
        now - lastFlush > FLUSH_INTERVAL_MS || (first && now - startedAt > EAGER_TASK_MS) ||
        (flags & FLAG_FLUSH) !== 0
      ) {
        flush();
      }
      first = false;
    }
    flush();
    running = false;
    if (stopping) finish();
  };

  port.onMessage((message) => {
    if (gone || acceptRpcReply(message)) return;
    const m = message as ToWorker;
    if (m.t === "tasks") {
      if (m.fns !== undefined) {
        for (const [id, name, source] of m.fns) {
          names.set(id, name);
          sources.set(id, source);
        }
      }
      inbox.add(m);
      if (ready && !running) void drain();
    } else if (m.t === "abort") {
      if (m.seq === started - 1 && done < started) abortTaskSignal(abortReason(m.why));
      else if (m.seq >= started) skipped.add(m.seq);
      // Answer at once, after what is held: the main thread then knows what runs.
      if (outbox.empty) port.post({ t: "abortSeen" });
      else flush();
    } else if (m.t === "stop") {
      stopping = true;
      if (ready && !running) finish();
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
  if (stopping && !inbox.waiting) finish();
  else if (inbox.waiting) void drain();
}
