/**
 * Synchronisation primitives shared by threads and processes: `Lock`,
 * `RLock`, `Semaphore`, `BoundedSemaphore`, `Event`, `Condition`, `Barrier`,
 * and `withLock()` for Python's `with lock:`.
 *
 * @module
 */
export { Lock } from "./lock.ts";
export { SemLock } from "./sem_lock.ts";
export { RLock } from "./rlock.ts";
export { BoundedSemaphore, Semaphore } from "./semaphore.ts";
export { Event } from "./event.ts";
export { Condition } from "./condition.ts";
export { Barrier, type BarrierOptions } from "./barrier.ts";
export { type Acquirable, type SyncAcquirable, withLock, withLockSync } from "./scoped.ts";
export type { AcquireOptions, TimeoutArg } from "../args.ts";
