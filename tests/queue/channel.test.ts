import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { STEAL_MS } from "../../src/queue/_atomics.ts";
import { Channel } from "../../src/queue/_channel.ts";
import { getAsync, getSync, putAsync, putSync } from "../../src/queue/_ops.ts";

const bytes = (n: number) => new Uint8Array([n & 255, n >> 8]);

describe("Channel (the shared ring under Queue and Pipe)", () => {
  it("a mutex whose holder never releases it is taken over after STEAL_MS", async () => {
    const ch = Channel.create(0, false);
    ch.lockSync(); // a worker terminated inside the critical section
    const started = performance.now();
    assert.equal(await putAsync(ch, bytes(1), true, null), "ok");
    const waited = performance.now() - started;
    assert.ok(waited >= STEAL_MS - 50, `took over after ${waited} ms`);
    ch.lockSync(); // held for good again: the blocking form takes it over too
    assert.deepEqual(getSync(ch, true, null), bytes(1));
  });

  it("keeps items whole and in order while it grows and wraps", async () => {
    const ch = Channel.create(0, false);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 3000; round++) {
      const size = 1 + ((round * 7919) % 20_000);
      const item = new Uint8Array(size).fill(next++ & 255);
      assert.equal(putSync(ch, item, true, null), "ok");
      if (round % 2 === 1) {
        const out = (await getAsync(ch, true, null)) as Uint8Array;
        assert.equal(out[0], expected++ & 255);
      }
    }
    while (ch.hasItems()) {
      const out = getSync(ch, false, null) as Uint8Array;
      assert.equal(out[out.length - 1], expected++ & 255);
    }
    assert.equal(expected, next);
    assert.equal(ch.count(), 0);
  });
});
