/**
 * `Value`: one number in shared memory with a lock (Python's
 * `multiprocessing.Value`).
 *
 * @module
 */
import type { Context } from "../runtime/types.ts";
import {
  decodeShared,
  encodeShared,
  SHAREABLE,
  type SharedMarker,
} from "../transport/shareable.ts";
import { describe } from "../sync/_args.ts";
import type { Remote } from "../share/remote.ts";
import { marker, registerPrimitive } from "../share/marker.ts";
import { Lock } from "../sync/lock.ts";
import { RLock } from "../sync/rlock.ts";
import {
  checkTypecode,
  type Elements,
  elements,
  toStored,
  type Typecode,
  type ValueOf,
} from "./_typecodes.ts";

/** Options of `Value` and `SharedArray`. */
export interface SharedOptions {
  /**
   * The lock that guards it: `true` (default) for a new `RLock`, `false` for
   * none (Python's `RawValue`), or a `Lock`/`RLock` to use.
   */
  readonly lock?: boolean | Lock | RLock;
}

let reviving:
  | { from: SharedArrayBuffer | Remote; typecode: Typecode; lock: Lock | RLock | undefined }
  | undefined;

/**
 * The lock of a `Value` or `SharedArray` from its options.
 *
 * @param what The call, for the error message.
 * @param options The caller's options.
 * @returns The lock, or undefined for none.
 * @throws {TypeError} For a `lock` option of another type.
 */
export function lockOption(
  what: string,
  options: SharedOptions | undefined,
): Lock | RLock | undefined {
  const lock = options?.lock ?? true;
  if (lock === true) return new RLock();
  if (lock === false) return undefined;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  throw new TypeError(
    `Cannot ${what}: 'lock' must be a boolean, a Lock or an RLock, received ${describe(lock)}`,
  );
}

/**
 * A number (or bigint, for typecodes `q` and `Q`) in shared memory, with a
 * lock to guard read-modify-write sequences (Python's
 * `multiprocessing.Value`). Reading or writing `.value` is atomic; `v.value++`
 * is not: hold `getLock()` around it. Pass it to pool tasks and `Process`
 * targets; it is the same memory there.
 *
 * In the process context the parent process holds the value; in a child
 * process each `.value` read or write is a synchronous round trip to the
 * parent (the async `get()`/`set()` go over IPC).
 *
 * @example
 * ```ts
 * import { Value } from "./value.ts";
 * import { withLock } from "../sync/scoped.ts";
 * const counter = new Value("i", 0);
 * await withLock(counter.getLock(), () => {
 *   counter.value += 1;
 * });
 * console.log(counter.value); // 1
 * ```
 */
export class Value<T extends Typecode = Typecode> {
  readonly #elements: Elements | undefined;
  readonly #remote: Remote | undefined;
  readonly #lock: Lock | RLock | undefined;
  /** The typecode (`"i"`, `"d"`, ...). */
  readonly typecode: T;

  /**
   * Create a shared value.
   *
   * @param typecode One of `b B h H i I l L q Q f d` (`l`/`L` are 32-bit here).
   * @param initial The initial value (default 0).
   * @param options `{ lock }`: `true` (default, a new `RLock`), `false`, or a lock to use.
   * @throws {TypeError} For an unknown typecode, an initial value of the wrong type, or a bad lock.
   */
  constructor(typecode: T, initial?: ValueOf<T>, options?: SharedOptions) {
    const from = reviving;
    reviving = undefined;
    if (from !== undefined) {
      this.typecode = from.typecode as T;
      this.#lock = from.lock;
      if (from.from instanceof SharedArrayBuffer) {
        this.#elements = elements(from.typecode, 1, from.from);
      } else {
        this.#remote = from.from;
      }
      return;
    }
    this.typecode = checkTypecode("create Value", typecode) as T;
    this.#lock = lockOption("create Value", options);
    this.#elements = elements(typecode, 1);
    if (initial !== undefined) this.#elements.set(0, toStored("create Value", typecode, initial));
  }

  /**
   * The value now (an atomic read).
   */
  get value(): ValueOf<T> {
    if (this.#remote !== undefined) return this.#remote.callSync("get") as ValueOf<T>;
    return this.#elements!.get(0) as ValueOf<T>;
  }

  /** Set the value (an atomic write). */
  set value(value: ValueOf<T>) {
    const stored = toStored("set Value.value", this.typecode, value);
    if (this.#remote !== undefined) this.#remote.callSync("set", stored);
    else this.#elements!.set(0, stored);
  }

  /**
   * Read the value; works in every context.
   *
   * @returns The value.
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * console.log(await new Value("d", 1.5).get()); // 1.5
   * ```
   */
  get(): Promise<ValueOf<T>> {
    if (this.#remote !== undefined) return this.#remote.call("get") as Promise<ValueOf<T>>;
    return Promise.resolve(this.value);
  }

  /**
   * Write the value; works in every context.
   *
   * @param value The new value.
   * @returns Once written.
   * @throws {TypeError} For a value of the wrong type.
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * const v = new Value("q", 0n);
   * await v.set(2n ** 40n);
   * console.log(v.value); // 1099511627776n
   * ```
   */
  set(value: ValueOf<T>): Promise<void> {
    const stored = toStored("set Value", this.typecode, value);
    if (this.#remote !== undefined) return this.#remote.call("set", stored) as Promise<void>;
    this.#elements!.set(0, stored);
    return Promise.resolve();
  }

  /**
   * The lock that guards this value.
   *
   * @returns The lock.
   * @throws {TypeError} When it was made with `{ lock: false }`.
   * @example
   * ```ts
   * import { Value } from "./value.ts";
   * const v = new Value("i", 0);
   * await v.getLock().acquire();
   * v.getLock().release();
   * ```
   */
  getLock(): Lock | RLock {
    if (this.#lock === undefined) {
      throw new TypeError("Cannot get the lock of a Value made with { lock: false }");
    }
    return this.#lock;
  }

  static {
    // `[SHAREABLE]` is set on the prototype here: isolatedDeclarations can't
    // emit a method with a computed name.
    Object.defineProperty(this.prototype, SHAREABLE, {
      value(this: Value, context: Context): SharedMarker {
        return this.#marker(context);
      },
    });
  }

  /** The marker this object travels as, to `context` (see `encodeShared()`). */
  #marker(context: Context): SharedMarker {
    const el = this.#elements;
    return marker(this, context, {
      tag: "Value",
      cells: el?.buffer,
      remote: this.#remote,
      extra: { typecode: this.typecode, lock: encodeShared(this.#lock, context) },
      methods: () => ({
        get: () => el!.get(0),
        set: (_owner, value) => el!.set(0, value as number | bigint),
      }),
    });
  }
}

registerPrimitive(
  "Value",
  (cells, extra) => {
    const { typecode, lock } = extra as { typecode: Typecode; lock: unknown };
    reviving = {
      from: cells as SharedArrayBuffer,
      typecode,
      lock: decodeShared(lock) as Lock | RLock | undefined,
    };
    return new Value(typecode);
  },
  (remote, extra) => {
    const { typecode, lock } = extra as { typecode: Typecode; lock: unknown };
    reviving = { from: remote, typecode, lock: decodeShared(lock) as Lock | RLock | undefined };
    return new Value(typecode);
  },
);
