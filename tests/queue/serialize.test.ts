import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bytesToWire, deserialize, serialize, wireToBytes } from "../../src/runtime/serialize.ts";

describe("serialize() / deserialize()", () => {
  it("serialize() round-trips numbers and strings on the short path", () => {
    for (const n of [0, -0, 1.5, -42, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, 2 ** 53]) {
      assert.equal(Object.is(deserialize(serialize(n)), n), true, `number ${n}`);
    }
    for (
      const text of [
        "",
        "a",
        "héllo wörld",
        "😀 emoji \u{1F600}",
        "\u0000nul",
        "x".repeat(5000),
        "lone \uD800 surrogate",
      ]
    ) {
      assert.equal(deserialize(serialize(text)), text);
    }
  });

  it("serialize() round-trips structured-clonable values", () => {
    const value = {
      a: [1, "two", null, undefined, true],
      m: new Map([[1, { deep: new Set(["s"]) }]]),
      d: new Date(7),
      u: new Uint8Array([1, 2, 3]),
      big: 12345678901234567890n,
      e: new RangeError("boom"),
    };
    const back = deserialize(serialize(value)) as typeof value;
    assert.deepEqual(back.a, value.a);
    assert.deepEqual(back.m, value.m);
    assert.equal(back.d.getTime(), 7);
    assert.deepEqual([...back.u], [1, 2, 3]);
    assert.equal(back.big, value.big);
    assert.ok(back.e instanceof RangeError);
    assert.equal(back.e.message, "boom");
  });

  it("serialize() of a value that cannot be cloned throws TypeError", () => {
    assert.throws(() => serialize(() => 1), TypeError);
    assert.throws(() => serialize({ s: Symbol("x") }), TypeError);
  });

  it("bytesToWire()/wireToBytes() round-trip bytes through a string", () => {
    const bytes = new Uint8Array(300).map((_, i) => i & 255);
    assert.deepEqual(wireToBytes(bytesToWire(bytes)), bytes);
    assert.deepEqual(deserialize(wireToBytes(bytesToWire(serialize("text")))), "text");
  });
});
