/** Bare ping-pong child process (`fork` IPC): replies `[id, x * x]` to `[id, x]`. @module */
import process from "node:process";

process.on("message", (/** @type {[number, number]} */ m) => process.send?.([m[0], m[1] * m[1]]));
