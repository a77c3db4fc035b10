/** poolifier worker: a `ThreadWorker` running one task per call. @module */
import { ThreadWorker } from "poolifier";
import { runTask } from "./task.mjs";

export default new ThreadWorker((task) =>
  runTask(/** @type {import("./task.mjs").PeerTask} */ (task))
);
