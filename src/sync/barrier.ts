/**
 * `Barrier`: a meeting point for a fixed number of threads or processes
 * (Python's `multiprocessing.Barrier`).
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { SHAREABLE, type SharedMarker } from "../transport/shareable.ts";
import { compileFunction } from "../worker/functions.ts";
import { checkTimeout, describe, type TimeoutArg, waitTimeout } from "./_args.ts";
import { abortCells, CELLS, isBroken, resetCells, waitAs, waitingCount } from "./_barrier.ts";
import { runAsync, runSync } from "../share/drive.ts";
import { ownerId } from "../share/owner.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /** Called by one participant (the last to arrive) before the others are released. */
  readonly action?: () => unknown;
  /** Default timeout of `wait()` in ms (`null`/`undefined`: forever). */
  readonly timeout?: number | null;
}

interface Config {
  readonly parties: number;
  readonly timeout: number | null;
  readonly action?: { readonly name: string; readonly source: string };
}

let reviving: { from: SharedArrayBuffer | Remote; config: Config } | undefined;

function checkParties(parties: unknown): number {
  if (typeof parties !== "number" || !Number.isInteger(parties)) {
    throw new TypeError(
      `Cannot create Barrier: 'parties' must be a positive integer, received ${describe(parties)}`,
    );
  }
  if (parties < 1 || parties > 2 ** 31 - 1) {
    throw new RangeError(
      `Cannot create Barrier: 'parties' must be a positive integer, received ${parties}`,
    );
  }
  return parties;
}

/**
 * A barrier for `parties` participants: each `wait()` blocks until all have
 * called it, then all continue, each with a distinct index 0..parties-1; the
 * barrier is then ready for the next round (Python's
 * `multiprocessing.Barrier`). The optional `action` runs once per round, in
 * the last participant to arrive, before the others are released. `abort()`,
 * a timed-out `wait()` or a failing action break the barrier: waiters get a
 * `BrokenBarrierError` until `reset()`.
 *
 * Passed to a worker thread, the action travels by source text like a task
 * function (it must be self-contained). In the process context the parent
 * process holds the barrier and runs the action (as Python's Manager does);
 * children call it over IPC or, for `waitSync()`, `nWaiting` and `broken`,
 * over a synchronous local-socket channel.
 *
 * @example
 * ```ts
 * import { Barrier } from "./barrier.ts";
 * const barrier = new Barrier(2);
 * const indices = await Promise.all([barrier.wait(), barrier.wait()]);
 * console.log(indices.sort()); // [0, 1]
 * ```
 */
export class Barrier {
  readonly #cells: Int32Array | undefined;
  readonly #remote: Remote | undefined;
  readonly #config: Config;
  readonly #action: (() => unknown) | undefined;

  /**
   * Create a barrier for `parties` participants.
   *
   * @param parties The number of participants (a positive integer).
   * @param options `action` and default `timeout` (ms).
   * @throws {TypeError} For a non-integer `parties`, a non-function `action` or a bad `timeout`.
   * @throws {RangeError} When `parties` is less than 1.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    const from = reviving;
    reviving = undefined;
    if (from !== undefined) {
      this.#config = from.config;
      if (from.from instanceof SharedArrayBuffer) {
        this.#cells = new Int32Array(from.from);
        const action = from.config.action;
        if (action !== undefined) {
          this.#action = compileFunction(action.name, action.source) as () => unknown;
        }
      } else {
        this.#remote = from.from;
      }
      return;
    }
    checkParties(parties);
    const { action, timeout = null } = options ?? {};
    if (action !== undefined && typeof action !== "function") {
      throw new TypeError(
        `Cannot create Barrier: 'action' must be a function, received ${describe(action)}`,
      );
    }
    checkTimeout("create Barrier", timeout);
    this.#action = action;
    this.#config = { parties, timeout };
    this.#cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
  }

  /** The number of participants. */
  get parties(): number {
    return this.#config.parties;
  }

