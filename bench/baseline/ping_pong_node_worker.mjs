/** Bare ping-pong worker on `node:worker_threads`: replies `[id, x * x]` to `[id, x]`. @module */
import { parentPort } from "node:worker_threads";

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort);
port.on("message", (/** @type {[number, number]} */ m) => port.postMessage([m[0], m[1] * m[1]]));
