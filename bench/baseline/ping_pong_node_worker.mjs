/** Bare ping-pong worker on `node:worker_threads`: replies `[id, x * x]` to `[id, x]`. @module */
import { parentPort } from "node:worker_threads";

/** `x * x`, or for a negative `x` a busy wait of `-x` µs (the parallelism check). */
const answer = (/** @type {number} */ x) => {
  if (x >= 0) return x * x;
  const end = performance.now() - x / 1000;
  while (performance.now() < end) { /* spin */ }
  return 0;
};
const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
port.on("message", (/** @type {[number, number]} */ m) => port.postMessage([m[0], answer(m[1])]));
