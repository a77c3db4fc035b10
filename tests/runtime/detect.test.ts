import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectRuntime } from "../../src/runtime/detect.ts";

/** What the globals say about the runtime running this file, checked independently. */
function expectedRuntime(): "bun" | "deno" | "node" {
  const g = globalThis as {
    Bun?: { version?: string };
    Deno?: { version?: { deno?: string } };
    process?: { versions?: Record<string, string | undefined> };
  };
  const versions = g.process?.versions ?? {};
  if (g.Bun !== undefined || versions.bun !== undefined) return "bun";
  if (g.Deno !== undefined || versions.deno !== undefined) return "deno";
  return "node";
}

describe("detectRuntime()", () => {
  it("returns the runtime that runs this test", () => {
    assert.equal(detectRuntime(), expectedRuntime());
  });

  it("returns one of the three known runtime names", () => {
    assert.ok(["bun", "deno", "node"].includes(detectRuntime()));
  });

  it("agrees with the runtime's own version information", () => {
    const g = globalThis as {
      Bun?: { version?: string };
      Deno?: { version?: { deno?: string } };
      process?: { versions?: Record<string, string | undefined> };
    };
    const runtime = detectRuntime();
    if (runtime === "bun") assert.equal(typeof g.Bun?.version, "string");
    if (runtime === "deno") assert.equal(typeof g.Deno?.version?.deno, "string");
    if (runtime === "node") {
      assert.equal(g.Bun, undefined);
      assert.equal(g.Deno, undefined);
      assert.equal(typeof g.process?.versions?.node, "string");
    }
  });

  it("prefers Bun over Node (Bun also reports a Node version)", () => {
    const g = globalThis as { process?: { versions?: Record<string, string | undefined> } };
    const versions = g.process?.versions ?? {};
    if (versions.bun !== undefined) {
      assert.equal(typeof versions.node, "string");
      assert.equal(detectRuntime(), "bun");
    } else {
      assert.notEqual(detectRuntime(), "bun");
    }
  });
});
