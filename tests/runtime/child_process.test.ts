import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Process } from "../../mod.ts";

describe("child process adapter", () => {
  const pool = new Pool({ context: "process", processes: 1 });
  after(() => pool.terminate());

  it("survives a child that dies in the middle of sending a large message", async () => {
    const p = new Process({
      target: () => {
        const proc = (globalThis as unknown as {
          process: { pid: number; send(m: unknown): void; kill(pid: number, s: string): void };
        }).process;
        proc.send({ big: new Uint8Array(20_000_000) });
        proc.kill(proc.pid, "SIGKILL");
      },
      context: "process",
    });
    p.start();
    await p.join();
    assert.equal(p.exitcode, -9);
    assert.equal(await pool.apply((x: number) => x * 3, [3]), 9);
  });

  it("refuses a message that cannot be cloned at the call, and keeps the channel working", async () => {
    await assert.rejects(pool.apply((f: unknown) => typeof f, [() => 1]));
    await assert.rejects(pool.apply((s: unknown) => typeof s, [Symbol("x")]));
    assert.equal(await pool.apply((x: number) => x + 1, [1]), 2);
  });

  it("carries Map, Set, Date, BigInt, typed arrays and errors both ways", async () => {
    const value = {
      map: new Map([["k", new Set([1, 2])]]),
      date: new Date(0),
      big: 2n ** 70n,
      bytes: new Float64Array([1.5, -2]),
      error: new RangeError("kept"),
    };
    const back = await pool.apply((v: typeof value) => v, [value]) as typeof value;
    assert.deepEqual(back.map, value.map);
    assert.equal(back.date.getTime(), 0);
    assert.equal(back.big, value.big);
    assert.deepEqual([...back.bytes], [1.5, -2]);
    assert.ok(back.error instanceof RangeError);
    assert.equal(back.error.message, "kept");
  });
});