  /**
   * The number of participants waiting now.
   */
  get nWaiting(): number {
    if (this.#remote !== undefined) return this.#remote.callSync("nWaiting") as number;
    return waitingCount(this.#cells!);
  }

  /**
   * Whether the barrier is broken.
   */
  get broken(): boolean {
    if (this.#remote !== undefined) return this.#remote.callSync("broken") as boolean;
    return isBroken(this.#cells!);
  }

  #ms(timeout: TimeoutArg): number {
    const given = timeout !== null && typeof timeout === "object" ? timeout.timeout : timeout;
    return waitTimeout("wait on Barrier", given ?? this.#config.timeout);
  }

  /**
   * Wait until all parties have called `wait()`.
   *
   * @param timeout Longest wait in ms, or `{ timeout }` (default: the barrier's timeout;
   *   negative counts as 0). Running out of time breaks the barrier.
   * @returns This participant's index, 0..parties-1 (distinct within a round).
   * @throws {BrokenBarrierError} When the barrier is or becomes broken, or times out.
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * console.log(await new Barrier(1).wait()); // 0
   * ```
   */
  wait(timeout?: TimeoutArg): Promise<number> {
    const ms = this.#ms(timeout);
    if (this.#remote !== undefined) return this.#remote.call("wait", ms) as Promise<number>;
    return runAsync(waitAs(this.#cells!, this.parties, this.#action, ownerId(), ms));
  }

  /**
   * `wait()` blocking the thread (for worker code); the action must be synchronous.
   *
   * @param timeout Longest wait in ms, or `{ timeout }`.
   * @returns This participant's index.
   * @throws {BrokenBarrierError} When the barrier is or becomes broken, or times out.
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * console.log(new Barrier(1).waitSync()); // 0
   * ```
   */
  waitSync(timeout?: TimeoutArg): number {
    const ms = this.#ms(timeout);
    if (this.#remote !== undefined) {
      return this.#remote.callSync("wait", ms) as number;
    }
    const algorithm = waitAs(this.#cells!, this.parties, this.#action, ownerId(), ms);
    return runSync(algorithm, "Barrier.waitSync()");
  }

  /**
   * Break the barrier: current and later waiters get `BrokenBarrierError`
   * until `reset()`.
   *
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * const b = new Barrier(2);
   * b.abort();
   * console.log(b.broken); // true
   * ```
   */
  abort(): void {
    if (this.#remote !== undefined) return void this.#remote.callSync("abort");
    abortCells(this.#cells!, ownerId());
  }

  /**
   * Return the barrier to its initial state; current waiters get
   * `BrokenBarrierError`.
   *
   * @example
   * ```ts
   * import { Barrier } from "./barrier.ts";
   * const b = new Barrier(2);
   * b.abort();
   * b.reset();
   * console.log(b.broken); // false
   * ```
   */
  reset(): void {
    if (this.#remote !== undefined) return void this.#remote.callSync("reset");
    resetCells(this.#cells!, ownerId());
  }

  static {
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Barrier, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    let config = this.#config;
    const action = this.#action;
    if (context === "thread" && action !== undefined && config.action === undefined) {
      const source = Function.prototype.toString.call(action);
      if (/\{\s*\[native code\]\s*\}$/.test(source)) {
        throw new TypeError(
          `Cannot send Barrier to a worker: its action '${action.name}' is a native or bound ` +
            "function, which cannot travel by source text; pass a self-contained function",
        );
      }
      config = { ...config, action: { name: action.name, source } };
    }
    const cells = this.#cells;
    return marker(this, context, {
      tag: "Barrier",
      cells: cells?.buffer as SharedArrayBuffer | undefined,
      remote: this.#remote,
      extra: { parties: config.parties, timeout: config.timeout, action: config.action },
      methods: () => ({
        wait: (owner, ms) =>
          runAsync(waitAs(cells!, this.parties, action, owner as number, ms as number), false),
        abort: () => this.abort(),
        reset: () => this.reset(),
        nWaiting: () => this.nWaiting,
        broken: () => this.broken,
      }),
    });
  }
}

registerPrimitive(
  "Barrier",
  (cells, extra) => {
    reviving = { from: cells as SharedArrayBuffer, config: extra as Config };
    return new Barrier(0);
  },
  (remote, extra) => {
    reviving = { from: remote, config: extra as Config };
    return new Barrier(0);
  },
);
