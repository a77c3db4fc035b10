/**
 * Worker entry module: every pool worker and `Process` (thread or child
 * process) starts here, except in a bundle or compiled binary, where the
 * bundle itself is the worker (see `hosted.ts`). The shareable classes
 * (locks, queues, shared values) are loaded when a task's arguments first
 * hold one (see `revive.ts`).
 *
 * @module
 */
import "../runtime/early_messages.ts";
import { runWorker } from "./boot.ts";

await runWorker();
