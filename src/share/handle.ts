/**
 * One state machine, two transports. Every shared object (lock, semaphore,
 * event, condition, barrier, value, array, queue, pipe end) declares its
 * operations once, in an object of functions over its state:
 *
 * ```ts ignore
 * const LOCK_OPS = {
 *   *acquire(cells: Int32Array, owner: number, ms: number) { ... },  // may wait
 *   locked: (cells: Int32Array) => Atomics.load(cells, 0) !== 0,     // answers at once
 * } satisfies Operations<Int32Array>;
 * ```
 *
 * An operation that may wait is a generator over the state's shared cells
 * (`drive.ts`); one that answers at once is a plain function. Each receives
 * the caller's owner id (`owner.ts`) after the state.
 *
 * A `Handle` runs them where the state is, as `handle.sync.acquire(ms)` or
 * `handle.async.acquire(ms)` (one function per operation, made once per handle):
 * - **local** (the creating process, or a thread that shares its memory): the
 *   blocking driver for `sync`, the async driver for `async`;
 * - **remote** (a child process): the owning process serves the same
 *   operations (`remote.ts`), so the thread and process versions cannot drift
 *   and the compiler checks every name (`keyof` the operations object).
 *
 * A class keeps its handle in `#handle` (`adopted() ?? new Handle(...)` in
 * its constructor) and, in a `static {}` block, calls `shareable()` (how its
 * objects travel) and `defineShared()` (how they are revived). A handle
 * received by a child process passes on to its own workers, processes or
 * threads, the same way for every class (`marker.ts`).
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import { callParent, type RpcTarget } from "../transport/rpc.ts";
import { callParentSync, syncRpcAddress } from "../transport/rpc_sync.ts";
import {
  decodeShared,
  encodeShared,
  SHAREABLE,
  type SharedMarker,
} from "../transport/shareable.ts";
import { type Algorithm, runAsync, runSync } from "./drive.ts";
import { forward, type MarkerState, registerPrimitive } from "./marker.ts";
import { ownerId, ownerTable } from "./owner.ts";
import { type Remote, serve } from "./remote.ts";

/**
 * An operation over state `S`: `(state, owner, a?, b?)`, a generator when it
 * may wait. Two arguments at most, so a local runner passes them on without
 * a spread (a remote one sends exactly those given).
 */
// deno-lint-ignore no-explicit-any
export type Operation<S> = (state: S, owner: number, a?: any, b?: any) => unknown;

/** The operations of one class. */
export type Operations<S> = Record<string, Operation<S>>;

/** The arguments of an operation after state and owner. */
export type OpArgs<F> = F extends (state: never, owner: number, ...args: infer A) => unknown ? A
  : never;

/** What an operation produces: a generator's return value, or the plain result. */
// deno-lint-ignore no-explicit-any
export type OpResult<F> = F extends (...args: any[]) => infer R ? Produced<R> : never;

/** `R`, or what the algorithm `R` returns (distributes over a union of both). */
export type Produced<R> = R extends Algorithm<infer V> ? V : Awaited<R>;

/** One handle's operations, each blocking while it waits. */
export type SyncRunners<O> = { readonly [K in keyof O]: (...args: OpArgs<O[K]>) => OpResult<O[K]> };

/** One handle's operations, each returning a promise. */
export type AsyncRunners<O> = {
  readonly [K in keyof O]: (...args: OpArgs<O[K]>) => Promise<OpResult<O[K]>>;
};

type Runner = (a?: unknown, b?: unknown) => unknown;

/** An operation's outcome, once its wait (if any) is over. */
function finishSync(out: unknown, tag: string, name: string): unknown {
  if (out === true || out === false || out === undefined || !isAlgorithm(out)) return out;
  const first = out.next(); // most operations need no wait: no message to build
  return first.done ? first.value : runSync(out, `${tag}.${name}Sync()`, first);
}

/** How one class is shared: its tag, its operations, and how its state crosses to a thread. */
export interface Kind<S, O extends Operations<S>> {
  /** The class name: the marker's tag and the served id's prefix. */
  readonly tag: string;
  /** The operations, declared once. */
  readonly ops: O;
  /** What of the state crosses to a thread (shared memory; structured-cloneable). */
  share(state: S): unknown;
  /** The state again, on the other side of `share()`; `extra` is the marker's (revived). */
  adopt(shared: unknown, extra?: unknown): S;
  /** What other classes may use of a state held here (a `Condition`, of its lock's). */
  internals?(state: S): unknown;
}

