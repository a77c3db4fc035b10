/**
 * The contexts every behaviour test runs in. Test files loop over these
 * (`for (const context of CONTEXTS) describe(...)`) instead of copying tests.
 *
 * @module
 */
import type { Context } from "../mod.ts";

/** Both contexts: worker threads and child processes. */
export const CONTEXTS: readonly Context[] = ["thread", "process"];
