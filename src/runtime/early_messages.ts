/**
 * Inside a Bun Web Worker: buffer messages that arrive before the
 * worker's real listener is installed. Bun drops messages that arrive while
 * no listener exists, and the worker entry installs its listener only after
 * loading its modules, so this module must be the entry's first import.
 *
 * @module
 */

interface Scope {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

const early: unknown[] = [];
let forward: ((data: unknown) => void) | undefined;

function isBunWorker(): boolean {
  const bun = (globalThis as { Bun?: { isMainThread?: boolean } }).Bun;
  return bun !== undefined && bun.isMainThread === false;
}

let buffering = false;

/**
 * Start holding the messages that arrive before the worker's listener is
 * installed (once; a no-op outside a Bun worker). Loading this module does
 * it; a self-hosted worker, whose bundle may load this module late, calls it
 * as soon as it knows it is a worker.
 *
 * @example
 * ```ts
 * import { bufferEarlyMessages } from "./early_messages.ts";
 * bufferEarlyMessages();
 * ```
 */
export function bufferEarlyMessages(): void {
  if (buffering || !isBunWorker()) return;
  buffering = true;
  (globalThis as unknown as Scope).addEventListener("message", (event) => {
    const data = (event as MessageEvent).data;
    if (forward !== undefined) forward(data);
    else early.push(data);
  });
}

bufferEarlyMessages();

/**
 * Take over the messages: everything buffered so far, then each new one.
 *
 * @param listener Receives every message, in order.
 * @example
 * ```ts ignore
 * takeMessages((data) => console.log(data));
 * ```
 */
export function takeMessages(listener: (data: unknown) => void): void {
  forward = listener;
  for (const data of early.splice(0)) listener(data);
}
