/**
 * `SharedArray`: a fixed-length array of numbers in shared memory with a lock
 * (Python's `multiprocessing.Array`).
 *
 * @module
 */
import { checkInteger, describe } from "../args.ts";
import { adopted, defineShared, Handle, shareable } from "../share/handle.ts";
import type { Lock } from "../sync/lock.ts";
import type { RLock } from "../sync/rlock.ts";
import {
  checkTypecode,
  type Elements,
  elements,
  toStored,
  type Typecode,
  type ValueOf,
} from "./_typecodes.ts";
import {
  ELEMENT_OPS,
  type ElementsExtra,
  elementsKind,
  lockOption,
  type SharedOptions,
  theLock,
} from "./value.ts";

const ARRAY = elementsKind("SharedArray");
const INDEX = /^(?:0|[1-9][0-9]*)$/;

function sizeOf(sizeOrValues: unknown): { length: number; values?: unknown[] } {
  if (typeof sizeOrValues === "number") {
    return { length: checkInteger("create SharedArray", "size", sizeOrValues, { max: 2 ** 30 }) };
  }
  if (
    sizeOrValues !== null && typeof sizeOrValues === "object" &&
    typeof (sizeOrValues as Iterable<unknown>)[Symbol.iterator] === "function"
  ) {
    const values = Array.from(sizeOrValues as Iterable<unknown>);
    return { length: values.length, values };
  }
  throw new TypeError(
    "Cannot create SharedArray: 'sizeOrValues' must be a size or an iterable of values, " +
      `received ${describe(sizeOrValues)}`,
  );
}

/**
 * A fixed-length array of numbers (bigints for typecodes `q` and `Q`) in
 * shared memory, with a lock to guard multi-step updates (Python's
 * `multiprocessing.Array`). Index it like an array (`arr[0] = 1`, each access
 * atomic), iterate it, or copy it with `toArray()`. Pass it to pool tasks and
 * `Process` targets; it is the same memory there.
 *
 * In the process context the parent process holds the array; in a child
 * process each index access is a synchronous round trip to the parent (the
 * async `get(i)`, `set(i, v)` and `getAll()` go over IPC); `toArray()` is one
 * round trip, whatever the array's size.
 *
 * @example
 * ```ts
 * import { SharedArray } from "./shared_array.ts";
 * const arr = new SharedArray("d", [1, 2, 3]);
 * arr[0] = 10;
 * console.log(arr.length, arr[0], arr.toArray()); // 3 10 [10, 2, 3]
 * ```
 */
export class SharedArray<T extends Typecode = Typecode> {
  readonly #handle: Handle<Elements, typeof ELEMENT_OPS>;
  readonly #lock: Lock | RLock | undefined;
  /** The typecode (`"i"`, `"d"`, ...). */
  readonly typecode: T;
  /** The number of elements. */
  readonly length: number;
  /** Element access by index (atomic). */
  [index: number]: ValueOf<T>;

  /**
   * Create a shared array.
   *
   * @param typecode One of `b B h H i I l L q Q f d` (`l`/`L` are 32-bit here).
   * @param sizeOrValues The length (elements start at 0), or the initial values.
   * @param options `{ lock }`: `true` (default, a new `RLock`), `false`, or a lock to use.
   * @throws {TypeError} For an unknown typecode, values of the wrong type or a bad lock.
   * @throws {RangeError} For a negative size.
   */
  constructor(typecode: T, sizeOrValues: number | Iterable<ValueOf<T>>, options?: SharedOptions) {
    const handle = adopted<Elements, typeof ELEMENT_OPS>();
    this.typecode = handle ? typecode : checkTypecode("create SharedArray", typecode) as T;
    const { length, values } = handle ? { length: sizeOrValues as number } : sizeOf(sizeOrValues);
    this.length = length;
    this.#lock = lockOption("create SharedArray", options, handle);
    this.#handle = handle ?? new Handle(ARRAY, elements(typecode, length));
    values?.forEach((v, i) =>
      this.#handle.sync.set(i, toStored("create SharedArray", typecode, v))
    );
    return new Proxy(this, TRAPS as ProxyHandler<SharedArray<T>>);
  }

