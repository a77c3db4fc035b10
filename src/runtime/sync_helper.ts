/**
 * The helper thread of `sync_channel.ts`, as plain JavaScript source (a
 * function's own source text would carry transpiler helpers, such as tsx's
 * `__name`, that don't exist in the worker). It moves requests from the
 * shared buffer to the socket and replies back; any failure becomes a reply
 * that makes the caller throw.
 *
 * The shared buffer holds three cells (state, length of this piece, total
 * length) and then the data area. A request or reply larger than the data
 * area travels in pieces, one at a time:
 *
 * - request: the caller writes a piece and sets `REQUEST`; the helper takes
 *   it and, while more is to come, answers `TAKEN`; with the last piece it
 *   sends the whole request on the socket;
 * - reply: the helper writes a piece and sets `REPLY`; the caller takes it
 *   and, while more is to come, asks for the next with `NEXT`; after the last
 *   piece it sets `IDLE`.
 *
 * Frames on the socket are a 4-byte little-endian length and the bytes; a
 * frame is collected from its chunks once, when complete (not by
 * concatenating at every chunk, which is quadratic for large frames).
 *
 * @module
 */

/** Cells of the control block. */
export const STATE = 0;
export const LENGTH = 1;
export const TOTAL = 2;
/** Bytes before the data area (three Int32 cells, padded to 16). */
export const HEADER_BYTES = 16;

/** Caller and helper idle. */
export const IDLE = 0;
/** A request piece is written (by the caller). */
export const REQUEST = 1;
/** A reply piece is written (by the helper). */
export const REPLY = 2;
/** The helper could not start. */
export const HELPER_FAILED = 3;
/** The helper took a request piece and waits for the next. */
export const TAKEN = 4;
/** The caller took a reply piece and waits for the next. */
export const NEXT = 5;

/** The helper's source; its `workerData` is `{ sab, address }`. */
export const HELPER_SOURCE: string = `let failed = () => {};
(async () => {
  const { workerData } = await import("node:worker_threads");
  const net = await import("node:net");
  const v8 = await import("node:v8");
  const { Buffer } = await import("node:buffer");
  const { sab, address } = workerData;
  const ctl = new Int32Array(sab, 0, 3);
  const data = new Uint8Array(sab, ${HEADER_BYTES});
  failed = () => {
    Atomics.store(ctl, ${STATE}, ${HELPER_FAILED});
    Atomics.notify(ctl, ${STATE});
  };
  // The reply being handed to the caller, piece by piece.
  let reply;
  let replied = 0;
  const writePiece = () => {
    const size = Math.min(data.length, reply.length - replied);
    data.set(reply.subarray(replied, replied + size));
    replied += size;
    Atomics.store(ctl, ${LENGTH}, size);
    Atomics.store(ctl, ${TOTAL}, reply.length);
    Atomics.store(ctl, ${STATE}, ${REPLY});
    Atomics.notify(ctl, ${STATE});
  };
  const answer = (bytes) => {
    reply = bytes;
    replied = 0;
    request = undefined;
    writePiece();
  };
  let socket;
  let broken;
  // The request being collected from the caller's pieces.
  let request;
  let received = 0;
  // One request at a time: "waiting" while a wait for the state to change is
  // pending, "inFlight" from sending a request until its reply is written, so
  // a request is never sent twice.
  let waiting = false;
  let inFlight = false;
  const takePiece = () => {
    const size = Atomics.load(ctl, ${LENGTH});
    const total = Atomics.load(ctl, ${TOTAL});
    if (request === undefined) {
      request = Buffer.allocUnsafe(4 + total);
      request.writeUInt32LE(total, 0);
      received = 0;
    }
    request.set(data.subarray(0, size), 4 + received);
    received += size;
    return received >= total;
  };
  const next = () => {
    if (waiting || inFlight) return;
    const state = Atomics.load(ctl, ${STATE});
    if (state === ${REQUEST}) {
      if (broken !== undefined) {
        answer(v8.serialize({ ok: false, channel: broken }));
        return next();
      }
      if (socket === undefined) return; // "connect" calls next()
      if (!takePiece()) {
        Atomics.store(ctl, ${STATE}, ${TAKEN});
        Atomics.notify(ctl, ${STATE});
        return next();
      }
      inFlight = true;
      const whole = request;
      request = undefined;
      socket.write(whole);
      return;
    }
    if (state === ${NEXT} && reply !== undefined && replied < reply.length) {
      writePiece();
      return next();
    }
    waiting = true;
    const wait = Atomics.waitAsync(ctl, ${STATE}, state);
    const go = () => {
      waiting = false;
      next();
    };
    if (wait.async) wait.value.then(go);
    else go();
  };
  let chunks = [];
  let have = 0;
  let need = -1;
  const onData = (chunk) => {
    chunks.push(chunk);
    have += chunk.length;
    for (;;) {
      if (need < 0) {
        if (have < 4) return;
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks, have)];
        need = chunks[0].readUInt32LE(0);
        chunks[0] = chunks[0].subarray(4);
        have -= 4;
      }
      if (have < need) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, have);
      const frame = all.subarray(0, need);
      const rest = all.subarray(need);
      chunks = rest.length > 0 ? [rest] : [];
      have = rest.length;
      need = -1;
      if (!inFlight) continue; // never happens: one reply per request
      inFlight = false;
      answer(frame);
      next();
    }
  };
  const breakWith = (reason) => {
    broken ??= reason;
    if (inFlight) {
      inFlight = false;
      answer(v8.serialize({ ok: false, channel: broken }));
    }
    next();
  };
  const connect = (attempt) => {
    const s = net.connect(address);
    s.on("connect", () => {
      socket = s;
      next();
    });
    s.on("data", onData);
    s.on("error", (error) => {
      if (socket === undefined && attempt < 50) {
        setTimeout(() => connect(attempt + 1), 20);
        return;
      }
      breakWith("the channel to the parent process failed (" + error.message + ")");
    });
    s.on("close", () => {
      // A failed attempt closes too; only the connected socket's end counts.
      if (socket === s) breakWith("the parent process closed the channel");
    });
  };
  next();
  connect(0);
})().catch(() => failed());`;
