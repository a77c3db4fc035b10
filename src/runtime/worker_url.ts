/**
 * Where the worker entry module lives: next to this module, with this
 * module's extension (`.ts` from source and JSR, `.js` from the npm build).
 *
 * In a bundle or a compiled binary there is no such file: this module's URL
 * is then the bundle's (or the binary's embedded main module), not
 * `.../runtime/worker_url.*`. Workers then run that bundle again as
 * self-hosted workers (see `self_host.ts`); the URL handed to the adapters
 * carries a marker so that they start it that way.
 *
 * @module
 */
import process from "node:process";
import { pathToFileURL } from "node:url";

/** Fragment that marks a self-hosted worker URL. */
const SELF_HOST_HASH = "#seed-mp-self-host";

/** This module's own path, when it runs from the library's files. */
const FROM_FILES = /\/runtime\/worker_url\.[cm]?[jt]s$/;

interface DenoLike {
  build?: { standalone?: boolean };
  mainModule?: string;
}

/** The program's main module: what a CommonJS bundle (no `import.meta.url`) runs from. */
function mainModule(): string | undefined {
  const g = globalThis as { Bun?: { main?: string }; Deno?: DenoLike };
  if (g.Deno?.mainModule !== undefined) return g.Deno.mainModule;
  const main = g.Bun?.main ?? process.argv[1];
  return main === undefined || main === "" ? undefined : pathToFileURL(main).href;
}

/** The bundle or binary to run as a self-hosted worker; undefined when the entry file exists. */
function selfHostScript(): string | undefined {
  // A `deno compile` binary keeps the library's own module URLs, but embeds
  // only what its main module imports statically: not the worker entry.
  if ((globalThis as { Deno?: DenoLike }).Deno?.build?.standalone === true) return mainModule();
  const here = (import.meta as { url?: string }).url;
  // CommonJS output (esbuild --format=cjs) has no import.meta.url.
  if (typeof here !== "string" || here === "") return mainModule();
  return FROM_FILES.test(new URL(here).pathname) ? undefined : here;
}

let cached: URL | undefined;

/**
 * URL of the worker entry module, or, in a bundle or compiled binary, the
 * bundle itself marked as self-hosted (see `selfHostedScript()`).
 *
 * @returns `../worker/entry.ts` (or `.js`) relative to this file, or the marked bundle URL.
 * @example
 * ```ts
 * import { workerEntryUrl } from "./worker_url.ts";
 * console.log(workerEntryUrl().pathname.includes("entry"));
 * ```
 */
export function workerEntryUrl(): URL {
  if (cached === undefined) {
    const script = selfHostScript();
    if (script !== undefined) {
      cached = new URL(script);
      cached.hash = SELF_HOST_HASH;
    } else {
      const here = import.meta.url;
      const ext = here.endsWith(".js") ? ".js" : ".ts";
      cached = new URL(`../worker/entry${ext}`, here);
    }
  }
  return new URL(cached);
}

/**
 * For a URL from `workerEntryUrl()`: the script a self-hosted worker runs,
 * or undefined for the ordinary worker entry.
 *
 * @param url A worker URL.
 * @returns The bundle (or main module) URL without the marker, or undefined.
 * @example
 * ```ts
 * import { selfHostedScript } from "./worker_url.ts";
 * console.log(selfHostedScript(new URL("file:///app/main.js#seed-mp-self-host"))?.href);
 * // "file:///app/main.js"
 * ```
 */
export function selfHostedScript(url: URL): URL | undefined {
  if (url.hash !== SELF_HOST_HASH) return undefined;
  const script = new URL(url);
  script.hash = "";
  return script;
}