/**
 * The kind of a class whose state is one `Int32Array` of shared cells.
 *
 * @param tag The class name.
 * @param ops Its operations.
 * @param internals What other classes may use of its cells.
 * @returns The kind.
 */
export function cellsKind<O extends Operations<Int32Array>>(
  tag: string,
  ops: O,
  internals?: (cells: Int32Array) => unknown,
): Kind<Int32Array, O> {
  return {
    tag,
    ops,
    share: (cells) => cells.buffer,
    adopt: (buffer) => new Int32Array(buffer as SharedArrayBuffer),
    internals,
  };
}

/**
 * New shared cells, all 0.
 *
 * @param count How many.
 * @returns The view.
 */
export function newCells(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(count * 4));
}

function isAlgorithm(value: unknown): value is Algorithm<unknown> {
  // Cheaper than a tag check, and no operation returns another kind of iterator.
  return typeof (value as Algorithm<unknown> | null)?.throw === "function";
}

/**
 * Where a shared object's state is, and how to run its operations there.
 *
 * @typeParam S The state (shared cells, or an object over them).
 * @typeParam O Its operations.
 */
export class Handle<S, O extends Operations<S>> {
  readonly #kind: Kind<S, O>;
  readonly #state: S | undefined;
  readonly #remote: Remote | undefined;
  #sync: SyncRunners<O> | undefined;
  #async: AsyncRunners<O> | undefined;

  /**
   * A handle on state held here, or on state another process owns.
   *
   * @param kind The class.
   * @param state The state, when it is held here.
   * @param remote The owner's address for it, when another process owns it.
   */
  constructor(kind: Kind<S, O>, state: S | undefined, remote?: Remote) {
    this.#kind = kind;
    this.#state = state;
    this.#remote = remote;
  }

  /** The kind's `internals()` of a state held here (else undefined). */
  internals(): unknown {
    const state = this.#state;
    return state === undefined ? undefined : this.#kind.internals?.(state);
  }

  /**
   * The operations, each run without blocking the thread:
   * `handle.async.acquire(ms)`. Made once per handle, on first use, so a call
   * costs no lookup by name.
   *
   * @returns One function per operation.
   */
  get async(): AsyncRunners<O> {
    return this.#async ??= this.#bind(false) as AsyncRunners<O>;
  }

  /** The state when it is held here (a class's own fast path); undefined in a child process. */
  get local(): S | undefined {
    return this.#remote === undefined ? this.#state : undefined;
  }

  /**
   * The operations, each blocking the thread while it waits (for worker code):
   * `handle.sync.release()`.
   *
   * @returns One function per operation.
   */
  get sync(): SyncRunners<O> {
    return this.#sync ??= this.#bind(true) as SyncRunners<O>;
  }

  #bind(blocking: boolean): Record<string, Runner> {
    const runners: Record<string, Runner> = {};
    const remote = this.#remote, state = this.#state!, tag = this.#kind.tag;
    for (const [name, op] of Object.entries(this.#kind.ops)) {
      runners[name] = remote !== undefined
        ? blocking
          ? (...args) => callParentSync(remote.sync, remote.id, name, [ownerId(), ...args])
          : (...args) => callParent(remote.id, name, [ownerId(), ...args])
        : blocking
        ? (a, b) => finishSync(op(state, ownerId(), a, b), tag, name)
        : (a, b) => {
          try {
            const out = op(state, ownerId(), a, b);
            return isAlgorithm(out) ? runAsync(out) : Promise.resolve(out);
          } catch (error) {
            return Promise.reject(error);
          }
        };
    }
    return runners;
  }

