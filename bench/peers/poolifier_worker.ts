/** poolifier worker: a `ThreadWorker` running one task per call. @module */
import { ThreadWorker } from "poolifier";
import { type PeerTask, runTask } from "./_task.ts";

export default new ThreadWorker<PeerTask, number>((task) => runTask(task!));
