#!/usr/bin/env node
/**
 * Builds the npm package: removes dist/ and compiles mod.ts and src/ with
 * `tsc -p tsconfig.build.json` (JavaScript + declarations, `.ts` imports rewritten to `.js`).
 *
 * Then it makes the declarations self-sufficient: they name `AsyncDisposable` and
 * `Symbol.asyncDispose`/`Symbol.dispose` (so that `await using pool = new Pool()` type-checks),
 * which only the `esnext.disposable` lib (or `@types/node`) declares. A consumer compiling with
 * `--target es2022` and no `@types/node` would get errors, so `dist/mod.d.ts` starts with
 * `/// <reference lib="esnext.disposable" />`, which adds that lib to the consumer's program. It is
 * added here, not in `mod.ts`: Deno and JSR consumers have those types already, and JSR does not
 * want triple-slash lib directives in published sources.
 *
 * @module
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ROOT, run } from "./_util.mjs";

rmSync(join(ROOT, "dist"), { recursive: true, force: true });
const result = await run(process.execPath, [bin("tsc"), "-p", "tsconfig.build.json"]);
if (result.code !== 0) {
  console.error("build failed: tsc -p tsconfig.build.json");
  process.exit(result.code);
}
for (const file of ["dist/mod.js", "dist/mod.d.ts"]) {
  if (!existsSync(join(ROOT, file))) {
    console.error(`build failed: ${file} was not produced`);
    process.exit(1);
  }
}
const DISPOSABLE_LIB = '/// <reference lib="esnext.disposable" />';
const entryTypes = join(ROOT, "dist/mod.d.ts");
writeFileSync(entryTypes, `${DISPOSABLE_LIB}\n${readFileSync(entryTypes, "utf8")}`);
console.log(`built dist/ in ${(result.ms / 1000).toFixed(1)} s`);
