/** Piscina/tinypool worker: the default export runs one task. @module */
import { runTask } from "./task.mjs";

export default runTask;
