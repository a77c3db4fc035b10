import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MaybeEncodingError, Transfer } from "../../mod.ts";
import {
  packChunk,
  type Post,
  readResult,
  resultBatch,
  resultCount,
  sendTasks,
  TaskInbox,
  type WireTask,
} from "../../src/transport/batch_codec.ts";
import { ResultOutbox } from "../../src/transport/result_outbox.ts";
import { encodeError } from "../../src/transport/error_codec.ts";
import {
  MODE_APPLY,
  MODE_MAP,
  type ResultsMessage,
  type SourceFunction,
  STATUS_ERROR,
  STATUS_OK,
  type TasksMessage,
} from "../../src/transport/protocol.ts";

/** A channel: what a post would deliver (structured clone, transfers honoured). */
function channel(): { post: Post; received: unknown[]; transfers: object[][] } {
  const received: unknown[] = [];
  const transfers: object[][] = [];
  const post: Post = (message, transfer) => {
    received.push(structuredClone(message, { transfer: transfer as Transferable[] }));
    transfers.push(transfer ?? []);
  };
  return { post, received, transfers };
}

const SOURCE: SourceFunction = [7, "f", "(x) => x"];
const numbers = (n: number): number[] => Array.from({ length: n }, (_, i) => i / 3);

function task(payload: unknown, mode: WireTask["mode"] = MODE_APPLY): WireTask {
  return { key: 7, source: SOURCE, mode, payload };
}

/** Sends `tasks` and reads them back as a worker would. */
function roundTrip(tasks: WireTask[], json: boolean) {
  const { post, received, transfers } = channel();
  const sent: WireTask[] = [];
  const failed: [WireTask, TypeError][] = [];
  sendTasks(post, tasks, [SOURCE], json, (t) => sent.push(t), (t, e) => failed.push([t, e]));
  const inbox = new TaskInbox();
  for (const message of received) inbox.add(message as TasksMessage);
  const taken = [];
  for (let t = inbox.take(); t !== undefined; t = inbox.take()) taken.push(t);
  return { received: received as TasksMessage[], transfers, sent, failed, taken };
}

describe("batch codec: tasks", () => {
  it("a batch travels as one structured-clone message, in order", () => {
    const tasks = [task([1, 2]), task([3]), task([undefined])];
    const r = roundTrip(tasks, false);
    assert.equal(r.received.length, 1);
    assert.ok(Array.isArray(r.received[0].batch));
    assert.deepEqual(r.received[0].fns, [SOURCE]);
    assert.deepEqual(r.sent, tasks);
    assert.deepEqual(r.taken, [
      { key: 7, mode: MODE_APPLY, payload: [1, 2] },
      { key: 7, mode: MODE_APPLY, payload: [3] },
      { key: 7, mode: MODE_APPLY, payload: [undefined] },
    ]);
  });

  it("as JSON text where the channel prefers it and JSON is exact", () => {
    const r = roundTrip([task([1, "a"]), task([{ b: null }])], true);
    assert.equal(typeof r.received[0].batch, "string");
    assert.deepEqual(r.taken.map((t) => t.payload), [[1, "a"], [{ b: null }]]);
  });

  it("by structured clone where JSON would not be exact", () => {
    const r = roundTrip([task([1]), task([NaN, -0])], true);
    assert.ok(Array.isArray(r.received[0].batch));
    assert.deepEqual(r.taken.map((t) => t.payload), [[1], [NaN, -0]]);
  });

  it("a chunk of numbers travels packed, its buffer transferred", () => {
    const items = numbers(100);
    const packed = packChunk(MODE_MAP, items)!;
    assert.ok(packed instanceof Float64Array);
    assert.equal(packChunk(MODE_APPLY, items), undefined);
    assert.equal(packChunk(MODE_MAP, numbers(3)), undefined, "short chunks travel as they are");
    const r = roundTrip([task(packed, MODE_MAP)], false);
    assert.equal(r.transfers[0].length, 1);
    assert.equal(packed.length, 0, "the buffer moved");
    assert.deepEqual(Array.from(r.taken[0].payload as Float64Array), items);
  });

  it("an uncloneable task fails alone; the others still travel", () => {
    const tasks = [task([1]), task([{ handler: function onDone() {} }]), task([3])];
    const r = roundTrip(tasks, false);
    assert.deepEqual(r.sent, [tasks[0], tasks[2]]);
    assert.equal(r.failed.length, 1);
    const [which, error] = r.failed[0];
    assert.equal(which, tasks[1]);
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /args\[0\]\.handler: a function \(onDone\)/);
    assert.deepEqual(r.taken.map((t) => t.payload), [[1], [3]]);
    assert.ok(r.received.every((m) => m.fns?.[0][0] === 7), "each carries its function");
  });

  it("what tasks' Transfer lists name moves with the batch, each buffer once", () => {
    const shared = new Float64Array(4);
    const own = new Uint8Array(3);
    const tasks = [
      { ...task([shared]), transfer: [shared.buffer] },
      { ...task([shared, own]), transfer: [shared.buffer, own.buffer] },
    ];
    const r = roundTrip(tasks, true);
    assert.equal(r.received.length, 1);
    assert.ok(Array.isArray(r.received[0].batch), "not as JSON text");
    assert.deepEqual(r.transfers[0], [shared.buffer, own.buffer]);
    assert.equal(shared.length, 0, "moved");
    assert.equal(own.length, 0, "moved");
    assert.equal((r.taken[0].payload as Float64Array[])[0].length, 4);
  });

  it("a task whose Transfer list names a detached buffer fails alone", () => {
    const gone = new ArrayBuffer(8);
    const view = new Uint8Array(gone);
    structuredClone(gone, { transfer: [gone] });
    const kept = new ArrayBuffer(8);
    const tasks = [
      task([1]),
      { ...task([view]), transfer: [gone] },
      { ...task([kept]), transfer: [kept] },
    ];
    for (const json of [false, true]) {
      const r = roundTrip(json ? [tasks[0], tasks[1]] : tasks, json);
      assert.equal(r.failed.length, 1);
      assert.equal(r.failed[0][0], tasks[1]);
      assert.ok(r.failed[0][1] instanceof TypeError);
      assert.match(r.failed[0][1].message, /detached/);
      assert.deepEqual(r.sent, json ? [tasks[0]] : [tasks[0], tasks[2]]);
    }
    assert.equal(kept.byteLength, 0, "the other task's buffer moved");
  });
});

