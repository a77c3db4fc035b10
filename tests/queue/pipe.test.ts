import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Connection, EOFError, Pipe, ProcessError } from "../../mod.ts";

describe("Pipe (in one thread)", () => {
  it("Pipe() ends send to each other in order", async () => {
    const [a, b] = Pipe<unknown>();
    assert.ok(a instanceof Connection);
    await a.send(1);
    await a.send({ two: [2] });
    b.sendSync("back");
    assert.equal(await b.recv(), 1);
    assert.deepEqual(b.recvSync(), { two: [2] });
    assert.equal(await a.recv(), "back");
  });

  it("Connection.poll() says whether recv() would wait", async () => {
    const [a, b] = Pipe<number>();
    assert.equal(await a.poll(), false);
    assert.equal(await a.poll(10), false);
    assert.equal(a.pollSync(5), false);
    setTimeout(() => b.send(1), 10);
    assert.equal(await a.poll(null), true);
    assert.equal(a.pollSync(), true);
    assert.equal(await a.recv(), 1);
  });

  it("Connection.recv() after the other end closed reads what is left, then rejects EOFError", async () => {
    const [a, b] = Pipe<string>();
    await b.send("last");
    b.close();
    assert.equal(b.closed, true);
    assert.equal(await a.poll(), true);
    assert.equal(await a.recv(), "last");
    await assert.rejects(a.recv(), EOFError);
    assert.throws(() => a.recvSync(), EOFError);
    await assert.rejects(a.send("x"), /other end of the pipe is closed/);
  });

  it("Connection.recv() waiting when the other end closes rejects EOFError", async () => {
    const [a, b] = Pipe<string>();
    const pending = a.recv();
    setTimeout(() => b.close(), 10);
    await assert.rejects(pending, EOFError);
  });

  it("a closed Connection refuses to send and receive", async () => {
    const [a] = Pipe<number>();
    a.close();
    a.close(); // twice is fine
    await assert.rejects(a.send(1), ProcessError);
    await assert.rejects(a.recv(), ProcessError);
  });

  it("Connection[Symbol.dispose]() closes the end (for using)", async () => {
    const [a, b] = Pipe<number>();
    a[Symbol.dispose]();
    assert.equal(a.closed, true);
    await assert.rejects(b.recv(), EOFError);
  });

  it("Pipe(false) gives a read-only end and a write-only end", async () => {
    const [reader, writer] = Pipe<number>(false);
    assert.equal(reader.writable, false);
    assert.equal(writer.readable, false);
    await writer.send(42);
    assert.equal(await reader.recv(), 42);
    await assert.rejects(reader.send(1), /read-only/);
    await assert.rejects(writer.recv(), /write-only/);
    writer.close();
    await assert.rejects(reader.recv(), EOFError);
  });

  it("Connection.send() of a value that cannot be cloned fails at once", async () => {
    const [a, b] = Pipe<unknown>();
    await assert.rejects(a.send(() => 1), TypeError);
    await a.send("fine");
    assert.equal(await b.recv(), "fine");
  });

  it("Pipe() and Connection reject bad arguments", async () => {
    assert.throws(() => Pipe(1 as unknown as boolean), TypeError);
    assert.throws(() => new Connection(), TypeError);
    const [a] = Pipe();
    await assert.rejects(a.poll(Number.NaN), TypeError);
  });
});
