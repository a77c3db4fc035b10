import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  batchSize,
  evenShare,
  FIRST_CHUNKS_WINDOW,
  MAX_WINDOW,
  movingAverage,
  nextBatch,
  nextTaskMs,
  PerItemMemo,
  queueWindow,
  signalMayQueue,
  TARGET_QUEUE_MS,
} from "../../src/pool/dispatch_policy.ts";

describe("dispatch policy", () => {
  it("signalMayQueue: behind short tasks of a worker that answers, never before a measure", () => {
    assert.equal(signalMayQueue(undefined, false, 0, 0), false, "nothing measured yet");
    assert.equal(signalMayQueue(0.01, false, 0, 1e6), true, "an idle worker");
    assert.equal(signalMayQueue(0.01, true, 100, 110), true, "a busy worker that answered lately");
    assert.equal(signalMayQueue(0.01, true, 100, 200), false, "a busy worker gone quiet");
    assert.equal(signalMayQueue(5, false, 0, 1), false, "long tasks");
  });

  it("movingAverage starts at the first sample and moves by its weight", () => {
    assert.equal(movingAverage(undefined, 8, 0.5), 8);
    assert.equal(movingAverage(8, 4, 0.5), 6);
    assert.equal(movingAverage(10, 0, 0.25), 7.5);
  });

  it("nextTaskMs averages per-task time and ignores empty messages", () => {
    assert.equal(nextTaskMs(undefined, 10, 5), 2);
    assert.equal(nextTaskMs(2, 0, 0), 2);
    assert.equal(nextTaskMs(undefined, 0, 0), undefined);
    assert.ok(Math.abs(nextTaskMs(2, 12, 1)! - 5) < 1e-9, "0.7 * 2 + 0.3 * 12");
  });

  it("queueWindow: two per worker before anything was measured", () => {
    assert.equal(queueWindow(undefined, 1000, 4, false), FIRST_CHUNKS_WINDOW);
    assert.equal(queueWindow(undefined, 1000, 4, true), FIRST_CHUNKS_WINDOW);
  });

  it("queueWindow: short tasks fill TARGET_QUEUE_MS of work, capped at MAX_WINDOW", () => {
    const ms = 0.01;
    const w = queueWindow(ms, 1_000_000, 2, false);
    assert.ok(Math.abs(w - TARGET_QUEUE_MS / ms) <= 1, `window ${w}`);
    assert.equal(queueWindow(1e-6, 1e9, 2, false), MAX_WINDOW);
  });

  it("queueWindow: long tasks go one at a time; short ones at least two", () => {
    assert.equal(queueWindow(50, 100, 2, false), 1);
    assert.equal(queueWindow(5, 100, 2, false), 2);
  });

  it("queueWindow: near the end of the queue each worker holds less", () => {
    const full = queueWindow(0.01, 1_000_000, 2, false);
    const tail = queueWindow(0.01, 100, 2, false);
    assert.ok(tail < full, `${tail} < ${full}`);
    assert.equal(tail, Math.ceil((100 * 0.01) / 4 / 0.01));
  });

  it("queueWindow: a new map's unmeasured chunks go two per worker", () => {
    assert.equal(queueWindow(0.01, 1_000_000, 2, true), FIRST_CHUNKS_WINDOW);
    assert.equal(queueWindow(50, 100, 2, true), 1);
  });

  it("batchSize shares the queue among workers with room, within window and room", () => {
    assert.equal(batchSize(100, 10, 50, 2, Infinity), 25);
    assert.equal(batchSize(100, 90, 50, 2, Infinity), 10);
    assert.equal(batchSize(100, 10, 50, 2, 3), 3);
    assert.equal(batchSize(100, 10, 0, 2, Infinity), 1, "at least one");
  });

  it("nextBatch picks the emptiest worker with room, skipping full and closed ones", () => {
    const a = { pending: 4, room: Infinity };
    const b = { pending: 2, room: 0 };
    const c = { pending: 3, room: 5 };
    const full = { pending: 8, room: Infinity };
    const batch = nextBatch([a, b, c, full], 8, 100, (w) => w.room);
    assert.equal(batch?.worker, c);
    assert.equal(batch?.count, 5, "bounded by its room");
    assert.equal(nextBatch([b, full], 8, 100, (w) => w.room), undefined);
    const shared = nextBatch([a, { pending: 4, room: Infinity }], 100, 10, (w) => w.room);
    assert.equal(shared?.count, 5, "the queue is shared among the workers with room");
  });

  it("PerItemMemo keeps what a planner measured, per function", () => {
    const memo = new PerItemMemo();
    assert.equal(memo.get(1), undefined);
    memo.remember(1, { perItemMs: undefined });
    assert.equal(memo.get(1), undefined);
    memo.remember(1, { perItemMs: 0.25 });
    memo.remember(2, { perItemMs: 3 });
    assert.equal(memo.get(1), 0.25);
    assert.equal(memo.get(2), 3);
  });
});

describe("evenShare()", () => {
  it("splits what is left evenly when each share is at most the target work", () => {
    assert.equal(evenShare(10_000, 0.0001, 2, 1), 5000); // 0.5 ms each
    assert.equal(evenShare(9, 0.1, 2, 1), 5); // ceil(9 / 2), 0.5 ms
    assert.equal(evenShare(20_000, 0.0001, 2, 1), 10_000); // exactly 1 ms each
  });

  it("leaves larger, unknown or finished maps to the adaptive sizing", () => {
    assert.equal(evenShare(20_002, 0.0001, 2, 1), undefined);
    assert.equal(evenShare(100, 1, 4, 1), undefined);
    assert.equal(evenShare(Infinity, 0, 2, 1), undefined);
    assert.equal(evenShare(0, 0.001, 2, 1), undefined);
  });
});
