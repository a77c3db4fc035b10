/**
 * Items in and out of a queue or pipe: a value becomes bytes in the caller's
 * thread (so that a bad value fails there, naming the call), and an
 * operation's outcome becomes the value or the error Python raises.
 *
 * @module
 */
import { Empty, Full, ProcessError, ShutDown } from "../errors.ts";
import { deserialize, serialize } from "../runtime/serialize.ts";
import type { GetOutcome, PutStatus } from "./_channel.ts";
import { encodeShared } from "../transport/shareable.ts";

/**
 * Serialise a value for a queue or pipe, failing in the caller's thread. A
 * lock, queue, pipe end or shared value inside it is refused, as Python
 * refuses to pickle them: `v8.serialize()` would turn it into `{}`.
 *
 * @param call The call, for messages, e.g. "Queue.put()".
 * @param value The value.
 * @returns Its bytes.
 */
export function encodeValue(call: string, value: unknown): Uint8Array {
  if (typeof value === "object" && value !== null && encodeShared(value, "thread") !== value) {
    throw new TypeError(
      `Cannot call ${call}: locks, queues, pipes and shared values cannot travel through a ` +
        "queue or pipe (they would arrive as empty objects); pass them as arguments of the " +
        "pool task or Process target instead",
    );
  }
  try {
    return serialize(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`Cannot call ${call}: ${reason}`, { cause: error });
  }
}

/**
 * The end of a `put()`: nothing, or the error for why the item is not in the queue.
 *
 * @param status The operation's outcome.
 * @throws {Full} When no room came in time.
 * @throws {ShutDown} When the queue was shut down.
 * @throws {ProcessError} When the queue was closed.
 */
export function checkPut(status: PutStatus): void {
  if (status === "full") throw new Full();
  if (status === "shutdown") throw new ShutDown();
  if (status !== "ok") throw new ProcessError("Queue is closed");
}

/**
 * The item a `get()` took.
 *
 * @param out The operation's outcome.
 * @returns The item.
 * @throws {Empty} When no item came in time.
 * @throws {ShutDown} When the queue was shut down and is empty.
 * @throws {ProcessError} When the queue was closed.
 */
export function takeItem<T>(out: GetOutcome): T {
  if (out === "empty") throw new Empty();
  if (out === "shutdown") throw new ShutDown();
  if (out === "eof") throw new ProcessError("Queue is closed");
  return deserialize(out) as T;
}
