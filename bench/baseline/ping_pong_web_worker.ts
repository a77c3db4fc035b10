/** Bare ping-pong Web Worker (Deno, Bun): replies `[id, x * x]` to `[id, x]`. @module */
/** `x * x`, or for a negative `x` a busy wait of `-x` µs (the parallelism check). */
const answer = (x: number): number => {
  if (x >= 0) return x * x;
  const end = performance.now() - x / 1000;
  while (performance.now() < end) { /* spin */ }
  return 0;
};
const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<[number, number]>) => void) | null;
  postMessage(message: unknown): void;
};
scope.onmessage = (e) => scope.postMessage([e.data[0], answer(e.data[1])]);