/** Flushes an outbox and decodes what the parent would get. */
function results(fill: (outbox: ResultOutbox) => void, json: boolean) {
  const { post, received, transfers } = channel();
  const outbox = new ResultOutbox(post, json);
  fill(outbox);
  outbox.flush(2);
  const outcomes = [];
  for (const message of received as ResultsMessage[]) {
    assert.equal(message.busy, 2);
    const batch = resultBatch(message);
    for (let i = 0; i < resultCount(batch); i++) outcomes.push(readResult(batch, i));
  }
  assert.ok(outbox.empty);
  return { received: received as ResultsMessage[], transfers, outcomes };
}

describe("batch codec: results", () => {
  for (const json of [false, true]) {
    it(`values come back in order (json: ${json})`, () => {
      const r = results((out) => {
        out.add(STATUS_OK, 42, false);
        out.add(STATUS_OK, ["a", "b"], true);
      }, json);
      assert.equal(r.received.length, 1);
      assert.equal(typeof r.received[0].batch, json ? "string" : "object");
      assert.deepEqual(r.outcomes, [{ ok: true, value: 42 }, { ok: true, value: ["a", "b"] }]);
    });
  }

  it("an error comes back rebuilt, between values", () => {
    const r = results((out) => {
      out.add(STATUS_OK, 1, false);
      out.add(STATUS_ERROR, encodeError(new RangeError("bad")), false);
      out.add(STATUS_OK, 3, false);
    }, true);
    assert.equal(r.received.length, 1);
    assert.deepEqual(r.outcomes[0], { ok: true, value: 1 });
    assert.equal(r.outcomes[1].ok, false);
    assert.ok(r.outcomes[1].value instanceof RangeError);
    assert.equal((r.outcomes[1].value as Error).message, "bad");
    assert.deepEqual(r.outcomes[2], { ok: true, value: 3 });
  });

  it("a chunk result of numbers travels packed and comes back as an array", () => {
    const values = numbers(100);
    const r = results((out) => out.add(STATUS_OK, values, true), false);
    assert.equal(r.transfers[0].length, 1);
    assert.ok(Array.isArray(r.outcomes[0].value));
    assert.deepEqual(r.outcomes[0].value, values);
  });

  it("an apply result of numbers is never packed", () => {
    const values = numbers(100);
    const r = results((out) => out.add(STATUS_OK, values, false), false);
    assert.equal(r.transfers[0].length, 0);
    assert.deepEqual(r.outcomes[0].value, values);
  });

  it("a Transfer result is unwrapped and its buffer moves (an apply's, a chunk's items)", () => {
    const one = new Float64Array(5).fill(1);
    const two = new Float64Array(6).fill(2);
    const r = results((out) => {
      out.add(STATUS_OK, new Transfer(one, [one.buffer]), false);
      out.add(STATUS_OK, [new Transfer(two, [two.buffer]), 3], true);
    }, true);
    assert.equal(r.received.length, 1);
    assert.deepEqual(r.transfers[0], [one.buffer, two.buffer]);
    assert.equal(one.length + two.length, 0, "both moved");
    const [, b] = r.outcomes;
    const a = readResult(resultBatch(r.received[0]), 0, false);
    assert.ok(a.value instanceof Float64Array && a.value.length === 5);
    const items = b.value as [Float64Array, number];
    assert.ok(items[0] instanceof Float64Array && items[0].length === 6 && items[1] === 3);
  });

  it("a Transfer result whose buffer was detached becomes MaybeEncodingError alone", () => {
    const broken = new Float64Array(2);
    const moved = new Transfer(broken, [broken.buffer]);
    structuredClone(broken.buffer, { transfer: [broken.buffer] });
    const r = results((out) => {
      out.add(STATUS_OK, 1, false);
      out.add(STATUS_OK, moved, false);
      out.add(STATUS_OK, 3, false);
    }, false);
    assert.deepEqual(r.outcomes[0], { ok: true, value: 1 });
    assert.ok(r.outcomes[1].value instanceof MaybeEncodingError);
    assert.match((r.outcomes[1].value as Error).message, /detached/);
    assert.deepEqual(r.outcomes[2], { ok: true, value: 3 });
  });

  it("an uncloneable result becomes MaybeEncodingError alone", () => {
    const r = results((out) => {
      out.add(STATUS_OK, 1, false);
      out.add(STATUS_OK, Symbol("nope"), false);
      out.add(STATUS_OK, 3, false);
    }, false);
    assert.equal(r.received.length, 3, "sent one by one");
    assert.deepEqual(r.outcomes[0], { ok: true, value: 1 });
    assert.equal(r.outcomes[1].ok, false);
    assert.ok(r.outcomes[1].value instanceof MaybeEncodingError);
    assert.match((r.outcomes[1].value as Error).message, /Symbol\(nope\)/);
    assert.deepEqual(r.outcomes[2], { ok: true, value: 3 });
  });
});
