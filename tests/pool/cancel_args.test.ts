import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";

describe("Pool cancellation options: bad input", () => {
  const pool = new Pool({ processes: 1, lazy: true });
  after(async () => {
    await pool.terminate();
  });
  const fn = (x: number) => x;

  it("timeout must be a positive finite number", () => {
    for (const bad of [0, -1, Infinity]) {
      assert.throws(
        () => pool.applyAsync(fn, [1], { timeout: bad }),
        new RangeError(
          `Cannot submit task: 'timeout' must be a positive finite number of milliseconds, received ${bad}`,
        ),
      );
    }
    assert.throws(() => pool.applyAsync(fn, [1], { timeout: NaN }), TypeError);
    assert.throws(
      () => pool.applyAsync(fn, [1], { timeout: "5" as unknown as number }),
      new TypeError("Cannot submit task: 'timeout' must be a number or null, received '5'"),
    );
    assert.throws(() => pool.imap(fn, [1], { timeout: -5 }), /Cannot imap: 'timeout'/);
  });

  it("signal must be an AbortSignal", async () => {
    assert.throws(
      () => pool.applyAsync(fn, [1], { signal: {} as AbortSignal }),
      new TypeError("Cannot submit task: 'signal' must be an AbortSignal, received an object"),
    );
    await assert.rejects(
      pool.map(fn, [1], { signal: "x" as unknown as AbortSignal }),
      /Cannot map: 'signal' must be an AbortSignal, received 'x'/,
    );
  });

  it("abortGrace must be a non-negative number", () => {
    assert.throws(
      () => new Pool({ processes: 1, abortGrace: -1 }),
      new RangeError(
        "Cannot create pool: 'abortGrace' must be a non-negative number of milliseconds, received -1",
      ),
    );
    assert.throws(() => new Pool({ processes: 1, abortGrace: NaN }), TypeError);
  });

  it("buffersize must be a positive integer", () => {
    assert.throws(() => pool.imap(fn, [1], { buffersize: 0 }), RangeError);
    assert.throws(() => pool.imapUnordered(fn, [1], { buffersize: 1.5 }), RangeError);
    assert.throws(
      () => pool.imap(fn, [1], { buffersize: "2" as unknown as number }),
      new TypeError("Cannot imap: 'buffersize' must be an integer, received '2'"),
    );
  });
});

describe("Pool.imap buffersize", () => {
  it("bounds how many tasks are read ahead of the consumer", async () => {
    const pool = new Pool(1);
    let read = 0;
    function* items(): Generator<number> {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield i;
      }
    }
    const it = pool.imap((x: number) => x, items(), { buffersize: 3 });
    assert.deepEqual(await it.next(), { value: 0, done: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(read <= 5, `read ${read} items ahead`);
    await it.return();
    await pool.terminate();
  });
});
