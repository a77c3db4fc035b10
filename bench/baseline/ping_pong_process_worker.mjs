/** Bare ping-pong child process (`fork` IPC): replies `[id, x * x]` to `[id, x]`. @module */
import process from "node:process";

/** `x * x`, or for a negative `x` a busy wait of `-x` µs (the parallelism check). */
const answer = (/** @type {number} */ x) => {
  if (x >= 0) return x * x;
  const end = performance.now() - x / 1000;
  while (performance.now() < end) { /* spin */ }
  return 0;
};
process.on("message", (/** @type {[number, number]} */ m) => process.send?.([m[0], answer(m[1])]));
