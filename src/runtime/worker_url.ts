/**
 * Where the worker entry module lives: next to this module, with this
 * module's extension (`.ts` from source and JSR, `.js` from the npm build).
 *
 * @module
 */

/**
 * URL of the worker entry module.
 *
 * @returns `../worker/entry.ts` (or `.js`) relative to this file.
 * @example
 * ```ts
 * import { workerEntryUrl } from "./worker_url.ts";
 * console.log(workerEntryUrl().pathname.includes("entry"));
 * ```
 */
export function workerEntryUrl(): URL {
  const here = import.meta.url;
  const ext = here.endsWith(".js") ? ".js" : ".ts";
  return new URL(`../worker/entry${ext}`, here);
}
