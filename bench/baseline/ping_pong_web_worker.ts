/** Bare ping-pong Web Worker (Deno, Bun): replies `[id, x * x]` to `[id, x]`. @module */
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<[number, number]>) => void) | null;
  postMessage(message: unknown): void;
};
scope.onmessage = (e) => scope.postMessage([e.data[0], e.data[1] * e.data[1]]);
