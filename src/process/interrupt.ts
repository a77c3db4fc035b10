/**
 * `Process.interrupt()` (Python 3.14): SIGINT to a child process; in the
 * thread context, where no signal reaches a thread, the target's
 * `taskSignal()` is aborted and the thread is stopped if it has not ended
 * within a grace period.
 *
 * @module
 */
import type { Context, ExitInfo, WorkerHandle } from "../runtime/types.ts";

/** How long an interrupted thread may take to end by itself (ms). */
export const INTERRUPT_GRACE_MS = 1000;

/** The message that aborts a thread target's `taskSignal()`. */
export interface InterruptMessage {
  readonly t: "interrupt";
}

/** How `Process` stops its worker: `terminate()`, `kill()` or `interrupt()`. */
export type StopHow = "terminate" | "kill" | "interrupt";

/**
 * Stop (or interrupt) the worker of a `Process`.
 *
 * @param how Which call.
 * @param handle The worker.
 * @param context Its context.
 * @returns For an interrupt, what cancels a thread's grace timer (call it when the worker
 *   has ended); otherwise undefined.
 */
export function stopWorker(
  how: StopHow,
  handle: WorkerHandle,
  context: Context,
): (() => void) | undefined {
  if (how !== "interrupt") return void (how === "kill" ? handle.kill() : handle.terminate());
  if (context === "process") {
    void handle.interrupt?.();
    return () => {};
  }
  handle.post({ t: "interrupt" } satisfies InterruptMessage);
  const timer = setTimeout(() => void handle.terminate(), INTERRUPT_GRACE_MS);
  return () => clearTimeout(timer);
}

/**
 * The reason an interrupted thread target's `taskSignal()` carries.
 *
 * @returns An `AbortError` `DOMException`.
 */
export function interruptReason(): DOMException {
  return new DOMException("Process interrupted (Process.interrupt())", "AbortError");
}

/**
 * How an interrupted thread's end is reported: as a child killed by SIGINT
 * would be, unless its target returned normally.
 *
 * @param info How the thread ended.
 * @returns The exit to report.
 */
export function interruptedExit(info: ExitInfo): ExitInfo {
  return info.code === 0 && info.signal === undefined ? info : { code: null, signal: "SIGINT" };
}
