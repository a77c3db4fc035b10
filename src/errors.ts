/**
 * The library's own error classes. `ProcessError` is the base of all of them.
 *
 * @module
 */

/**
 * Base class of the library's errors (Python's `multiprocessing.ProcessError`).
 *
 * @example
 * ```ts
 * import { ProcessError } from "./errors.ts";
 * try {
 *   throw new ProcessError("Pool not running");
 * } catch (e) {
 *   console.log(e instanceof ProcessError);
 * }
 * ```
 */
export class ProcessError extends Error {
  /**
   * Create the error.
   *
   * @param message What went wrong.
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProcessError";
  }
}

/**
 * A wait ran out of time (Python's `multiprocessing.TimeoutError`). The thing
 * waited for stays usable: wait again later.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "./errors.ts";
 * console.log(new TimeoutError("no result within 100 ms").name);
 * ```
 */
export class TimeoutError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message What timed out.
   * @param options Standard error options.
   */
  constructor(message = "Timed out", options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * The worker running a task ended before the task finished (exit, crash,
 * signal, out of memory). CPython hangs in this case; we reject.
 *
 * @example
 * ```ts
 * import { WorkerLostError } from "./errors.ts";
 * const e = new WorkerLostError("Worker exited with code 3", { code: 3 });
 * console.log(e.code);
 * ```
 */
export class WorkerLostError extends ProcessError {
  /** The worker's exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended the worker, if any. */
  readonly signal: string | undefined;
  /**
   * Create the error.
   *
   * @param message What happened.
   * @param info Exit code and signal.
   */
  constructor(
    message: string,
    info: { code?: number | null; signal?: string; cause?: unknown } = {},
  ) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = "WorkerLostError";
    this.code = info.code ?? null;
    this.signal = info.signal;
  }
}

/**
 * Holds the stack trace of an error raised in a worker (Python's
 * `RemoteTraceback`); set as the `cause` of errors that come from workers.
 *
 * @example
 * ```ts
 * import { RemoteError } from "./errors.ts";
 * const e = new RemoteError("Error: boom\n    at task (worker)");
 * console.log(e.remoteStack);
 * ```
 */
export class RemoteError extends ProcessError {
  /** The stack trace as the worker printed it. */
  readonly remoteStack: string;
  /**
   * Create the error.
   *
   * @param remoteStack The worker-side stack trace.
   */
  constructor(remoteStack: string) {
    super(`Remote stack trace:\n\n${remoteStack}`);
    this.name = "RemoteError";
    this.remoteStack = remoteStack;
  }
}

/**
 * A task's result could not be sent back from the worker (Python's
 * `MaybeEncodingError`).
 *
 * @example
 * ```ts
 * import { MaybeEncodingError } from "./errors.ts";
 * const e = new MaybeEncodingError(new Error("could not be cloned"), "() => 1");
 * console.log(e.value);
 * ```
 */
export class MaybeEncodingError extends ProcessError {
  /** The error raised while encoding (a string in Python; the error here). */
  readonly exc: unknown;
  /** A description of the value that could not be sent. */
  readonly value: string;
  /**
   * Create the error.
   *
   * @param exc The encoding error.
   * @param value Description of the value.
   */
  constructor(exc: unknown, value: string) {
    const reason = exc instanceof Error ? exc.message : String(exc);
    super(`Error sending result: '${value}'. Reason: '${reason}'`);
    this.name = "MaybeEncodingError";
    this.exc = exc;
    this.value = value;
  }
}

/**
 * A `Barrier` was aborted, reset or timed out while waiting
 * (Python's `threading.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { BrokenBarrierError } from "./errors.ts";
 * console.log(new BrokenBarrierError().name);
 * ```
 */
export class BrokenBarrierError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message What broke it.
   */
  constructor(message = "Barrier is broken") {
    super(message);
    this.name = "BrokenBarrierError";
  }
}

/**
 * `Queue.get()` found nothing in time (Python's `queue.Empty`).
 *
 * @example
 * ```ts
 * import { Empty } from "./errors.ts";
 * console.log(new Empty().name);
 * ```
 */
export class Empty extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "Queue is empty") {
    super(message);
    this.name = "Empty";
  }
}

/**
 * `Queue.put()` found no room in time (Python's `queue.Full`).
 *
 * @example
 * ```ts
 * import { Full } from "./errors.ts";
 * console.log(new Full().name);
 * ```
 */
export class Full extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "Queue is full") {
    super(message);
    this.name = "Full";
  }
}

/**
 * `Queue.put()` or `Queue.get()` on a queue that was shut down (Python 3.13's
 * `queue.ShutDown`): `put` always, `get` once the queue is empty (at once
 * after `shutdown(true)`).
 *
 * @example
 * ```ts
 * import { ShutDown } from "./errors.ts";
 * console.log(new ShutDown().name); // "ShutDown"
 * ```
 */
export class ShutDown extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "Queue is shut down") {
    super(message);
    this.name = "ShutDown";
  }
}

/**
 * `Connection.recv()` found nothing left to read and the other end of the
 * pipe closed (Python's built-in `EOFError`, raised by `Connection.recv()`).
 *
 * @example
 * ```ts
 * import { EOFError } from "./errors.ts";
 * console.log(new EOFError().name); // "EOFError"
 * ```
 */
export class EOFError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "The other end of the pipe is closed and nothing is left to read") {
    super(message);
    this.name = "EOFError";
  }
}

/**
 * An operation that the state of a `Future` does not allow, such as setting
 * the result of one that is already done (Python's
 * `concurrent.futures.InvalidStateError`).
 *
 * @example
 * ```ts
 * import { InvalidStateError } from "./errors.ts";
 * console.log(new InvalidStateError("Future is already done").name); // "InvalidStateError"
 * ```
 */
export class InvalidStateError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "Invalid state") {
    super(message);
    this.name = "InvalidStateError";
  }
}

/**
 * A task or `Future` cancelled before it started (`AsyncResult.cancel()`,
 * `Future.cancel()`; Python's
 * `concurrent.futures.CancelledError`).
 *
 * @example
 * ```ts
 * import { CancelledError } from "./errors.ts";
 * console.log(new CancelledError().name); // "CancelledError"
 * ```
 */
export class CancelledError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   * @param options Standard error options (`cause`).
   */
  constructor(message = "Cancelled", options?: ErrorOptions) {
    super(message, options);
    this.name = "CancelledError";
  }
}
