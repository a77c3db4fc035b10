#!/usr/bin/env node
/**
 * Builds the npm package: removes dist/ and compiles mod.ts and src/ with
 * `tsc -p tsconfig.build.json` (JavaScript + declarations, `.ts` imports rewritten to `.js`).
 *
 * @module
 */
import { existsSync, rmSync } from "node:fs";
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
console.log(`built dist/ in ${(result.ms / 1000).toFixed(1)} s`);
