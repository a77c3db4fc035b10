/**
 * `Value`: one number in shared memory with a lock (Python's
 * `multiprocessing.Value`), and what it shares with `SharedArray`.
 *
 * @module
 */
import { describe } from "../args.ts";
import { adopted, defineShared, Handle, type Kind, shareable } from "../share/handle.ts";
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

/** The operations of `Value` (element 0) and `SharedArray`. */
export const ELEMENT_OPS = {
  get: (el: Elements, _owner: number, i: number): number | bigint => el.get(i),
  set: (el: Elements, _owner: number, i: number, value: number | bigint): void => el.set(i, value),
  getAll: (el: Elements): (number | bigint)[] =>
    Array.from({ length: el.length }, (_, i) => el.get(i)),
};

/** What travels beside the elements' buffer. */
export interface ElementsExtra {
  readonly typecode: Typecode;
  readonly length: number;
  readonly lock: Lock | RLock | undefined;
}

/**
 * The kind of `Value` or `SharedArray`.
 *
 * @param tag The class name.
 * @returns The kind.
 */
export function elementsKind(tag: string): Kind<Elements, typeof ELEMENT_OPS> {
  return {
    tag,
    ops: ELEMENT_OPS,
    share: (el) => el.buffer,
    adopt(buffer, extra) {
      const { typecode, length } = extra as ElementsExtra;
      return elements(typecode, length, buffer as SharedArrayBuffer);
    },
  };
}

/**
 * The lock of a `Value` or `SharedArray` from its options (for a revived
 * object, the lock it came with).
 *
 * @param what The call, for the error message.
 * @param options The caller's options.
 * @param revived The handle of a revived object, if it is one.
 * @returns The lock, or undefined for none.
 * @throws {TypeError} For a `lock` option of another type.
 */
export function lockOption(
  what: string,
  options: SharedOptions | undefined,
  revived: unknown,
): Lock | RLock | undefined {
  if (revived !== undefined) return options?.lock as Lock | RLock | undefined;
  const lock = options?.lock ?? true;
  if (lock === true) return new RLock();
  if (lock === false) return undefined;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  throw new TypeError(
    `Cannot ${what}: 'lock' must be a boolean, a Lock or an RLock, received ${describe(lock)}`,
  );
}

/**
 * The lock that guards a `Value` or `SharedArray`.
 *
 * @param tag The class name.
 * @param lock Its lock, if any.
 * @returns The lock.
 * @throws {TypeError} When it has none.
 */
export function theLock(tag: string, lock: Lock | RLock | undefined): Lock | RLock {
  if (lock === undefined) {
    throw new TypeError(`Cannot get the lock of a ${tag} made with { lock: false }`);
  }
  return lock;
}

const VALUE = elementsKind("Value");

/**
 * A number (or bigint, for typecodes `q` and `Q`) in shared memory, with a
 * lock to guard read-modify-write sequences (Python's
 * `multiprocessing.Value`). Reading or writing `.value` is atomic; `v.value++`
 * is not: hold `getLock()` around it. Pass it to pool tasks and `Process`
 * targets, and on from there; it is the same memory everywhere.
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
  readonly #handle: Handle<Elements, typeof ELEMENT_OPS>;
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
    const handle = adopted<Elements, typeof ELEMENT_OPS>();
    this.typecode = handle ? typecode : checkTypecode("create Value", typecode) as T;
    this.#lock = lockOption("create Value", options, handle);
    this.#handle = handle ?? new Handle(VALUE, elements(typecode, 1));
    if (!handle && initial !== undefined) {
      this.#handle.sync.set(0, toStored("create Value", typecode, initial));
    }
  }

  /** The value now (an atomic read). */
  get value(): ValueOf<T> {
    return this.#handle.sync.get(0) as ValueOf<T>;
  }

  /** Set the value (an atomic write). */
  set value(value: ValueOf<T>) {
    this.#handle.sync.set(0, toStored("set Value.value", this.typecode, value));
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
    return this.#handle.async.get(0) as Promise<ValueOf<T>>;
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
    return this.#handle.async.set(0, toStored("set Value", this.typecode, value));
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
    return theLock("Value", this.#lock);
  }

  static {
    shareable(this, (v) => v.#handle, (v): ElementsExtra => ({
      typecode: v.typecode,
      length: 1,
      lock: v.#lock,
    }));
    defineShared(VALUE, (extra) => {
      const { typecode, lock } = extra as ElementsExtra;
      return new Value(typecode, undefined, { lock });
    });
  }
}
