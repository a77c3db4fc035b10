import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  asCompleted,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  InvalidStateError,
  TimeoutError,
  wait,
} from "../../mod.ts";

/** A future that settles with `value` (or fails with it when it is an Error) after `ms`. */
function later<T>(ms: number, value: T): Future<T> {
  const f = new Future<T>();
  setTimeout(() => (value instanceof Error ? f.setException(value) : f.setResult(value)), ms);
  return f;
}

describe("Future", () => {
  it("result() and exception() after setResult()", async () => {
    const f = new Future<number>();
    assert.equal(f.done(), false);
    f.setResult(7);
    assert.equal(f.done(), true);
    assert.equal(await f.result(), 7);
    assert.equal(await f.exception(), undefined);
    assert.equal(await f, 7);
  });

  it("result() rejects with the error set; exception() returns it", async () => {
    const f = new Future();
    const error = new RangeError("no");
    f.setException(error);
    await assert.rejects(f.result(), (e) => e === error);
    assert.equal(await f.exception(), error);
    await assert.rejects(Promise.resolve(f), (e) => e === error);
  });

  it("result(timeout) rejects TimeoutError and the future stays usable", async () => {
    const f = new Future<string>();
    await assert.rejects(f.result(10), TimeoutError);
    await assert.rejects(f.exception(0), TimeoutError);
    f.setResult("late");
    assert.equal(await f.result(10), "late");
  });

  it("cancel() of a pending future: cancelled, done, CancelledError", async () => {
    const f = new Future();
    assert.equal(f.cancel(), true);
    assert.equal(f.cancel(), true);
    assert.equal(f.cancelled(), true);
    assert.equal(f.done(), true);
    assert.equal(f.running(), false);
    await assert.rejects(f.result(), CancelledError);
    await assert.rejects(f.exception(), CancelledError);
    assert.equal(f.setRunningOrNotifyCancel(), false);
    assert.throws(() => f.setResult(1), InvalidStateError);
  });

  it("a running future without a pool task cannot be cancelled", () => {
    const f = new Future();
    assert.equal(f.setRunningOrNotifyCancel(), true);
    assert.equal(f.running(), true);
    assert.equal(f.cancel(), false);
    assert.throws(() => f.setRunningOrNotifyCancel(), InvalidStateError);
    f.setResult(1);
    assert.equal(f.running(), false);
    assert.equal(f.cancel(), false);
  });

  it("setting a done future throws InvalidStateError", () => {
    const f = new Future();
    f.setResult(1);
    assert.throws(() => f.setResult(2), InvalidStateError);
    assert.throws(() => f.setException(new Error("x")), InvalidStateError);
  });

  it("addDoneCallback: called once, before and after completion, in order", () => {
    const f = new Future<number>();
    const order: string[] = [];
    const first = mock.fn((_: Future<number>) => order.push("first"));
    const second = mock.fn(() => order.push("second"));
    f.addDoneCallback(first);
    f.addDoneCallback(second);
    f.setResult(1);
    const after = mock.fn((g: Future<number>) => assert.equal(g, f));
    f.addDoneCallback(after);
    assert.deepEqual(order, ["first", "second"]);
    assert.equal(first.mock.callCount(), 1);
    assert.equal(second.mock.callCount(), 1);
    assert.equal(after.mock.callCount(), 1);
    assert.equal(first.mock.calls[0].arguments[0], f);
  });

  it("addDoneCallback: a throwing callback does not stop the others; cancel counts as done", () => {
    const f = new Future();
    const errors = mock.method(console, "error", () => {});
    const next = mock.fn();
    f.addDoneCallback(() => {
      throw new Error("callback failed");
    });
    f.addDoneCallback(next);
    f.cancel();
    errors.mock.restore();
    assert.equal(next.mock.callCount(), 1);
    assert.equal(errors.mock.callCount(), 1);
    assert.throws(() => f.addDoneCallback(42 as never), TypeError);
  });

  it("result() with a bad timeout is a TypeError", () => {
    const f = new Future();
    assert.throws(() => f.result(Number.NaN), TypeError);
    assert.throws(() => f.exception("1" as never), TypeError);
  });
});

