/**
 * `Pipe()`: two connected `Connection`s (Python's `multiprocessing.Pipe`).
 *
 * @module
 */
import { checkBoolean } from "../args.ts";
import { constructOn, Handle } from "../share/handle.ts";
import { Channel } from "./_channel.ts";
import { CONNECTION, Connection } from "./connection.ts";

/**
 * Make a pipe: two `Connection`s. With `duplex` (the default) each end can
 * send and receive; without, the first end only receives and the second only
 * sends, as in Python.
 *
 * @typeParam T The type of the values sent.
 * @param duplex Whether both ends send and receive (default true).
 * @returns The two ends.
 * @throws {TypeError} When `duplex` is not a boolean.
 * @example
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * const [reader, writer] = Pipe<number>(false);
 * await writer.send(42);
 * console.log(await reader.recv()); // 42
 * ```
 */
export function Pipe<T = unknown>(duplex: boolean = true): [Connection<T>, Connection<T>] {
  const twoWay = checkBoolean("create pipe", "duplex", duplex, true);
  const end = (input: Channel | undefined, output: Channel | undefined): Connection<T> =>
    constructOn(new Handle(CONNECTION, { input, output }), () => new Connection<T>());
  const first = Channel.create(0, false);
  if (!twoWay) return [end(first, undefined), end(undefined, first)];
  const second = Channel.create(0, false);
  return [end(first, second), end(second, first)];
}
