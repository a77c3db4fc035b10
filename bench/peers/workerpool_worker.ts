/** workerpool worker: registers `runTask`. @module */
import workerpool from "workerpool";
import { runTask } from "./_task.ts";

workerpool.worker({ runTask });
