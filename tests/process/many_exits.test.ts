import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { runScript } from "./_script.ts";

const SCRIPT = new URL("../fixtures/many_exits_script.ts", import.meta.url);
const COUNT = 64;
const LIMIT_MS = 150_000;

async function exitsByItself(args: string[]): Promise<void> {
  const result = await runScript(SCRIPT, args, LIMIT_MS);
  const report =
    `code ${result.code}, signal ${result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.signal, null, `killed after ${LIMIT_MS} ms: it did not exit\n${report}`);
  assert.equal(result.code, 0, report);
  const match = /ended (\d+) workers seen (\d+)/.exec(result.stdout);
  assert.ok(match, report);
  assert.equal(Number(match[1]), COUNT, report);
  if (args[0] === "process") assert.ok(Number(match[2]) >= COUNT, report);
}

for (const context of CONTEXTS) {
  describe(`A program whose workers died many times exits by itself (${context})`, () => {
    it(`after ${COUNT} pool workers ended (exit, exit while sending, SIGKILL of a child), terminate() + join()`, async () => {
      await exitsByItself([context, "crash", String(COUNT)]);
    });
  });
}

describe("A program that ran many Process objects exits by itself (process)", () => {
  it(`after ${COUNT} child processes exited`, async () => {
    await exitsByItself(["process", "process", String(COUNT)]);
  });
});
