/** Piscina/tinypool worker: the default export runs one task. @module */
import { runTask } from "./_task.ts";

export default runTask;
