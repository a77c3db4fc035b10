/**
 * A synchronous request channel from a child process to its parent, for the
 * blocking `...Sync` forms and the synchronous queries (`locked()`,
 * `Value.value`, ...) of objects the parent serves (process context).
 *
 * The IPC channel can't serve them: its replies arrive as events, which never
 * run while the child's thread is blocked. So:
 *
 * - the parent listens on a local socket (a Unix domain socket, or a named
 *   pipe on Windows), created on first use and unreferenced, so it never keeps
 *   the parent alive;
 * - the child starts one helper thread (on first use, unreferenced) that
 *   connects to that socket. A synchronous call writes the request into a
 *   `SharedArrayBuffer`, wakes the helper and blocks in `Atomics.wait`; the
 *   helper sends the request, receives the reply on its own event loop, writes
 *   it back and wakes the caller.
 *
 * Frames on the socket are a 4-byte little-endian length and `node:v8`
 * serialised bytes (both ends run the same runtime). A request or reply is at
 * most 1 MiB.
 *
 * `node:net`, `node:v8` and `node:worker_threads` exist on Deno, Bun and Node
 * (Deno needs read/write permission for the socket in the temporary folder,
 * as `-A` gives). The parent answers on its event loop, so it must not block
 * its own thread while a child waits for an answer.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { unlinkSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as v8 from "node:v8";
import { Worker } from "node:worker_threads";

/** Largest request or reply, in bytes. */
const CAPACITY = 1 << 20;
/** Cells of the control block: state, length. */
const STATE = 0;
const LENGTH = 1;
/** States: idle, request written (the helper writes 2: reply written). */
const IDLE = 0;
const REQUEST = 1;
/** Written by the helper when it could not start. */
const HELPER_FAILED = 3;

/** Serves one request; resolves the reply. */
export type SyncHandler = (request: unknown) => Promise<unknown>;

let server: { address: string; server: Server } | undefined;

function frame(value: unknown): Buffer {
  const body = v8.serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

function onConnection(socket: Socket, handler: SyncHandler): void {
  let pending = Buffer.alloc(0);
  socket.on("error", () => {});
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readUInt32LE(0);
      if (pending.length < 4 + size) break;
      const request = v8.deserialize(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
      handler(request).then(
        (reply) => socket.write(frame(reply)),
        () => socket.destroy(),
      );
    }
  });
}

/**
 * Parent side: the address children connect to, listening from the first
 * call on; `handler` serves every request.
 *
 * @param handler Serves one request (the first call's handler is kept).
 * @returns The socket path (or pipe name).
 * @example
 * ```ts ignore
 * const address = syncChannelAddress(async (request) => request);
 * ```
 */
export function syncChannelAddress(handler: SyncHandler): string {
  if (server !== undefined) return server.address;
  const name = `seed-mp-${process.pid}-${Math.random().toString(36).slice(2, 10)}.sock`;
  const address = process.platform === "win32" ? `\\\\.\\pipe\\${name}` : join(tmpdir(), name);
  const s = createServer((socket) => onConnection(socket, handler));
  s.on("error", () => {});
  s.listen(address);
  s.unref();
  if (process.platform !== "win32") {
    process.on("exit", () => {
      try {
        unlinkSync(address);
      } catch {
        // already gone
      }
    });
  }
  server = { address, server: s };
  return address;
}

/**
 * The helper thread, as plain JavaScript source (a function's own source text
 * would carry transpiler helpers, such as tsx's `__name`, that don't exist in
 * the worker). It moves requests from the shared buffer to the socket and
 * replies back; any failure becomes a reply that makes the caller throw.
 */