  /**
   * The marker `object` travels as to `context`.
   *
   * @param object The public object this handle belongs to.
   * @param context Where it goes.
   * @param extra Whatever else the other side needs: cloneable, or shareable
   *   objects (a value's lock), which travel as markers of their own.
   * @returns The marker.
   */
  marker(object: object, context: Context, extra?: unknown): SharedMarker {
    const kind = this.#kind, remote = this.#remote, state = this.#state!;
    const shared = (state: MarkerState): SharedMarker => ({ __mpShared: kind.tag, state });
    extra = encodeShared(extra, context);
    if (remote !== undefined) {
      forward(remote.id, object); // a proxy passed on, from a child process to its own workers
      return shared({ mode: "process", id: remote.id, sync: remote.sync, extra });
    }
    if (context === "thread") {
      return shared({ mode: "thread", cells: kind.share(state), counter: ownerTable(), extra });
    }
    const id = serve(object, kind.tag, () => methodsOf(kind, state));
    return shared({ mode: "process", id, sync: syncRpcAddress(), extra });
  }
}

/** The RPC methods that serve `kind`'s operations on `state` to child processes. */
function methodsOf<S, O extends Operations<S>>(kind: Kind<S, O>, state: S): RpcTarget {
  const methods: RpcTarget = {};
  for (const [name, op] of Object.entries(kind.ops)) {
    methods[name] = (owner, ...args) => {
      const out = op(state, owner as number, ...args);
      // The parent waits on a child's behalf without keeping itself alive.
      return isAlgorithm(out) ? runAsync(out, false) : out;
    };
  }
  return methods;
}

let adopting: Handle<unknown, Operations<unknown>> | undefined;

/**
 * Register how `kind` is revived on the other side of a marker. `make`
 * constructs the public object; its constructor takes the handle with
 * `adopted()` instead of creating state.
 *
 * @param kind The class.
 * @param make Calls the public constructor.
 */
export function defineShared<S, O extends Operations<S>>(
  kind: Kind<S, O>,
  make: (extra: unknown) => object,
): void {
  registerPrimitive(
    kind.tag,
    (cells, raw) => {
      const extra = decodeShared(raw);
      return constructOn(new Handle(kind, kind.adopt(cells, extra)), () => make(extra));
    },
    (remote, raw) => {
      const extra = decodeShared(raw); // before adopting: it may revive objects of its own
      return constructOn(new Handle(kind, undefined, remote), () => make(extra));
    },
  );
}

const HANDLE: unique symbol = Symbol("@seed/multiprocessing.handle");

/**
 * Make a class's objects travel as markers of their handle: sets
 * `[SHAREABLE]` on its prototype (isolatedDeclarations can't emit a method
 * with a computed name), so call it in a `static {}` block, where `#handle`
 * can be read.
 *
 * @param Class The class.
 * @param handle Reads an object's handle.
 * @param extra What else an object's marker carries (see `Handle.marker()`).
 */
export function shareable<T extends object>(
  Class: { readonly prototype: T },
  // deno-lint-ignore no-explicit-any
  handle: (object: T) => Handle<any, any>,
  extra?: (object: T, context: Context) => unknown,
): void {
  Object.defineProperties(Class.prototype, {
    [SHAREABLE]: {
      value(this: T, context: Context): SharedMarker {
        return handle(this).marker(this, context, extra?.(this, context));
      },
    },
    [HANDLE]: {
      value(this: T) {
        return handle(this);
      },
    },
  });
}

/**
 * The handle of an object of a `shareable()` class.
 *
 * @param object Anything.
 * @returns Its handle, or undefined for other values.
 */
export function handleOf(object: unknown): Handle<unknown, Operations<unknown>> | undefined {
  const get = (object as { [HANDLE]?: () => Handle<unknown, Operations<unknown>> } | null)
    ?.[HANDLE];
  return typeof get === "function" ? get.call(object) : undefined;
}

/**
 * In a constructor: the handle being revived, if this construction is a
 * revival (then the constructor creates no state of its own).
 *
 * @returns The handle, or undefined for a new object.
 */
export function adopted<S, O extends Operations<S>>(): Handle<S, O> | undefined {
  const handle = adopting;
  adopting = undefined;
  return handle as unknown as Handle<S, O> | undefined;
}

/**
 * Construct a public object on a handle made here rather than revived (as
 * `Pipe()` makes both ends of a pipe): `make`'s constructor takes it with
 * `adopted()`.
 *
 * @param handle The handle.
 * @param make Calls the public constructor.
 * @returns What `make` returned.
 */
export function constructOn<T, S, O extends Operations<S>>(handle: Handle<S, O>, make: () => T): T {
  adopting = handle as unknown as Handle<unknown, Operations<unknown>>;
  try {
    return make();
  } finally {
    adopting = undefined;
  }
}
