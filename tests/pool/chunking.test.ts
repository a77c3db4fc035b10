import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MapJob } from "../../src/pool/map_job.ts";
import { TaskQueue } from "../../src/pool/task_queue.ts";
import { MODE_MAP } from "../../src/transport/protocol.ts";
import {
  CHUNK_STRATEGIES,
  type ChunkPlanner,
  type ChunkStrategy,
  isChunkStrategy,
  planChunks,
  pythonChunksize,
} from "../../src/pool/chunking.ts";

/** Drains a planner, with a guard against planners that never finish. */
function drain(plan: ChunkPlanner, limit = 1_000_000): number[] {
  const sizes: number[] = [];
  for (let n = plan.next(); n > 0; n = plan.next()) {
    sizes.push(n);
    if (sizes.length > limit) throw new Error("planner did not finish");
  }
  return sizes;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** CPython's Pool._map_async formula, written the way CPython writes it. */
function cpythonChunksize(n: number, p: number): number {
  let chunksize = Math.floor(n / (p * 4));
  const extra = n % (p * 4);
  if (extra) chunksize += 1;
  if (n === 0) chunksize = 0;
  return chunksize;
}

const STRATEGIES: (ChunkStrategy | number)[] = [...CHUNK_STRATEGIES, 1, 7, 100];
const TOTALS = [0, 1, 2, 3, 7, 10, 99, 100, 101, 1000, 4097, 100_000];
const WORKERS = [1, 2, 3, 4, 8, 16];

describe("pythonChunksize()", () => {
  it("matches CPython's divmod formula", () => {
    for (const n of TOTALS) {
      for (const p of WORKERS) assert.equal(pythonChunksize(n, p), cpythonChunksize(n, p));
    }
  });

  it("gives the documented values", () => {
    assert.equal(pythonChunksize(1000, 2), 125);
    assert.equal(pythonChunksize(1001, 2), 126);
    assert.equal(pythonChunksize(10, 4), 1);
    assert.equal(pythonChunksize(0, 4), 0);
    assert.equal(pythonChunksize(1_000_000, 2), 125_000);
  });

  it("rejects a bad total or worker count with a RangeError", () => {
    assert.throws(() => pythonChunksize(-1, 2), RangeError);
    assert.throws(() => pythonChunksize(1.5, 2), RangeError);
    assert.throws(() => pythonChunksize(10, 0), /'workers' must be a positive integer, received 0/);
  });
});

describe("planChunks()", () => {
  it("hands out chunk sizes that sum exactly to the total, for every strategy", () => {
    for (const strategy of STRATEGIES) {
      for (const n of TOTALS) {
        for (const p of WORKERS) {
          const plan = planChunks(strategy, n, p);
          const sizes = drain(plan);
          assert.equal(sum(sizes), n, `${strategy} n=${n} P=${p}`);
          assert.ok(sizes.every((s) => Number.isInteger(s) && s >= 1));
          assert.equal(plan.remaining, 0);
          assert.equal(plan.next(), 0, "stays done");
        }
      }
    }
  });

  it('"python" cuts chunks of exactly ceil(n / 4P), the last one taking the rest', () => {
    for (const n of [1, 10, 999, 1000, 1001, 12345]) {
      for (const p of WORKERS) {
        const size = cpythonChunksize(n, p);
        const sizes = drain(planChunks("python", n, p));
        assert.ok(sizes.slice(0, -1).every((s) => s === size));
        assert.equal(sizes.length, Math.ceil(n / size));
      }
    }
  });

  it('"static" gives each worker one chunk of ceil(n / P)', () => {
    assert.deepEqual(drain(planChunks("static", 10, 3)), [4, 4, 2]);
    assert.deepEqual(drain(planChunks("static", 100, 4)), [25, 25, 25, 25]);
  });

  it("a number is a fixed chunk size", () => {
    assert.deepEqual(drain(planChunks(4, 10, 2)), [4, 4, 2]);
    assert.equal(planChunks(4, 10, 2).strategy, "fixed");
  });

  it('"guided" gives max(ceil(R / P), k), non-increasing', () => {
    assert.deepEqual(drain(planChunks("guided", 20, 2)), [10, 5, 3, 1, 1]);
    const sizes = drain(planChunks("guided", 1000, 4, { minChunk: 10 }));
    assert.deepEqual(sizes.slice(0, 3), [250, 188, 141]);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] <= sizes[i - 1]);
    assert.ok(sizes.slice(0, -1).every((s) => s >= 10));
  });

  it('"factoring" gives batches of P chunks of ceil(R / 2P)', () => {
    assert.deepEqual(
      drain(planChunks("factoring", 100, 2)),
      [25, 25, 13, 13, 6, 6, 3, 3, 2, 2, 1, 1],
    );
  });

  it('"auto" cuts 1/16 of Python\'s size until it has measured the per-item time', () => {
    assert.deepEqual(drain(planChunks("auto", 10, 2)), Array(10).fill(1));
    assert.equal(planChunks("auto", 1_000_000, 2).next(), 7813);
  });

  it('"auto" sizes chunks to targetChunkMs of measured work, at most Python\'s size', () => {
    const plan = planChunks("auto", 1_000_000, 2, { targetChunkMs: 1 });
    assert.equal(plan.next(), 7813);
    plan.observe(1, 0.01); // 10 µs per item: 100 items per chunk
    assert.equal(plan.next(), 100);
    plan.observe(100, 1);
    const rest = drain(plan);
    assert.equal(rest.reduce((a, b) => a + b, 0), 1_000_000 - 7813 - 100);
    // 100 per chunk until the tail: no chunk takes more than 1/(2P) of what is left,
    // so the last ones shrink, down to a quarter of the target work (25 items).
    let left = 1_000_000 - 7813 - 100;
    for (const size of rest) {
      const expected = Math.min(100, Math.max(25, Math.ceil(left / 4)), left);
      assert.equal(size, expected, `with ${left} left`);
      left -= size;
    }
    assert.ok(rest.slice(-8).some((s) => s < 100), "the tail shrinks");

    const trivial = planChunks("auto", 100_000, 2);
    trivial.observe(10, 0.0005); // 0.05 µs per item: capped at Python's ceil(n / 4P)
    assert.equal(trivial.next(), 12_500);

    const slow = planChunks("auto", 1000, 2, { targetChunkMs: 1 });
    slow.next();
    slow.observe(1, 5); // 5 ms per item: one item per chunk
    assert.ok(drain(slow).every((s) => s === 1));
  });

  it('"auto" forgets a slow first chunk (the function being compiled) within a few chunks', () => {
    const plan = planChunks("auto", 1_000_000, 2, { targetChunkMs: 1 });
    plan.observe(1, 2); // compile + first item: 2 ms
    assert.equal(plan.next(), 1);
    for (let i = 0; i < 20; i++) plan.observe(1, 0.0001); // then 0.1 µs per item
    assert.ok(plan.next() >= 5000);
  });

  it('"auto" splits a small map evenly once its first chunk is timed', () => {
    const plan = planChunks("auto", 10_000, 2, { targetChunkMs: 1 });
    const probes = [plan.next(), plan.next(), plan.next(), plan.next()];
    assert.deepEqual(probes, [79, 79, 79, 79]);
    plan.observe(79, 0.004); // about 0.05 µs per item: the rest is 0.5 ms of work
    assert.deepEqual(drain(plan), [4842, 4842]);

    const larger = planChunks("auto", 10_000, 2, { targetChunkMs: 1 });
    larger.next();
    larger.observe(79, 0.079); // 1 µs per item: 5 ms per worker, adaptive as before
    assert.equal(larger.next(), 1000);
    larger.observe(1000, 0.01); // later times do not switch to an even split
    assert.ok(drain(larger).every((s) => s <= 1250));
  });

  it('"auto" splits evenly from the start when the last map measured small work', () => {
    const plan = planChunks("auto", 1000, 2, { perItemMs: 0.0001 });
    assert.deepEqual(drain(plan), [500, 500]);
    const unknown = planChunks("auto", Infinity, 2, { perItemMs: 0.0001 });
    assert.equal(unknown.next(), 10_000);
  });

  it('"auto" with an unknown total cuts chunks of targetChunkMs of work once measured', () => {
    const plan = planChunks("auto", Infinity, 2, { targetChunkMs: 2 });
    assert.equal(plan.next(), 1);
    plan.observe(100, 1); // 10 µs per item
    assert.equal(plan.next(), 200);
  });

  it("ignores feedback in the fixed strategies", () => {
    const plan = planChunks("python", 100, 2);
    plan.observe(13, 1);
    assert.equal(plan.next(), 13);
  });

  it("never ends when the total is unknown", () => {
    for (const strategy of STRATEGIES) {
      const plan = planChunks(strategy, Infinity, 2);
      for (let i = 0; i < 100; i++) assert.ok(plan.next() >= 1);
    }
    assert.equal(planChunks("python", Infinity, 2).next(), 1);
  });

  it("rejects bad arguments with TypeError or RangeError", () => {
    assert.throws(
      () => planChunks("fast" as ChunkStrategy, 10, 2),
      (e: unknown) =>
        e instanceof TypeError && /must be a positive integer or one of .*"auto".*'fast'/
          .test(e.message),
    );
    assert.throws(() => planChunks(0, 10, 2), /'chunksize' must be a positive integer, received 0/);
    assert.throws(() => planChunks(2.5, 10, 2), RangeError);
    assert.throws(() => planChunks("auto", -1, 2), RangeError);
    assert.throws(() => planChunks("auto", 10, 0), RangeError);
    assert.throws(() => planChunks("guided", 10, 2, { minChunk: 0 }), RangeError);
    assert.throws(() => planChunks("auto", 10, 2, { targetChunkMs: 0 }), RangeError);
  });
});

