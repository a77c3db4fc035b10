/** workerpool worker: registers `runTask`. @module */
import workerpool from "workerpool";
import { runTask } from "./task.mjs";

workerpool.worker({ runTask });