  #check(what: string, index: unknown): number {
    if (typeof index !== "number" || !Number.isInteger(index)) {
      throw new TypeError(`Cannot ${what}: index must be an integer, received ${describe(index)}`);
    }
    const i = index < 0 ? index + this.length : index;
    if (i < 0 || i >= this.length) {
      throw new RangeError(`Cannot ${what}: index ${index} out of range 0..${this.length - 1}`);
    }
    return i;
  }

  /** @ignore Indexing support for the Proxy. */
  _load(index: number): ValueOf<T> {
    return this.#handle.sync.get(this.#check("read SharedArray", index)) as ValueOf<T>;
  }

  /** @ignore Indexing support for the Proxy. */
  _store(index: number, value: unknown): void {
    const i = this.#check("write SharedArray", index);
    this.#handle.sync.set(i, toStored("write SharedArray", this.typecode, value));
  }

  /**
   * Read element `index` (negative counts from the end); works in every context.
   *
   * @param index The element.
   * @returns Its value.
   * @throws {RangeError} When out of range.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * console.log(await new SharedArray("i", [5, 6]).get(-1)); // 6
   * ```
   */
  get(index: number): Promise<ValueOf<T>> {
    return this.#handle.async.get(this.#check("read SharedArray", index)) as Promise<ValueOf<T>>;
  }

  /**
   * Write element `index`; works in every context.
   *
   * @param index The element (negative counts from the end).
   * @param value The new value.
   * @returns Once written.
   * @throws {RangeError} When out of range.
   * @throws {TypeError} For a value of the wrong type.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * const a = new SharedArray("i", 2);
   * await a.set(1, 7);
   * console.log(a[1]); // 7
   * ```
   */
  set(index: number, value: ValueOf<T>): Promise<void> {
    const i = this.#check("write SharedArray", index);
    return this.#handle.async.set(i, toStored("write SharedArray", this.typecode, value));
  }

  /**
   * A copy of all elements.
   *
   * @returns The values.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * console.log(new SharedArray("B", 3).toArray()); // [0, 0, 0]
   * ```
   */
  toArray(): ValueOf<T>[] {
    return this.#handle.sync.getAll() as ValueOf<T>[];
  }

  /**
   * A copy of all elements; works in every context.
   *
   * @returns The values.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * console.log(await new SharedArray("i", [1, 2]).getAll()); // [1, 2]
   * ```
   */
  getAll(): Promise<ValueOf<T>[]> {
    return this.#handle.async.getAll() as Promise<ValueOf<T>[]>;
  }

  /**
   * Iterate over a snapshot of the elements.
   *
   * @returns An iterator.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * console.log([...new SharedArray("i", [1, 2])]); // [1, 2]
   * ```
   */
  [Symbol.iterator](): IterableIterator<ValueOf<T>> {
    return this.toArray()[Symbol.iterator]();
  }

  /**
   * The lock that guards this array.
   *
   * @returns The lock.
   * @throws {TypeError} When it was made with `{ lock: false }`.
   * @example
   * ```ts
   * import { SharedArray } from "./shared_array.ts";
   * const lock = new SharedArray("i", 1).getLock();
   * await lock.acquire();
   * lock.release();
   * ```
   */
  getLock(): Lock | RLock {
    return theLock("SharedArray", this.#lock);
  }

  static {
    shareable(this, (a) => a.#handle, (a): ElementsExtra => ({
      typecode: a.typecode,
      length: a.length,
      lock: a.#lock,
    }));
    defineShared(ARRAY, (extra) => {
      const { typecode, length, lock } = extra as ElementsExtra;
      return new SharedArray(typecode, length, { lock });
    });
  }
}

const TRAPS: ProxyHandler<SharedArray> = {
  get(target, key) {
    if (typeof key === "string" && INDEX.test(key)) return target._load(Number(key));
    const value = Reflect.get(target, key, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
  set(target, key, value) {
    if (typeof key === "string" && INDEX.test(key)) {
      target._store(Number(key), value);
      return true;
    }
    return Reflect.set(target, key, value, target);
  },
  has(target, key) {
    if (typeof key === "string" && INDEX.test(key)) return Number(key) < target.length;
    return Reflect.has(target, key);
  },
};
