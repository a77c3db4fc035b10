import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Channel } from "../../src/queue/_channel.ts";
import { get, put } from "../../src/queue/_ops.ts";
import { runAsync, runSync } from "../../src/share/drive.ts";
import { tryLock } from "../../src/share/mutex.ts";
import { ownerTable } from "../../src/share/owner.ts";

const bytes = (n: number) => new Uint8Array([n & 255, n >> 8]);

describe("Channel (the shared ring under Queue and Pipe)", () => {
  it("a mutex left held by a worker thread that has ended is released by a waiter", async () => {
    ownerTable(); // the table that numbers worker threads and tells whether they live
    const ch = Channel.create(0, false);
    // Threads 7 and 8 never ran: to the liveness probe they are threads that ended.
    assert.equal(tryLock(ch.i32, 0, 7), true);
    assert.equal(await runAsync(put(ch, 1, bytes(1), Infinity)), "ok");
    assert.equal(tryLock(ch.i32, 0, 8), true); // held for good again: the blocking form too
    assert.deepEqual(runSync(get(ch, 1, Infinity), "get"), bytes(1));
    assert.equal(Atomics.load(ch.i32, 0), 0, "the mutex is free again");
  });

  it("keeps items whole and in order while it grows and wraps", async () => {
    const ch = Channel.create(0, false);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 3000; round++) {
      const size = 1 + ((round * 7919) % 20_000);
      const item = new Uint8Array(size).fill(next++ & 255);
      assert.equal(runSync(put(ch, 1, item, Infinity), "put"), "ok");
      if (round % 2 === 1) {
        const out = (await runAsync(get(ch, 1, Infinity))) as Uint8Array;
        assert.equal(out[0], expected++ & 255);
      }
    }
    while (ch.hasItems()) {
      const out = runSync(get(ch, 1, 0), "get") as Uint8Array;
      assert.equal(out[out.length - 1], expected++ & 255);
    }
    assert.equal(expected, next);
    assert.equal(ch.count(), 0);
  });
});
