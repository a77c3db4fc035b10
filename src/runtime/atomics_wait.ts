/**
 * Waiting on a cell of a shared `Int32Array`, blocking or not, on every
 * runtime.
 *
 * - `waitCellAsync()` uses `Atomics.waitAsync` (Deno, Bun, Node 20+ all have
 *   it). A pending `Atomics.waitAsync` does not keep the event loop alive on
 *   Node and Deno, so a program awaiting a lock would exit (Deno even drops a
 *   wake-up that arrives after its last timer); a timer is held while the wait
 *   is pending. Where `Atomics.waitAsync` is missing, the cell is polled with
 *   a growing back-off (1 ms up to 20 ms), which is correct because every
 *   waiter of this library waits for a cell to change.
 * - `waitCellSync()` uses `Atomics.wait`; where the runtime refuses to block
 *   (a browser's main thread) it throws a `ProcessError` that says to use the
 *   async form.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";

/** How one wait ended, as `Atomics.wait` reports it. */
export type CellWaitResult = "ok" | "not-equal" | "timed-out";

/** Longest delay a timer accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type WaitAsyncFn = (
  i32: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: "not-equal" | "timed-out" } | {
  async: true;
  value: Promise<"ok" | "timed-out">;
};

const nativeWaitAsync = (Atomics as unknown as { waitAsync?: WaitAsyncFn }).waitAsync;

/**
 * Keep the event loop alive until the returned function is called. Not a
 * timer of the wait's length: Node 20 may deliver a timed-out `waitAsync`
 * well after its timeout, and the loop must not end before it does.
 */
function keepAlive(): () => void {
  const id = setInterval(() => {}, MAX_TIMER_MS);
  return () => clearInterval(id);
}

function pollCell(
  i32: Int32Array,
  index: number,
  value: number,
  timeout: number,
): Promise<CellWaitResult> {
  const deadline = timeout === Infinity ? Infinity : performance.now() + timeout;
  return new Promise((resolve) => {
    let delay = 1;
    const check = () => {
      if (Atomics.load(i32, index) !== value) return resolve("ok");
      const left = deadline - performance.now();
      if (left <= 0) return resolve("timed-out");
      setTimeout(check, Math.min(delay, left));
      delay = Math.min(delay * 2, 20);
    };
    check();
  });
}

/**
 * Wait, without blocking the thread, until `i32[index]` is notified, no longer
 * holds `value`, or `timeout` ms have passed. The event loop stays alive while
 * the wait is pending.
 *
 * @param i32 A view on a `SharedArrayBuffer`.
 * @param index The cell.
 * @param value The value the cell is expected to hold.
 * @param timeout Milliseconds (`Infinity` for no limit, at least 0).
 * @param alive Keep the event loop alive while waiting (default true).
 * @returns A promise of how the wait ended.
 * @example
 * ```ts
 * import { waitCellAsync } from "./atomics_wait.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * console.log(await waitCellAsync(cells, 0, 0, 1)); // "timed-out"
 * ```
 */
export function waitCellAsync(
  i32: Int32Array,
  index: number,
  value: number,
  timeout: number,
  alive: boolean = true,
): Promise<CellWaitResult> {
  if (nativeWaitAsync === undefined) return pollCell(i32, index, value, timeout);
  const result = nativeWaitAsync(i32, index, value, timeout === Infinity ? undefined : timeout);
  if (!result.async) return Promise.resolve(result.value);
  if (!alive) return result.value;
  const release = keepAlive();
  return result.value.then((outcome) => {
    release();
    return outcome;
  });
}

let blockingAllowed: boolean | undefined;

/**
 * Whether this thread may block in `Atomics.wait` (false in a browser's main
 * thread; true in workers and in the main thread of Deno, Bun and Node).
 *
 * @returns True when the `...Sync` forms can wait here.
 * @example
 * ```ts
 * import { canBlock } from "./atomics_wait.ts";
 * console.log(canBlock());
 * ```
 */
export function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

/**
 * Block the thread until `i32[index]` is notified, no longer holds `value`, or
 * `timeout` ms have passed.
 *
 * @param i32 A view on a `SharedArrayBuffer`.
 * @param index The cell.
 * @param value The value the cell is expected to hold.
 * @param timeout Milliseconds (`Infinity` for no limit, at least 0).
 * @param what The operation, for the error message (e.g. `"Lock.acquireSync()"`).
 * @returns How the wait ended.
 * @throws {ProcessError} Where this thread may not block.
 * @example
 * ```ts
 * import { waitCellSync } from "./atomics_wait.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * console.log(waitCellSync(cells, 0, 1, 0, "example")); // "not-equal"
 * ```
 */
export function waitCellSync(
  i32: Int32Array,
  index: number,
  value: number,
  timeout: number,
  what: string,
): CellWaitResult {
  if (!canBlock()) {
    throw new ProcessError(
      `Cannot call ${what}: this thread may not block (a browser main thread); ` +
        "use the async form instead",
    );
  }
  return Atomics.wait(i32, index, value, timeout);
}
