/**
 * scripts/check_manifests.mjs: the repository's three manifests agree, and the check reports
 * each kind of disagreement (run against edited copies in a temporary folder).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkManifests } from "../../scripts/check_manifests.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MANIFESTS = ["package.json", "jsr.json", "deno.json"] as const;

type Json = Record<string, unknown>;

describe("checkManifests()", () => {
  let dir = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "seed-mp-manifests-"));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Copies the real manifests and mod.ts into `dir`, then lets `edit` change them. */
  function withEdited(edit: (manifests: Record<string, Json>) => void): string[] {
    const manifests: Record<string, Json> = {};
    for (const name of MANIFESTS) {
      manifests[name] = JSON.parse(readFileSync(join(ROOT, name), "utf8")) as Json;
    }
    edit(manifests);
    for (const name of MANIFESTS) {
      writeFileSync(join(dir, name), JSON.stringify(manifests[name], null, 2));
    }
    copyFileSync(join(ROOT, "mod.ts"), join(dir, "mod.ts"));
    return checkManifests(dir);
  }

  it("finds no disagreement in this repository", () => {
    assert.deepEqual(checkManifests(ROOT), []);
  });

  it("names @seed/multiprocessing in all three manifests", () => {
    for (const name of MANIFESTS) {
      const manifest = JSON.parse(readFileSync(join(ROOT, name), "utf8")) as Json;
      assert.equal(manifest.name, "@seed/multiprocessing", name);
    }
  });

  it("reports a version that differs", () => {
    const problems = withEdited((m) => (m["jsr.json"].version = "9.9.9"));
    assert.ok(problems.some((p) => p.includes("'version' differs")), problems.join("\n"));
  });

  it("reports a name that differs", () => {
    const problems = withEdited((m) => (m["deno.json"].name = "@seed/other"));
    assert.ok(problems.some((p) => p.includes("'name' differs")), problems.join("\n"));
  });

  it("reports a subpath exported by jsr.json but not by package.json", () => {
    const problems = withEdited((m) => {
      m["jsr.json"].exports = { ".": "./mod.ts", "./extra": "./mod.ts" };
      m["deno.json"].exports = { ".": "./mod.ts", "./extra": "./mod.ts" };
    });
    assert.ok(problems.some((p) => p.includes("export subpaths differ")), problems.join("\n"));
  });

  it("reports exports that differ between jsr.json and deno.json", () => {
    const problems = withEdited((m) => (m["deno.json"].exports = { ".": "./other.ts" }));
    assert.ok(problems.some((p) => p.includes("exports differ")), problems.join("\n"));
  });

  it("reports a package.json export that does not point at the built file", () => {
    const problems = withEdited((m) => {
      m["package.json"].exports = { ".": { types: "./dist/mod.d.ts", default: "./mod.js" } };
    });
    assert.ok(problems.some((p) => p.includes("package.json exports['.']")), problems.join("\n"));
  });
});
