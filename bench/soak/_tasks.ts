/**
 * The soak's task functions. The soak's pools load this module (`module:`), so
 * its exports are called by reference and may use imports.
 *
 * Every task first appends one line, `<task id> <worker token>\n`, to the run's
 * execution log with a single `O_APPEND` write (atomic for a short line on
 * Linux, whatever thread or process writes it), so the soak can count how many
 * times, and on which workers, each task ran.
 *
 * @module
 */
import { appendFileSync } from "node:fs";
import process from "node:process";

/** Tells this worker (thread or process) apart from every other in the run. */
const WORKER_TOKEN = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;

/** Runtime globals the faults need, typed structurally. */
interface FaultGlobals {
  Deno?: { exit(code: number): never };
  close?: () => void;
}

function record(log: string, id: number): void {
  appendFileSync(log, `${id} ${WORKER_TOKEN}\n`);
}

function later(ms: number, fn: () => void): void {
  setTimeout(fn, ms);
}

/**
 * A healthy task: returns `id * 1000 + x % 1000` (so each task has its own
 * right answer) after `delayMs`.
 *
 * @param log Execution log path.
 * @param id Task id.
 * @param x Input.
 * @param delayMs How long it runs (0: returns at once).
 * @returns The answer.
 * @example
 * ```ts ignore
 * await pool.apply(healthy, [log, 7, 3, 0]); // 7003
 * ```
 */
export function healthy(
  log: string,
  id: number,
  x: number,
  delayMs: number,
): number | Promise<number> {
  record(log, id);
  const value = id * 1000 + (x % 1000);
  if (delayMs <= 0) return value;
  return new Promise((resolve) => later(delayMs, () => resolve(value)));
}

/**
 * A healthy map item: `[log, id, x, delayMs]` as one argument (for `map`).
 *
 * @param item The item.
 * @returns `healthy(...item)`.
 * @example
 * ```ts ignore
 * await pool.map(healthyItem, [[log, 1, 1, 0]]); // [1001]
 * ```
 */
export function healthyItem(item: [string, number, number, number]): number | Promise<number> {
  return healthy(item[0], item[1], item[2], item[3]);
}

/**
 * A faulting task of the given kind (see `FAULT_KINDS` in `_kinds.ts`).
 *
 * @param log Execution log path.
 * @param id Task id.
 * @param kind The fault.
 * @param delayMs Wait this long before faulting (so other tasks queue behind it).
 * @returns Only for `unclonableResult` (a value that cannot be sent back); the
 *   other kinds throw, reject or end the worker.
 * @example
 * ```ts ignore
 * await pool.apply(fault, [log, 8, "throw", 0]); // rejects
 * ```
 */
export function fault(log: string, id: number, kind: string, delayMs: number): Promise<unknown> {
  record(log, id);
  const g = globalThis as unknown as FaultGlobals;
  return new Promise((resolve, reject) => {
    later(delayMs, () => {
      switch (kind) {
        case "throw":
          return reject(new Error(`soak task ${id} throws`));
        case "exit3":
          return process.exit(3);
        case "exit0":
          return process.exit(0);
        case "denoExit":
          return g.Deno!.exit(5);
        case "timerThrow":
          later(0, () => {
            throw new Error(`soak task ${id} throws from a timer`);
          });
          return;
        case "unhandledRejection":
          void Promise.reject(new Error(`soak task ${id} leaves a rejection unhandled`));
          return;
        case "selfClose":
          return g.close!();
        case "unclonableResult":
          return resolve({ id, fn: () => id });
        case "sigkill":
          return process.kill(process.pid, "SIGKILL");
        case "oom":
          return resolve(exhaustHeap());
        default:
          return reject(new TypeError(`unknown fault kind ${JSON.stringify(kind)}`));
      }
    });
  });
}

/** Allocates until the heap cap ends the worker. */
function exhaustHeap(): number {
  const hold: number[][] = [];
  for (;;) hold.push(new Array(100_000).fill(hold.length));
}

/**
 * What the soak needs to know about a worker: whether `self.close()` exists there.
 *
 * @returns Capabilities of this worker.
 * @example
 * ```ts ignore
 * const { selfClose } = await pool.apply(probe, []);
 * ```
 */
export function probe(): { selfClose: boolean; deno: boolean } {
  const g = globalThis as unknown as FaultGlobals;
  return { selfClose: typeof g.close === "function", deno: g.Deno !== undefined };
}
