/**
 * Zero-copy on request: a value wrapped with the buffers and ports that
 * should move with it instead of being copied (`postMessage`'s transfer
 * list). A `Transfer` never travels itself: the sender unwraps it
 * ({@linkcode unwrapTransfers}, {@linkcode unwrapResult}) and the receiver
 * sees the plain value.
 *
 * Nothing is scanned for a `Transfer` until one has been made in this
 * thread ({@linkcode transfersUsed}), so calls that never use one pay
 * nothing for the feature.
 *
 * @module
 */
import { describe } from "../args.ts";

/**
 * What a transfer list may name: typed arrays and `DataView`s stand for their
 * buffers. `ArrayBufferLike` (what a typed array's `buffer` is typed as) is
 * accepted by the type; a `SharedArrayBuffer` is refused when the `Transfer`
 * is made, since it is shared, never moved.
 */
export type TransferItem = ArrayBufferLike | ArrayBufferView | TransferPort;

/**
 * A `MessagePort` (the web's or `node:worker_threads`'), described by its
 * shape so that the types need neither the DOM library nor `@types/node`
 * (under `@types/node` alone `MessagePort` is a value, not a type).
 */
export interface TransferPort {
  /** Sends a message through the port. */
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  /** Closes the port. */
  close(): void;
}

/** Set once a `Transfer` has been made in this thread (see the module's note). */
let used = false;

/**
 * Whether any {@linkcode Transfer} was made in this thread.
 *
 * @returns True once one was.
 * @example
 * ```ts
 * import { transfersUsed } from "./transfer.ts";
 * console.log(typeof transfersUsed()); // boolean
 * ```
 */
export function transfersUsed(): boolean {
  return used;
}

function isPort(value: unknown): value is TransferPort {
  return typeof MessagePort === "function" && value instanceof MessagePort;
}

/**
 * Whether `buffer` was transferred already. `ArrayBuffer.prototype.detached`
 * is missing on Node 20; there a detached buffer has length 0 and cannot
 * take a view.
 */
function isDetached(buffer: ArrayBuffer): boolean {
  const flag = (buffer as { detached?: unknown }).detached;
  if (typeof flag === "boolean") return flag;
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function checkItem(item: unknown, at: number): ArrayBuffer | TransferPort {
  const what = "Cannot create Transfer";
  const name = `'transferList[${at}]'`;
  if (isPort(item)) return item;
  const buffer = ArrayBuffer.isView(item) ? item.buffer : item;
  if (!(buffer instanceof ArrayBuffer)) {
    const shared = typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
    throw new TypeError(
      `${what}: ${name} must be an ArrayBuffer, a view of one or a MessagePort` +
        `${shared ? " (a SharedArrayBuffer is shared, never moved: send it as it is)" : ""}` +
        `, received ${describe(item)}`,
    );
  }
  if (isDetached(buffer)) {
    throw new TypeError(
      `${what}: ${name} must be a buffer that was not transferred already, ` +
        `received a detached ${describe(buffer).replace(/^an? /, "")}`,
    );
  }
  return buffer;
}

/**
 * A value with the `ArrayBuffer`s and `MessagePort`s that move with it
 * instead of being copied (as `postMessage`'s transfer list), for task
 * arguments, `map`/`imap` items and task results.
 *
 * In the thread context the listed objects move: afterwards the sender's
 * buffers are detached (length 0) and its ports unusable, and the receiver
 * gets them without a copy. In the process context the same call works but
 * copies (nothing can move between processes); a `MessagePort` cannot reach
 * a child process at all, and its task fails with a `TypeError`.
 *
 * Wrap a whole argument (`[new Transfer(arr, [arr.buffer]), 2]`), a whole
 * `map` item, or what a task returns; a `Transfer` nested deeper is not
 * unwrapped. A task that must be sent again (its worker died holding it)
 * fails with a `TypeError`, since its buffers moved to the dead worker.
 * Typed arrays and `DataView`s in the list stand for their buffers.
 *
 * @typeParam T The wrapped value.
 * @example
 * ```ts
 * import { Pool, Transfer } from "../../mod.ts";
 *
 * const pool = new Pool(2);
 * const data = new Float64Array([1, 2, 3]);
 * const sum = await pool.apply(
 *   (a: Float64Array) => a.reduce((s, x) => s + x, 0),
 *   [new Transfer(data, [data.buffer])],
 * );
 * console.log(sum, data.length); // 6 0 (the buffer moved to the worker)
 * pool.close();
 * await pool.join();
 * ```
 */
export class Transfer<T = unknown> {
  /** The value the receiver gets. */
  readonly value: T;
  /** The buffers and ports that move with it (views replaced by their buffers, no repeats). */
  readonly transferList: readonly (ArrayBuffer | TransferPort)[];

  /**
   * Wrap `value` with what moves with it.
   *
   * @param value The value to send.
   * @param transferList What moves with it: `ArrayBuffer`s, typed arrays or
   *   `DataView`s (their buffers), `MessagePort`s.
   * @throws {TypeError} When `transferList` is not an array, or an item
   *   cannot be transferred (not a buffer or port, a `SharedArrayBuffer`, a
   *   buffer already detached).
   * @example
   * ```ts
   * import { Transfer } from "../../mod.ts";
   * const bytes = new Uint8Array(8);
   * console.log(new Transfer(bytes, [bytes]).transferList[0] === bytes.buffer); // true
   * ```
   */
  constructor(value: T, transferList: readonly TransferItem[]) {
    if (!Array.isArray(transferList)) {
      throw new TypeError(
        `Cannot create Transfer: 'transferList' must be an array, received ${
          describe(transferList)
        }`,
      );
    }
    const list = new Set<ArrayBuffer | TransferPort>();
    for (let i = 0; i < transferList.length; i++) list.add(checkItem(transferList[i], i));
    this.value = value;
    this.transferList = [...list];
    used = true;
  }
}

/** What {@linkcode unwrapTransfers} and {@linkcode unwrapResult} found. */
export interface Unwrapped {
  /** The values with every `Transfer` replaced by its value. */
  readonly values: unknown;
  /** What their transfer lists name. */
  readonly transfer: (ArrayBuffer | TransferPort)[];
}

/**
 * Sender side: task arguments or chunk items with each `Transfer` unwrapped.
 * Call only when {@linkcode transfersUsed} says one exists.
 *
 * @param values The arguments or items (not changed).
 * @returns The unwrapped copy and the transfer list, or undefined when no
 *   value is a `Transfer`.
 * @example
 * ```ts
 * import { Transfer, unwrapTransfers } from "./transfer.ts";
 * const buffer = new ArrayBuffer(8);
 * console.log(unwrapTransfers([new Transfer(buffer, [buffer]), 1])?.values); // [ ArrayBuffer {...}, 1 ]
 * ```
 */
export function unwrapTransfers(values: readonly unknown[]): Unwrapped | undefined {
  let out: unknown[] | undefined;
  let moved: Set<ArrayBuffer | TransferPort> | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v instanceof Transfer)) continue;
    out ??= values.slice();
    out[i] = v.value;
    moved ??= new Set();
    for (const item of v.transferList) moved.add(item);
  }
  return out === undefined ? undefined : { values: out, transfer: [...moved!] };
}

