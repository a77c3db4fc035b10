/**
 * The soak's fault kinds: where each can be injected and how its task must end.
 *
 * @module
 */
import { MaybeEncodingError, WorkerLostError } from "../../mod.ts";
import type { Context, RuntimeName } from "../../src/runtime/types.ts";

/** Faults a single task injects (its `fault()` kind, or `unclonableArg`). */
export const TASK_FAULTS = [
  "throw",
  "exit3",
  "exit0",
  "denoExit",
  "timerThrow",
  "unhandledRejection",
  "selfClose",
  "unclonableResult",
  "sigkill",
  "unclonableArg",
  "oom",
] as const;

/** Faults a whole phase injects. */
export const PHASE_FAULTS = ["terminateMap", "terminateImap", "maxtasksJoin"] as const;

/** A task fault. */
export type TaskFault = typeof TASK_FAULTS[number];
/** Any fault the soak counts. */
export type FaultKind = TaskFault | typeof PHASE_FAULTS[number];

/** What `rightFailure()` judges: a task fault, or a result cut short by `terminate()`. */
export type Checked = TaskFault | "terminateMap" | "terminateImap";

/** Faults that kill the worker from outside: its state is unknown, so retries are allowed. */
export const EXTERNAL_KILLS: ReadonlySet<TaskFault> = new Set(["sigkill", "oom"]);

/** The heap cap (MB) of the soak's pools where out-of-memory is injected. */
export const OOM_CAP_MB = 48;

/** Where the soak runs, and what the workers there offer. */
export interface Where {
  readonly runtime: RuntimeName;
  readonly context: Context;
  /** `self.close()` exists in the workers. */
  readonly selfClose: boolean;
}

/**
 * Why a task fault cannot be injected here (undefined: it can).
 *
 * @param kind The fault.
 * @param where Runtime, context and worker capabilities.
 * @returns The reason it is left out, or undefined.
 * @example
 * ```ts
 * import { unavailable } from "./_kinds.ts";
 * console.log(unavailable("sigkill", { runtime: "node", context: "thread", selfClose: false }));
 * ```
 */
export function unavailable(kind: TaskFault, where: Where): string | undefined {
  if (kind === "denoExit" && where.runtime !== "deno") return "Deno.exit exists only on Deno";
  if (kind === "selfClose" && !where.selfClose) return "no self.close() in these workers";
  if (kind === "sigkill" && where.context === "thread") {
    return "a thread has no process of its own to SIGKILL";
  }
  if (kind === "oom" && where.runtime === "bun") {
    return "Bun (JavaScriptCore) has no heap cap: worker_threads resourceLimits is a stub and " +
      "BUN_JSC_gcMaxHeapSize does not stop a process growing by gigabytes";
  }
  if (kind === "oom" && where.runtime === "deno" && where.context === "thread") {
    return "Deno applies resourceLimits to a thread, but a thread that reaches the cap stalls " +
      "(no 'error', no 'exit'), so nothing could ever report it";
  }
  return undefined;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function mentions(error: unknown, id: number): boolean {
  return error instanceof Error && error.message.includes(`soak task ${id} `);
}

/**
 * Whether a faulting task ended the way it must: rejected with its own error,
 * `WorkerLostError`, `MaybeEncodingError` or `TypeError`, as its kind dictates
 * (a `map` or `imap` that `terminate()` cut short: rejected).
 *
 * @param kind The fault.
 * @param id The task's id.
 * @param error What it was rejected with.
 * @returns True when that is a right outcome.
 * @example
 * ```ts
 * import { rightFailure } from "./_kinds.ts";
 * console.log(rightFailure("throw", 3, new Error("soak task 3 throws"))); // true
 * ```
 */
export function rightFailure(kind: Checked, id: number, error: unknown): boolean {
  const lost = error instanceof WorkerLostError;
  switch (kind) {
    case "terminateMap":
    case "terminateImap":
      // `terminate()` fails the unfinished map / the iteration, with whatever error it uses.
      return error instanceof Error;
    case "throw":
      return !lost && mentions(error, id);
    case "timerThrow":
    case "unhandledRejection":
      // The worker dies of it; the pool may report the error itself or the loss.
      return lost || mentions(error, id);
    case "unclonableResult":
      return error instanceof MaybeEncodingError;
    case "unclonableArg":
      return error instanceof TypeError || isNamed(error, "TypeError");
    default:
      return lost;
  }
}
