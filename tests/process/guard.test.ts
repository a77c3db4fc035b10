import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { Pool } from "../../mod.ts";
import { MAX_NESTING } from "../../src/process/bootstrap_guard.ts";
import { nest } from "../fixtures/nested_pools.ts";
import { CONTEXTS } from "../_helpers.ts";
import { runScript, type ScriptResult } from "./_script.ts";

const NESTED = new URL("../fixtures/nested_pools.ts", import.meta.url);
const MISSING_POOL_GUARD = new URL("../fixtures/guard_missing_pool.ts", import.meta.url);
const MISSING_PROCESS_GUARD = new URL("../fixtures/guard_missing_process.ts", import.meta.url);
const TAG = "SEED_MP_GUARD_TEST";

/** Pids of the processes whose environment holds `TAG=value` (Linux `/proc`). */
function processesTagged(value: string): number[] {
  const needle = `${TAG}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      if (env.includes(needle)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/**
 * Run a fixture program with a tag in its environment (inherited by every
 * process it forks), then list the tagged processes still running.
 */
async function runTagged(
  script: URL,
  context: string,
): Promise<ScriptResult & { left: number[] }> {
  const value = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  process.env[TAG] = value;
  let running: Promise<ScriptResult>;
  try {
    running = runScript(script, [context], 90_000);
  } finally {
    delete process.env[TAG];
  }
  const result = await running;
  let left = processesTagged(value);
  for (let i = 0; i < 100 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = processesTagged(value);
  }
  return { ...result, left };
}

for (const context of CONTEXTS) {
  describe(`A module without the isMainProcess() guard (${context} context)`, () => {
    it("a program that creates a pool at its top level fails fast with a ProcessError naming the guard", async () => {
      const r = await runTagged(MISSING_POOL_GUARD, context);
      assert.equal(r.signal, null, `it ended by itself, not by the test's time limit\n${r.stderr}`);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /ProcessError/);
      assert.match(r.stderr, /Cannot import the pool's module .*guard_missing_pool\.ts/);
      assert.match(
        r.stderr,
        /Cannot create a pool in (Thread|Fork)PoolWorker-\d+ while it is importing/,
      );
      assert.match(r.stderr, /bootstrapping phase/);
      assert.match(r.stderr, /if \(isMainProcess\(\)\)/);
      assert.doesNotMatch(r.stdout, /\[ ?2, 4, 6 ?\]/);
      assert.deepEqual(r.left, [], "no worker process is left running");
    });

    it("a program that starts a Process at its top level: the worker refuses, exitcode 1", async () => {
      const r = await runTagged(MISSING_PROCESS_GUARD, context);
      assert.equal(r.signal, null, r.stderr);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^exitcode 1$/m);
      assert.doesNotMatch(r.stdout, /hello from the target/);
      assert.match(r.stderr, /Cannot import the process's module .*guard_missing_process\.ts/);
      assert.match(
        r.stderr,
        /Cannot start process 'Process-\d+' in Process-\d+ while it is importing/,
      );
      assert.match(r.stderr, /isMainProcess\(\)/);
      assert.deepEqual(r.left, [], "no worker process is left running");
    });
  });

  describe(`Pools created inside tasks (${context} context)`, () => {
    const pool = new Pool({ processes: 1, context, module: NESTED });
    after(() => pool.terminate());
    const prefix = context === "process" ? "ForkPoolWorker" : "ThreadPoolWorker";

    it("a task may create a pool of its own (after its module was imported)", async () => {
      const names = await pool.apply(nest, [2, context]);
      assert.equal(names.length, 3);
      for (const name of names) assert.match(name, new RegExp(`^${prefix}-\\d+$`));
    });

    it(`pools nested deeper than ${MAX_NESTING} fail with a ProcessError, and the pool stays usable`, async () => {
      const error = await pool.apply(nest, [MAX_NESTING + 5, context]).then(
        () => assert.fail("expected the nesting limit"),
        (e: unknown) => e as Error,
      );
      assert.equal(error.name, "ProcessError");
      assert.match(error.message, new RegExp(`already nested ${MAX_NESTING} deep`));
      assert.match(error.message, /isMainProcess\(\)/);
      assert.deepEqual((await pool.apply(nest, [0, context])).length, 1);
    });
  });
}
