import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CONTEXTS } from "../_helpers.ts";
import { pidAlive, runScript, startScript, waitGone } from "./_script.ts";

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

for (const context of CONTEXTS) {
  describe(`Process failure output (${context} context)`, () => {
    it("a throwing target gives exitcode 1 and its stack on stderr", async () => {
      const result = await runScript(fixture("process_throw.ts"), [context]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /exitcode=1/);
      assert.match(result.stderr, /RangeError: boom-marker-42/);
      assert.match(result.stderr, /failingTarget/);
    });
  });
}

for (const context of CONTEXTS) {
  describe(`the parent exits by itself (${context} context)`, () => {
    it("after pool.join(), with a daemon and an open pool; both ended first, no child left", async () => {
      const result = await runScript(fixture("process_exits.ts"), [context]);
      assert.equal(result.code, 0, `signal ${result.signal}, stderr: ${result.stderr}`);
      const [line, atExit] = result.stdout.trim().split("\n").slice(-2);
      const { squares, pids, daemonAlive } = JSON.parse(line) as {
        squares: number[];
        pids: number[];
        daemonAlive: boolean;
      };
      assert.deepEqual(squares, [1, 4, 9, 16]);
      assert.equal(daemonAlive, true);
      assert.equal(pids.length, context === "process" ? 5 : 0);
      assert.deepEqual(JSON.parse(atExit), { daemonExitcode: -15, poolOpen: false });
      assert.deepEqual(await waitGone(pids), []);
    });
  });
}

describe("process context: no child outlives its parent", () => {
  it("process.exit() in the parent ends a child that is busy in a synchronous loop", async () => {
    const result = await runScript(fixture("process_busy_exit.ts"));
    assert.equal(result.code, 0, result.stderr);
    const { pids } = JSON.parse(result.stdout.trim().split("\n")[0]) as { pids: number[] };
    assert.equal(pids.length, 1);
    assert.deepEqual(await waitGone(pids), []);
  });

  it("children exit when their parent is killed (no orphans)", async () => {
    const parent = startScript(fixture("process_orphans.ts"));
    let stderr = "";
    parent.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no pids printed: ${stderr}`)), 30_000);
      parent.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("\n")) {
          clearTimeout(timer);
          resolve(out.split("\n")[0]);
        }
      });
    });
    const { pids } = JSON.parse(line) as { pids: number[] };
    assert.equal(pids.length, 4);
    for (const pid of pids) assert.ok(pidAlive(pid), `child ${pid} should run before the kill`);
    const gone = new Promise((resolve) => parent.on("close", resolve));
    parent.kill("SIGKILL");
    await gone;
    assert.deepEqual(await waitGone(pids), []);
  });
});
