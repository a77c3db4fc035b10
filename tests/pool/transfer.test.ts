import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MaybeEncodingError,
  Pool,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  Transfer,
} from "../../mod.ts";
import { answer, detachedResult, filled, shape, sum } from "../fixtures/transfer_tasks.ts";
import { exitWorker } from "./_tasks.ts";
import { CONTEXTS, rejection, within } from "../_helpers.ts";

const MODULE = new URL("../fixtures/transfer_tasks.ts", import.meta.url).href;

function ramp(n: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

describe("Transfer: bad input", () => {
  it("rejects a transfer list that is not an array", () => {
    assert.throws(
      () => new Transfer(1, "x" as never),
      (e: Error) =>
        e instanceof TypeError &&
        e.message === "Cannot create Transfer: 'transferList' must be an array, received 'x'",
    );
  });

  it("rejects an item that cannot be transferred", () => {
    for (const item of [1, {}, [new ArrayBuffer(1)], new SharedArrayBuffer(8)]) {
      assert.throws(
        () => new Transfer(1, [new ArrayBuffer(1), item] as never),
        (e: Error) =>
          e instanceof TypeError &&
          e.message.startsWith(
            "Cannot create Transfer: 'transferList[1]' must be an ArrayBuffer, a view of one " +
              "or a MessagePort",
          ),
      );
    }
  });

  it("rejects a detached buffer, also one seen through a view", () => {
    const values = ramp(4);
    detach(values.buffer);
    for (const item of [values, values.buffer]) {
      assert.throws(
        () => new Transfer(values, [item]),
        (e: Error) =>
          e instanceof TypeError &&
          e.message === "Cannot create Transfer: 'transferList[0]' must be a buffer that was " +
              "not transferred already, received a detached ArrayBuffer",
      );
    }
  });

  it("lists a view's buffer once, however often it is named", () => {
    const values = ramp(4);
    const moved = new Transfer(values, [values, values.buffer, new Uint8Array(values.buffer)]);
    assert.deepEqual(moved.transferList, [values.buffer]);
    assert.equal(moved.value, values);
  });
});

for (const context of CONTEXTS) {
  const moves = context === "thread";
  describe(`Transfer (${context})`, () => {
    const pool = new Pool({ processes: 2, context, module: MODULE });
    after(() => pool.terminate());

    it(`arguments: the worker gets the value; the buffer ${moves ? "moves" : "is copied"}`, async () => {
      const values = ramp(1000);
      const other = ramp(10);
      const out = await pool.apply(shape, [new Transfer(values, [values.buffer])]);
      assert.deepEqual(out, { type: "Float64Array", length: 1000 });
      assert.equal(values.length, moves ? 0 : 1000);
      assert.equal(values.buffer.byteLength, moves ? 0 : 8000);
      const total = await pool.applyAsync(sum, [new Transfer(other, [other.buffer])]).get(60_000);
      assert.equal(total, 45);
      assert.equal(other.length, moves ? 0 : 10);
    });

    it("results: the caller receives the plain value", async () => {
      const out = await pool.apply(filled, [5, 2]);
      assert.ok(out instanceof Float64Array);
      assert.deepEqual([...out], [2, 2, 2, 2, 2]);
      const chunks = await pool.map((n: number) => n, [1, 2, 3]);
      assert.deepEqual(chunks, [1, 2, 3]);
    });

    it("map and imap items, starmap arguments and chunk results", async () => {
      const arrays = [ramp(3), ramp(4), ramp(5), ramp(6)];
      const sums = await pool.map(sum, arrays.map((a) => new Transfer(a, [a.buffer])), 2);
      assert.deepEqual(sums, [3, 6, 10, 15]);
      assert.deepEqual(arrays.map((a) => a.length), moves ? [0, 0, 0, 0] : [3, 4, 5, 6]);
      const more = [ramp(3), ramp(4)];
      const seen: number[] = [];
      for await (const s of pool.imap(sum, more.map((a) => new Transfer(a, [a])))) seen.push(s);
      assert.deepEqual(seen, [3, 6]);
      assert.equal(more[0].length, moves ? 0 : 3);
      const starred = await pool.starmap(filled, [[2, 1], [3, 4]]);
      assert.deepEqual(starred.map((a) => [...a]), [[1, 1], [4, 4, 4]]);
      const pair = ramp(4);
      const moved = await pool.starmap(
        (a: Float64Array, k: number) => a.length * k,
        [new Transfer([pair, 3] as [Float64Array, number], [pair.buffer]), [ramp(2), 5]],
      );
      assert.deepEqual(moved, [12, 10]);
      assert.equal(pair.length, moves ? 0 : 4);
    });

    it(
      moves ? "a MessagePort moves to the worker" : "a MessagePort cannot reach a process",
      async () => {
        const { port1, port2 } = new MessageChannel();
        try {
          const call = pool.apply(answer, [new Transfer(port2, [port2]), "hello"]);
          if (moves) {
            const heard = new Promise((resolve) => {
              port1.onmessage = (event) => resolve(event.data);
            });
            assert.equal(await call, "sent");
            assert.equal(await within(heard, 60_000, "the port's message"), "hello");
          } else {
            const error = await rejection(call);
            assert.ok(error instanceof TypeError, String(error));
          }
        } finally {
          port1.close();
          port2.close();
        }
      },
    );

    it("an argument whose buffer is detached before sending fails only its task", async () => {
      const broken = ramp(8);
      const moved = new Transfer(broken, [broken.buffer]);
      detach(broken.buffer);
      const calls = Array.from({ length: 6 }, (_, i) => {
        if (i !== 3) return pool.applyAsync(sum, [ramp(i + 1)]);
        return pool.applyAsync(sum, [moved]);
      });
      const settled = await Promise.allSettled(calls.map((c) => c.get(60_000)));
      for (let i = 0; i < settled.length; i++) {
        const s = settled[i];
        if (i !== 3) {
          assert.deepEqual(s, { status: "fulfilled", value: (i * (i + 1)) / 2 });
          continue;
        }
        assert.equal(s.status, "rejected");
        const reason = (s as PromiseRejectedResult).reason as Error;
        assert.ok(reason instanceof TypeError, String(reason));
        assert.match(reason.message, /detached/);
      }
      // The pool still serves.
      assert.equal(await pool.apply(sum, [ramp(3)]), 3);
    });

    it("a result whose buffer is detached fails only its task", async () => {
      const calls = Array.from(
        { length: 5 },
        (_, i) => i === 2 ? pool.applyAsync(detachedResult, []) : pool.applyAsync(filled, [i, 1]),
      );
      const settled = await Promise.allSettled(calls.map((c) => c.get(60_000)));
      for (let i = 0; i < settled.length; i++) {
        const s = settled[i];
        if (i === 2) {
          assert.equal(s.status, "rejected");
          const reason = (s as PromiseRejectedResult).reason;
          assert.ok(reason instanceof MaybeEncodingError, String(reason));
        } else {
          assert.equal(s.status, "fulfilled");
          assert.equal((s as PromiseFulfilledResult<Float64Array>).value.length, i);
        }
      }
    });

    it(
      moves
        ? "a moved task its dead worker held is not sent again: it fails alone"
        : "a copied task its dead worker held runs again elsewhere",
      async () => {
        const lonely = new Pool({ processes: 1, context, module: MODULE });
        try {
          // Short tasks first, so that the pool sends the next task to a busy worker.
          for (let i = 0; i < 5; i++) await lonely.apply(sum, [ramp(3)]);
          const killer = lonely.applyAsync(exitWorker, [3, "process.exit", 300]);
          const values = ramp(10);
          const held = lonely.applyAsync(sum, [new Transfer(values, [values.buffer])]);
          await killer.wait(60_000);
          if (moves) assert.equal(values.length, 0, "the worker held it when it died");
          await held.wait(60_000);
          if (moves) {
            const error = await rejection(held.get(0));
            assert.ok(error instanceof TypeError, String(error));
            assert.match(error.message, /detached/);
          } else {
            assert.equal(await held.get(0), 45);
          }
          assert.equal(await lonely.apply(sum, [ramp(3)]), 3);
        } finally {
          await lonely.terminate();
        }
      },
    );

    it("a function first seen by a task that could not be sent still runs afterwards", async () => {
      const kind = (x: unknown) => typeof x;
      const error = await rejection(pool.apply(kind, [() => 1]));
      assert.ok(error instanceof TypeError, String(error));
      assert.deepEqual(await Promise.all([pool.apply(kind, [1]), pool.apply(kind, ["a"])]), [
        "number",
        "string",
      ]);
    });

    it("an executor's submit() takes and returns a Transfer too", async () => {
      const Executor = moves ? ThreadPoolExecutor : ProcessPoolExecutor;
      await using executor = new Executor({ maxWorkers: 1, module: MODULE });
      const values = ramp(10);
      assert.equal(await executor.submit(sum, new Transfer(values, [values.buffer])).result(), 45);
      assert.equal(values.length, moves ? 0 : 10);
      const out = await executor.submit(filled, 3, 1).result();
      assert.ok(out instanceof Float64Array && out.length === 3);
    });

    it("an apply's Float64Array result stays a Float64Array", async () => {
      const out = await pool.apply(() => new Float64Array(3));
      assert.ok(out instanceof Float64Array);
    });
  });
}
