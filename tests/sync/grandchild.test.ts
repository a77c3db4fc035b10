import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Barrier,
  Condition,
  Event,
  Lock,
  Process,
  RLock,
  Semaphore,
  SharedArray,
  Value,
} from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";
import { killWaitingChild, type Shared, visit } from "../fixtures/shared_tree.ts";

const TREE = new URL("../fixtures/shared_tree.ts", import.meta.url);

for (const context of CONTEXTS) {
  describe(`shared objects passed on down a process tree (${context} context)`, () => {
    it("children and grandchildren (processes and threads) share one of each object", async () => {
      // This process, two children, and two grandchildren below each: one a
      // child process, one a thread worker of the child.
      const total = 7;
      const shared: Shared = {
        lock: new Lock(),
        rlock: new RLock(),
        semaphore: new Semaphore(2),
        done: new Event(),
        condition: new Condition(new Lock()),
        barrier: new Barrier(total),
        count: new Value("i", 0),
        seen: new SharedArray("i", total),
      };
      await visit(shared, total, [context, context], ["process", "thread"]);
      assert.equal(shared.count.value, total);
      assert.deepEqual(shared.seen.toArray(), new Array(total).fill(1));
      assert.equal(shared.done.isSet(), true);
      assert.equal(shared.lock.locked(), false);
      assert.equal(shared.rlock.locked(), false);
      assert.equal(shared.semaphore.getValue(), 2);
      assert.equal(shared.barrier.broken, false);
    });

    it("a grandchild killed while it waits for a Lock does not take it", async () => {
      const lock = new Lock();
      await lock.acquire();
      // (A thread worker of a child process has an id its grandparent cannot
      // watch: a wait served for one killed while waiting outlives it.)
      const child = new Process({
        target: killWaitingChild,
        args: [lock, "process"],
        module: TREE,
        context,
      });
      await child.start();
      await child.join(60_000);
      assert.equal(child.exitcode, 0);
      lock.release();
      // A wait served for the dead grandchild would take the lock now, and
      // nobody would be left to release it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(lock.locked(), false);
      assert.equal(await lock.acquire(false), true);
      lock.release();
    });
  });
}