describe("wait()", () => {
  it("ALL_COMPLETED (the default) waits for every future", async () => {
    const fs: Future<unknown>[] = [later(5, 1), later(20, 2), later(10, new Error("x"))];
    const { done, notDone } = await wait(fs);
    assert.equal(done.size, 3);
    assert.equal(notDone.size, 0);
    const again = await wait(fs, { returnWhen: ALL_COMPLETED });
    assert.equal(again.done.size, 3);
  });

  it("FIRST_COMPLETED returns at the first to finish", async () => {
    const fast = later(5, "fast");
    const slow = new Future<string>();
    const { done, notDone } = await wait([slow, fast], { returnWhen: FIRST_COMPLETED });
    assert.deepEqual([...done], [fast]);
    assert.deepEqual([...notDone], [slow]);
    slow.cancel();
  });

  it("FIRST_EXCEPTION returns at the first failure, else like ALL_COMPLETED", async () => {
    const ok = later(5, 1);
    const bad = later(15, new Error("bad"));
    const never = new Future();
    const r = await wait([ok, bad, never], { returnWhen: FIRST_EXCEPTION });
    assert.ok(r.done.has(ok) && r.done.has(bad));
    assert.ok(r.notDone.has(never));
    const cancelled = new Future();
    cancelled.cancel();
    const all = await wait([later(5, 1), cancelled], { returnWhen: FIRST_EXCEPTION });
    assert.equal(all.done.size, 2);
  });

  it("a timeout returns what is done so far", async () => {
    const never = new Future();
    const done = later(0, 1);
    await done;
    const r = await wait([never, done, done], { timeout: 20 });
    assert.deepEqual([...r.done], [done]);
    assert.deepEqual([...r.notDone], [never]);
    const now = await wait([never], { timeout: 0, returnWhen: FIRST_COMPLETED });
    assert.equal(now.notDone.size, 1);
  });

  it("bad input: returnWhen, fs, timeout", () => {
    const f = new Future();
    assert.throws(
      () => wait([f], { returnWhen: "FIRST" as never }),
      (e) =>
        e instanceof RangeError &&
        e.message ===
          "Cannot wait: 'returnWhen' must be one of FIRST_COMPLETED, FIRST_EXCEPTION, " +
            "ALL_COMPLETED, received 'FIRST'",
    );
    assert.throws(() => wait([f], { returnWhen: 1 as never }), TypeError);
    assert.throws(() => wait([f, 1 as never]), TypeError);
    assert.throws(() => wait(5 as never), TypeError);
    assert.throws(() => wait([f], { timeout: Number.NaN }), TypeError);
  });
});

describe("asCompleted()", () => {
  it("yields in completion order, done ones first, duplicates once", async () => {
    const done = new Future<string>();
    done.setResult("done");
    const slow = later(30, "slow");
    const fast = later(5, "fast");
    const out: string[] = [];
    // A future is a thenable, so TypeScript types a `for await` variable as its value.
    for await (const f of asCompleted([slow, done, fast, slow])) out.push(await f);
    assert.deepEqual(out, ["done", "fast", "slow"]);
  });

  it("yields the futures themselves (not their values), cancelled ones too", async () => {
    const a = new Future<number>();
    const it = asCompleted([a]);
    a.cancel();
    const r = await it.next();
    assert.equal(r.value, a);
    assert.equal((await it.next()).done, true);
  });

  it("rejects TimeoutError when not all finish in time, then ends", async () => {
    const fast = later(1, 1);
    const never = new Future();
    const it = asCompleted([fast, never], 30);
    assert.equal((await it.next()).value, fast);
    await assert.rejects(
      it.next(),
      (e) => e instanceof TimeoutError && e.message === "1 (of 2) futures unfinished",
    );
    assert.equal((await it.next()).done, true);
  });

  it("return() stops early; bad input throws", async () => {
    const it = asCompleted([new Future()]);
    assert.equal((await it.return!()).done, true);
    assert.equal((await it.next()).done, true);
    assert.throws(() => asCompleted([1 as never]), TypeError);
    assert.throws(() => asCompleted([], Number.NaN), TypeError);
  });
});
