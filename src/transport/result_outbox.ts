/**
 * Worker side of the result batches laid out in `batch_codec.ts`: results
 * wait here and go to the parent in one message per flush, packed numbers
 * and `Transfer` lists moving with them.
 *
 * @module
 */
import { encodeError } from "./error_codec.ts";
import { jsonBatch } from "./json_batch.ts";
import { packedBuffers, packNumbers } from "./numeric_pack.ts";
import {
  type ResultsMessage,
  type ResultStatus,
  STATUS_ENCODING,
  STATUS_OK,
  type WireEncodingFailure,
} from "./protocol.ts";
import { type Post, RESULT_STATUS, RESULT_STRIDE, RESULT_VALUE } from "./batch_codec.ts";
import { joinTransfers, transferProblem, transfersUsed, unwrapResult } from "./transfer.ts";

function describe(value: unknown): string {
  try {
    return typeof value === "function"
      ? value.toString().slice(0, 200)
      : String(value).slice(0, 200);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Worker side: results waiting to be sent, sent in one message per flush.
 *
 * @example
 * ```ts
 * import { ResultOutbox } from "./result_outbox.ts";
 * import { STATUS_OK } from "./protocol.ts";
 * const outbox = new ResultOutbox((m) => console.log(m), false);
 * outbox.add(STATUS_OK, 42, false);
 * outbox.flush(0.1); // { t: "results", batch: [0, 42], busy: 0.1 }
 * ```
 */
export class ResultOutbox {
  readonly #post: Post;
  readonly #json: boolean;
  #out: unknown[] = [];
  /** The transfer lists of results that returned a `Transfer`, by position in `#out`. */
  #moves: Map<number, object[]> | undefined;

  /**
   * @param post Posts to the parent.
   * @param json Whether the channel prefers JSON text.
   */
  constructor(post: Post, json: boolean) {
    this.#post = post;
    this.#json = json;
  }

  /** Whether nothing waits. */
  get empty(): boolean {
    return this.#out.length === 0;
  }

  /**
   * Add one task's outcome.
   *
   * @param status `STATUS_OK` or `STATUS_ERROR` (then `value` is a `WireError`).
   * @param value The value (a chunk's array of values).
   * @param chunk Whether the task was a chunk (its values may travel packed).
   */
  add(status: ResultStatus, value: unknown, chunk: boolean): void {
    if (transfersUsed() && status === STATUS_OK) {
      const moved = unwrapResult(value, chunk);
      const problem = moved === undefined ? undefined : transferProblem(moved.transfer);
      if (problem !== undefined) {
        // As in the thread context, where the post would throw: fail only this result.
        const error = new TypeError(`Cannot send the task's result: ${problem}`);
        const failure: WireEncodingFailure = { error: encodeError(error), repr: describe(value) };
        this.#out.push(STATUS_ENCODING, failure);
        return;
      }
      if (moved !== undefined) {
        (this.#moves ??= new Map()).set(this.#out.length, moved.transfer);
        this.#out.push(status, moved.values);
        return;
      }
    }
    const wire = chunk && status === STATUS_OK ? packNumbers(value as unknown[]) ?? value : value;
    this.#out.push(status, wire);
  }

  /**
   * Send what waits; a result that cannot be cloned becomes a `STATUS_ENCODING` failure.
   *
   * @param busy Worker milliseconds the results' tasks took.
   */
  flush(busy: number): void {
    const batch = this.#out;
    const moves = this.#moves;
    this.#out = [];
    this.#moves = undefined;
    try {
      this.#send(batch, busy, moves === undefined ? undefined : [...moves.values()].flat());
    } catch {
      // Some result could not be cloned: send one by one, flagging failures.
      for (let i = 0; i < batch.length; i += RESULT_STRIDE) {
        const value = batch[i + RESULT_VALUE];
        try {
          this.#send([batch[i + RESULT_STATUS], value], busy, moves?.get(i));
        } catch (error) {
          const failure: WireEncodingFailure = { error: encodeError(error), repr: describe(value) };
          this.#send([STATUS_ENCODING, failure], busy);
        }
      }
    }
  }

  #send(batch: unknown[], busy: number, moves?: object[]): void {
    const text = this.#json && moves === undefined
      ? jsonBatch(batch, RESULT_STRIDE, -1)
      : undefined;
    if (text !== undefined) this.#post({ t: "results", batch: text, busy });
    else {
      const message: ResultsMessage = { t: "results", batch, busy };
      this.#post(message, joinTransfers(packedBuffers(batch, RESULT_STRIDE, RESULT_VALUE), moves));
    }
  }
}
