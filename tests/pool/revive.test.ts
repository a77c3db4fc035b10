import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeArgs } from "../../src/worker/revive.ts";
import { encodeShared, MissingReviverError } from "../../src/transport/shareable.ts";

describe("worker-side argument decoding (revivers loaded on first need)", () => {
  it("plain arguments decode synchronously, as the same object", () => {
    const args = [1, { a: [2, 3] }, "x"];
    assert.equal(decodeArgs(args), args);
  });

  it("a marker of an unknown class rejects with MissingReviverError after loading", async () => {
    const pending = decodeArgs([{ __mpShared: "NoSuchClass", state: 1 }]);
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending as Promise<unknown>, (error: unknown) => {
      assert.ok(error instanceof MissingReviverError);
      assert.equal(error.tag, "NoSuchClass");
      assert.match(error.message, /no reviver registered for 'NoSuchClass'/);
      return true;
    });
  });

  it("a shared Value's marker revives into a live Value sharing the same memory", async () => {
    const { Value } = await import("../../src/shared/value.ts");
    const v = new Value("i", 41);
    let decoded = decodeArgs(encodeShared([v], "thread")) as unknown[];
    if (decoded instanceof Promise) decoded = await decoded;
    const [copy] = decoded as InstanceType<typeof Value>[];
    assert.ok(copy instanceof Value);
    copy.value = 42;
    assert.equal(v.value, 42);
  });
});
