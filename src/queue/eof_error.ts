/**
 * `EOFError`: reading from a pipe whose other end is closed.
 *
 * @module
 */
import { ProcessError } from "../errors.ts";

/**
 * `Connection.recv()` found nothing left to read and the other end of the
 * pipe closed (Python's built-in `EOFError`, raised by `Connection.recv()`).
 *
 * @example
 * ```ts
 * import { EOFError } from "./eof_error.ts";
 * console.log(new EOFError().name); // "EOFError"
 * ```
 */
export class EOFError extends ProcessError {
  /**
   * Create the error.
   *
   * @param message Details.
   */
  constructor(message = "The other end of the pipe is closed and nothing is left to read") {
    super(message);
    this.name = "EOFError";
  }
}
