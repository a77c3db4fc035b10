import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";
import { jsonBatch, MAX_DEPTH, readBatch } from "../../src/transport/json_batch.ts";

/** What structured clone gives, to compare with the JSON round trip. */
function viaJson(batch: unknown[], stride: number, ownedAt: number): unknown[] | undefined {
  const text = jsonBatch(batch, stride, ownedAt);
  return text === undefined ? undefined : readBatch(text);
}

describe("json_batch: batches travel as JSON text only when JSON is exact", () => {
  it("plain data round-trips exactly", () => {
    const batch = [
      0,
      "k",
      0,
      [1, "two", true, null, { a: [1.5, -2, "x"], b: { c: "\ud800 lone surrogate" } }],
    ];
    assert.deepEqual(viaJson(batch, 4, 3), structuredClone(batch));
    const nullProto = Object.assign(Object.create(null), { a: 1 });
    assert.deepEqual(viaJson([0, 1, 0, [nullProto]], 4, 3), [0, 1, 0, [{ a: 1 }]]);
  });

  const inexact: [string, unknown][] = [
    ["undefined", undefined],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-0", -0],
    ["a BigInt", 1n],
    ["a Date", new Date(0)],
    ["a Map", new Map([[1, 2]])],
    ["a typed array", new Uint8Array(2)],
    ["a class instance", new (class Point {})()],
    ["a boxed number", Object(1)],
    ["an array with a hole", [1, , 3]], // eslint-disable-line no-sparse-arrays
    ["a RegExp match (named properties)", "abc".match(/b/)],
    ["an object with an undefined property", { a: undefined }],
  ];
  for (const [what, value] of inexact) {
    it(`${what} anywhere sends the batch by structured clone`, () => {
      assert.equal(jsonBatch([0, 1, 0, [value]], 4, 3), undefined);
      assert.equal(jsonBatch([0, 1, 0, [{ deep: [value] }]], 4, 3), undefined);
      assert.equal(jsonBatch([7, 0, value], 3, -1), undefined);
    });
  }

  it("shared references and cycles go by structured clone (it keeps identity)", () => {
    const shared = { a: 1 };
    assert.equal(jsonBatch([0, 1, 0, [shared, shared]], 4, 3), undefined);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(jsonBatch([0, 1, 0, [cycle]], 4, 3), undefined);
  });

  it(`nesting deeper than ${MAX_DEPTH} goes by structured clone`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 2; i++) deep = [deep];
    assert.equal(jsonBatch([0, 1, 0, [deep]], 4, 3), undefined);
  });

  it("named properties on an array the caller built are kept by falling back", () => {
    const result = Object.assign([1, 2], { extra: "kept" });
    assert.equal(jsonBatch([3, 0, result], 3, -1), undefined);
    // The protocol's own argument arrays are spread, so theirs cannot matter.
    assert.equal(typeof jsonBatch([0, 1, 0, result], 4, 3), "string");
  });

  it("readBatch passes an array through", () => {
    const batch = [1, 2];
    assert.equal(readBatch(batch), batch);
  });
});

for (const context of CONTEXTS) {
  describe(`values keep their exact form through a pool, whatever the channel (${context})`, () => {
    const pool = new Pool({ processes: 2, context });
    after(() => pool.terminate());

    it("a flood of tasks with exact and inexact arguments and results", async () => {
      const shared = { s: 1 };
      const values: unknown[] = [
        1,
        "a",
        { a: [1, { b: null }] },
        -0,
        NaN,
        undefined,
        [1, , 3], // eslint-disable-line no-sparse-arrays
        new Map([[1, { x: 2 }]]),
        [shared, shared],
        Object.assign([1, 2], { extra: "kept" }),
      ];
      const results = await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) => pool.apply((v: unknown) => v, [values[i % values.length]]),
        ),
      );
      for (let i = 0; i < results.length; i++) {
        assert.deepEqual(results[i], structuredClone(values[i % values.length]), `item ${i}`);
      }
      assert.ok(Object.is(results[3], -0));
      const pair = results[8] as unknown[];
      assert.equal(pair[0], pair[1], "a shared reference stays shared");
      assert.equal((results[9] as unknown as { extra: string }).extra, "kept");
    });
  });
}
