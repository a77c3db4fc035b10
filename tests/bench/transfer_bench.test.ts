import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { transferBench } from "../../bench/transfer.ts";

describe("bench/transfer.ts", () => {
  it("measures every contender in both contexts", async () => {
    const results = await transferBench({ arrays: 4, kb: 1, workers: 1, runs: 2 });
    assert.deepEqual([...results.keys()], [
      "thread copy",
      "thread transfer",
      "process copy",
      "process transfer",
    ]);
    for (const s of results.values()) assert.ok(s.median > 0 && Number.isFinite(s.median));
  });
});