/**
 * Worker side: a task's result, or a chunk's results, with each `Transfer`
 * unwrapped. Call only when {@linkcode transfersUsed} says one exists.
 *
 * @param value The result (an apply's) or the results (a chunk's array, changed in place).
 * @param chunk Whether `value` is a chunk's array of results.
 * @returns The unwrapped value and the transfer list, or undefined when there is no `Transfer`.
 * @example
 * ```ts
 * import { Transfer, unwrapResult } from "./transfer.ts";
 * const buffer = new ArrayBuffer(8);
 * console.log(unwrapResult(new Transfer(buffer, [buffer]), false)?.transfer.length); // 1
 * ```
 */
export function unwrapResult(value: unknown, chunk: boolean): Unwrapped | undefined {
  if (!chunk) {
    return value instanceof Transfer
      ? { values: value.value, transfer: [...value.transferList] }
      : undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const found = unwrapTransfers(value);
  if (found === undefined) return undefined;
  const values = found.values as unknown[];
  for (let i = 0; i < values.length; i++) value[i] = values[i];
  return { values: value, transfer: found.transfer };
}

/**
 * A transfer list with more items appended, without repeats (a buffer named
 * by two tasks of one batch is listed once).
 *
 * @param base What is listed already (not changed: it may be a shared empty list).
 * @param more What to add.
 * @returns A new list, or `base` when `more` is undefined.
 * @example
 * ```ts
 * import { joinTransfers } from "./transfer.ts";
 * const b = new ArrayBuffer(1);
 * console.log(joinTransfers([b], [b]).length); // 1
 * ```
 */
export function joinTransfers<T extends object>(
  base: readonly T[],
  more: readonly T[] | undefined,
): T[] {
  if (more === undefined) return base as T[];
  return [...new Set([...base, ...more])];
}

/**
 * Why a transfer list cannot be sent, for the task's error.
 *
 * @param list The list.
 * @returns A phrase naming the first buffer already detached, or undefined.
 * @example
 * ```ts
 * import { transferProblem } from "./transfer.ts";
 * console.log(transferProblem([new ArrayBuffer(1)])); // undefined
 * ```
 */
export function transferProblem(list: readonly object[]): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item instanceof ArrayBuffer && isDetached(item)) {
      return "a buffer in its Transfer's list was detached (moved or transferred already)";
    }
  }
  return undefined;
}