const HELPER = `let failed = () => {};
(async () => {
  const { workerData } = await import("node:worker_threads");
  const net = await import("node:net");
  const v8 = await import("node:v8");
  const { Buffer } = await import("node:buffer");
  const { sab, address } = workerData;
  const ctl = new Int32Array(sab, 0, 2);
  const data = new Uint8Array(sab, 8);
  failed = () => {
    Atomics.store(ctl, 0, 3);
    Atomics.notify(ctl, 0);
  };
  const answer = (bytes) => {
    if (bytes.length > data.length) bytes = v8.serialize({ ok: false, tooLarge: bytes.length });
    data.set(bytes);
    Atomics.store(ctl, 1, bytes.length);
    Atomics.store(ctl, 0, 2);
    Atomics.notify(ctl, 0);
  };
  let socket;
  let broken;
  // One request at a time: "waiting" while a wait for the state to change is
  // pending, "inFlight" from sending a request until its reply is written, so
  // a request is never sent twice.
  let waiting = false;
  let inFlight = false;
  const next = () => {
    if (waiting || inFlight) return;
    const state = Atomics.load(ctl, 0);
    if (state === 1) {
      if (broken !== undefined) {
        answer(v8.serialize({ ok: false, channel: broken }));
        return next();
      }
      if (socket === undefined) return; // "connect" calls next()
      const size = Atomics.load(ctl, 1);
      const head = Buffer.alloc(4);
      head.writeUInt32LE(size, 0);
      inFlight = true;
      socket.write(Buffer.concat([head, Buffer.from(data.slice(0, size))]));
      return;
    }
    waiting = true;
    const wait = Atomics.waitAsync(ctl, 0, state);
    const go = () => {
      waiting = false;
      next();
    };
    if (wait.async) wait.value.then(go);
    else go();
  };
  let pending = Buffer.alloc(0);
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
    s.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readUInt32LE(0);
        if (pending.length < 4 + size) break;
        const reply = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        if (!inFlight) continue; // never happens: one reply per request
        inFlight = false;
        answer(reply);
        next();
      }
    });
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

let client: { address: string; ctl: Int32Array; data: Uint8Array } | undefined;

function startClient(address: string): { ctl: Int32Array; data: Uint8Array } {
  if (client !== undefined && client.address === address) return client;
  const sab = new SharedArrayBuffer(8 + CAPACITY);
  const worker = new Worker(HELPER, {
    eval: true,
    workerData: { sab, address },
  });
  worker.unref();
  worker.on("error", () => {});
  client = { address, ctl: new Int32Array(sab, 0, 2), data: new Uint8Array(sab, 8) };
  return client;
}

/**
 * Child side: send `request` to the parent listening at `address` and block
 * until the reply arrives.
 *
 * @param address From the parent's `syncChannelAddress()`.
 * @param request A structured-clonable request.
 * @returns The parent's reply.
 * @throws {Error} When the request or reply is too large, or the channel failed.
 * @example
 * ```ts ignore
 * const reply = callSync(address, { target: "Lock:1:1", method: "locked", args: [] });
 * ```
 */
export function callSync(address: string, request: unknown): unknown {
  const { ctl, data } = startClient(address);
  const bytes = v8.serialize(request);
  if (bytes.length > data.length) {
    throw new RangeError(
      `Cannot send a synchronous request of ${bytes.length} bytes to the parent process ` +
        `(at most ${data.length}); use the async form`,
    );
  }
  data.set(bytes);
  Atomics.store(ctl, LENGTH, bytes.length);
  Atomics.store(ctl, STATE, REQUEST);
  Atomics.notify(ctl, STATE);
  while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
  if (Atomics.load(ctl, STATE) === HELPER_FAILED) {
    client = undefined;
    throw new Error("Cannot call the parent process: the channel's helper thread failed to start");
  }
  const reply = v8.deserialize(data.slice(0, Atomics.load(ctl, LENGTH))) as {
    channel?: string;
    tooLarge?: number;
  };
  Atomics.store(ctl, STATE, IDLE);
  Atomics.notify(ctl, STATE);
  if (reply.channel !== undefined) {
    throw new Error(`Cannot call the parent process: ${reply.channel}`);
  }
  if (reply.tooLarge !== undefined) {
    throw new RangeError(
      `Cannot receive a synchronous reply of ${reply.tooLarge} bytes from the parent process ` +
        `(at most ${CAPACITY}); use the async form`,
    );
  }
  return reply;
}
