/**
 * Queues and pipes shared by workers: `Queue`, `JoinableQueue`,
 * `SimpleQueue`, `Pipe`/`Connection`, and `EOFError`.
 *
 * @module
 */
export { Queue } from "./queue.ts";
export type { BlockOptions } from "./queue.ts";
export { JoinableQueue } from "./joinable_queue.ts";
export { SimpleQueue } from "./simple_queue.ts";
export { Connection } from "./connection.ts";
export { Pipe } from "./pipe.ts";
export { EOFError } from "../errors.ts";
