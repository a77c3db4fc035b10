import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JoinableQueue, Pipe, Queue, SimpleQueue } from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";
import { killWaiter, putTree, relay, run } from "../fixtures/queue_tree.ts";

/** A bound on the main side's waits, so that a failed worker fails the test instead of hanging it. */
const WAIT = { timeout: 60_000 } as const;

for (const context of CONTEXTS) {
  describe(`Queues and pipes passed on from a worker (${context} context)`, () => {
    it("a tree of depth 2 in which every worker puts its id on one queue: 7 ids", async () => {
      const q = new Queue<string>();
      await putTree(q, "0", 2, context);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await q.get(WAIT));
      assert.deepEqual(ids.sort(), ["0", "0.0", "0.0.0", "0.0.1", "0.1", "0.1.0", "0.1.1"]);
      assert.equal(q.empty(), true);
    });

    it("a worker's worker killed while waiting in get() takes no item", async () => {
      const q = new Queue<string>();
      await run(killWaiter, [q, context], context);
      await q.put("kept");
      assert.equal(await q.get({ timeout: 5000 }), "kept");
      assert.equal(q.empty(), true);
    });

    const chains = context === "process" ? [["process", "process"], ["process", "thread"]] : [[
      "thread",
      "thread",
    ]];
    for (const chain of chains) {
      it(`Queue, JoinableQueue, SimpleQueue and Connection work in a ${chain.join(" worker's ")} worker`, async () => {
        const q = new Queue<unknown>();
        const jq = new JoinableQueue<string>();
        const sq = new SimpleQueue<string>();
        const [mine, theirs] = Pipe<string>();
        await mine.send("ping");
        const done = relay({ q, jq, sq, conn: theirs }, chain);
        assert.equal(await q.get(WAIT), "async");
        assert.deepEqual(await q.get(WAIT), new Uint8Array(1 << 20).fill(7));
        assert.equal(typeof (await q.get(WAIT)), "number");
        assert.equal(await jq.get(WAIT), "task");
        assert.equal(await sq.get(), "simple");
        assert.equal(await mine.recv(), "ping back");
        assert.equal(await mine.recv(), "false");
        jq.taskDone();
        assert.equal(await sq.get(), "joined");
        await done;
      });
    }
  });
}