describe('"auto" remembers per-item times', () => {
  it("exposes what it measured, and starts from a time measured before instead of probing", () => {
    const first = planChunks("auto", 1_000_000, 2, { targetChunkMs: 1 });
    assert.equal(first.perItemMs, undefined);
    first.next();
    first.observe(100, 1); // 10 µs per item
    assert.equal(first.perItemMs, 0.01);
    const next = planChunks("auto", 1_000_000, 2, { targetChunkMs: 1, perItemMs: first.perItemMs });
    assert.equal(next.next(), 100); // no 1/16-of-Python probe
    assert.equal(planChunks("python", 100, 2).perItemMs, undefined);
  });
});

describe("TaskQueue.frontUnmeasured()", () => {
  it("is true while the map at the front has no finished chunk, false afterwards", () => {
    const queue = new TaskQueue();
    assert.equal(queue.frontUnmeasured(), false);
    const job = new MapJob<number>();
    job.start([1, 2, 3, 4], {
      source: [1, "f", "(x) => x"],
      mode: MODE_MAP,
      planner: planChunks(2, 4, 2),
      encode: (items) => ({ value: items }),
    });
    queue.push(job);
    assert.equal(queue.frontUnmeasured(), true);
    const task = queue.take(1)[0];
    job.observe(task, 0.5);
    assert.equal(queue.frontUnmeasured(), false);
  });
});

describe("isChunkStrategy()", () => {
  it("recognises exactly the strategy names", () => {
    for (const s of CHUNK_STRATEGIES) assert.ok(isChunkStrategy(s));
    for (const s of ["", "Python", "fixed", 4, null, undefined]) assert.ok(!isChunkStrategy(s));
  });
});
