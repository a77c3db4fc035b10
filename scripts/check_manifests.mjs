#!/usr/bin/env node
/**
 * Fails when package.json, jsr.json and deno.json disagree on name, version or exports.
 *
 * jsr.json and deno.json map each export to a `.ts` source file; package.json maps the same
 * subpaths to `{ types, default }` in dist/, where `./x/y.ts` becomes `./dist/x/y.js` and
 * `./dist/x/y.d.ts`. Also checks that every source export exists and that jsr.json and
 * deno.json publish the same files.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./_util.mjs";

if (isMain()) {
  const problems = checkManifests(ROOT);
  if (problems.length > 0) {
    console.error("Manifests disagree:");
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  const pkg = readJson(ROOT, "package.json");
  const exports = Object.keys(sourceExports("jsr.json", readJson(ROOT, "jsr.json").exports, []));
  console.log(`manifests agree: ${pkg.name}@${pkg.version}, exports ${exports.join(", ")}`);
}

/**
 * Compares the three manifests in a folder.
 *
 * @param {string} root folder holding package.json, jsr.json and deno.json
 * @returns {string[]} one line per disagreement; empty when they agree
 */
export function checkManifests(root) {
  /** @type {string[]} */
  const problems = [];
  const pkg = readJson(root, "package.json");
  const jsr = readJson(root, "jsr.json");
  const deno = readJson(root, "deno.json");
  for (const field of ["name", "version"]) {
    const values = { "package.json": pkg[field], "jsr.json": jsr[field], "deno.json": deno[field] };
    if (new Set(Object.values(values)).size !== 1 || values["package.json"] === undefined) {
      problems.push(`'${field}' differs: ${JSON.stringify(values)}`);
    }
  }
  if (!/^@[a-z0-9-]+\/[a-z0-9-]+$/.test(String(jsr.name))) {
    problems.push(`jsr.json 'name' must be @scope/name, received ${JSON.stringify(jsr.name)}`);
  }

  const jsrExports = sourceExports("jsr.json", jsr.exports, problems);
  const denoExports = sourceExports("deno.json", deno.exports, problems);
  if (JSON.stringify(jsrExports) !== JSON.stringify(denoExports)) {
    problems.push(
      `exports differ: jsr.json ${JSON.stringify(jsrExports)}, deno.json ${
        JSON.stringify(denoExports)
      }`,
    );
  }
  for (const [subpath, file] of Object.entries(jsrExports)) {
    if (!existsSync(join(root, file))) {
      problems.push(`export '${subpath}' -> ${file} does not exist`);
    }
  }

  const npmExports = pkg.exports ?? {};
  if (typeof npmExports !== "object" || Array.isArray(npmExports)) {
    problems.push("package.json 'exports' must be an object of subpaths");
  } else {
    const npmKeys = Object.keys(npmExports).sort();
    const srcKeys = Object.keys(jsrExports).sort();
    if (JSON.stringify(npmKeys) !== JSON.stringify(srcKeys)) {
      problems.push(
        `export subpaths differ: package.json ${JSON.stringify(npmKeys)}, jsr.json ${
          JSON.stringify(srcKeys)
        }`,
      );
    }
    for (const [subpath, file] of Object.entries(jsrExports)) {
      const target = npmExports[subpath];
      if (target === undefined) continue;
      const base = file.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
      const expected = { types: `${base}.d.ts`, default: `${base}.js` };
      if (JSON.stringify(target) !== JSON.stringify(expected)) {
        problems.push(
          `package.json exports['${subpath}'] should be ${
            JSON.stringify(expected)
          } (for ${file}), ` +
            `received ${JSON.stringify(target)}`,
        );
      }
    }
  }

  const jsrInclude = JSON.stringify(jsr.publish?.include ?? null);
  const denoInclude = JSON.stringify(deno.publish?.include ?? null);
  if (jsrInclude !== denoInclude) {
    problems.push(`publish.include differs: jsr.json ${jsrInclude}, deno.json ${denoInclude}`);
  }
  if (pkg.type !== "module") problems.push(`package.json 'type' must be "module" (ESM only)`);
  if (!(pkg.files ?? []).some((/** @type {string} */ f) => f.replace(/\/$/, "") === "dist")) {
    problems.push("package.json 'files' must include dist/");
  }
  return problems;
}

/** Whether this file is the program being run (not imported). */
function isMain() {
  const entry = process.argv[1];
  return entry !== undefined && resolve(entry) === fileURLToPath(import.meta.url);
}

/**
 * @param {string} root
 * @param {string} file
 * @returns {Record<string, any>}
 */
function readJson(root, file) {
  return JSON.parse(readFileSync(join(root, file), "utf8"));
}

/**
 * Normalises a JSR/Deno `exports` value (string or map) to a sorted map.
 *
 * @param {string} where
 * @param {unknown} value
 * @param {string[]} problems where to report what is wrong
 * @returns {Record<string, string>}
 */
function sourceExports(where, value, problems) {
  /** @type {Record<string, unknown>} */
  const map = typeof value === "string" ? { ".": value } : /** @type {any} */ (value ?? {});
  /** @type {Record<string, string>} */
  const out = {};
  for (const key of Object.keys(map).sort()) {
    const target = map[key];
    if (typeof target !== "string" || !target.endsWith(".ts")) {
      problems.push(
        `${where} exports['${key}'] must be a .ts file, received ${JSON.stringify(target)}`,
      );
      continue;
    }
    out[key] = target.startsWith("./") ? target : `./${target}`;
  }
  if (Object.keys(out).length === 0) problems.push(`${where} has no exports`);
  return out;
}
