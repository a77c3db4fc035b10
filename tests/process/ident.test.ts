import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Process, Queue } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

const TARGETS = new URL("../fixtures/process_targets.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`Process.ident (${context} context)`, () => {
    it("is the worker's own id while it runs and stays the same after it stops", async () => {
      const { reportIdent } = await import(TARGETS.href);
      const queue = new Queue();
      const p = new Process({ target: reportIdent, args: [queue], context, module: TARGETS });
      assert.equal(p.ident, undefined, "undefined before start");
      await p.start();
      const running = p.ident;
      assert.ok(Number.isInteger(running) && running! > 0, `a positive id, got ${running}`);
      if (context === "process") assert.equal(running, p.pid);
      const seen = await queue.get(true, 60_000);
      assert.equal(seen, running, "currentProcess().ident inside the target");
      await p.join(60_000);
      assert.equal(p.exitcode, 0);
      assert.equal(p.ident, running, "kept after the worker ended");
      assert.match(String(p), new RegExp(`=${running} stopped exitcode=0>`));
      p.close();
    });

    it("stays the same after terminate()", async () => {
      const p = new Process({
        target: () => new Promise((resolve) => setTimeout(resolve, 60_000)),
        context,
      });
      await p.start();
      const running = p.ident;
      assert.ok(Number.isInteger(running) && running! > 0, `a positive id, got ${running}`);
      p.terminate();
      await p.join(60_000);
      assert.equal(p.exitcode, -15);
      assert.equal(p.ident, running);
    });
  });
}
