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
 * serialised bytes (both ends run the same runtime). Requests and replies of
 * any size work: the shared buffer holds 1 MiB, and what does not fit crosses
 * it in pieces (see `sync_helper.ts`), so small ones take one hand-over.
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
import {
  HEADER_BYTES,
  HELPER_FAILED,
  HELPER_SOURCE,
  IDLE,
  LENGTH,
  NEXT,
  REPLY,
  REQUEST,
  STATE,
  TAKEN,
  TOTAL,
} from "./sync_helper.ts";

/** Size of the shared data area: larger requests and replies cross it in pieces. */
const CAPACITY = 1 << 20;

/** Serves one request; resolves the reply. */
export type SyncHandler = (request: unknown) => Promise<unknown>;

let server: { address: string; server: Server } | undefined;

function frame(value: unknown): Buffer {
  const body = v8.serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

/**
 * Splits a byte stream into frames, joining each frame's chunks once, when it
 * is complete (joining at every chunk would be quadratic for large frames).
 */
function frameReader(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let chunks: Buffer[] = [];
  let have = 0;
  let need = -1;
  return (chunk) => {
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
      const rest = all.subarray(need);
      chunks = rest.length > 0 ? [rest] : [];
      have = rest.length;
      const size = need;
      need = -1;
      onFrame(all.subarray(0, size));
    }
  };
}

function onConnection(socket: Socket, handler: SyncHandler): void {
  socket.on("error", () => {});
  socket.on(
    "data",
    frameReader((bytes) => {
      handler(v8.deserialize(bytes)).then(
        (reply) => socket.write(frame(reply)),
        () => socket.destroy(),
      );
    }),
  );
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

let client: { address: string; ctl: Int32Array; data: Uint8Array } | undefined;

function startClient(address: string): { ctl: Int32Array; data: Uint8Array } {
  if (client !== undefined && client.address === address) return client;
  const sab = new SharedArrayBuffer(HEADER_BYTES + CAPACITY);
  const worker = new Worker(HELPER_SOURCE, {
    eval: true,
    workerData: { sab, address },
  });
  worker.unref();
  worker.on("error", () => {});
  client = { address, ctl: new Int32Array(sab, 0, 3), data: new Uint8Array(sab, HEADER_BYTES) };
  return client;
}

/** Hand `bytes` to the helper, in pieces when they don't fit; returns the state after. */
function writeRequest(ctl: Int32Array, data: Uint8Array, bytes: Uint8Array): number {
  let sent = 0;
  for (;;) {
    const size = Math.min(data.length, bytes.length - sent);
    data.set(sent === 0 && size === bytes.length ? bytes : bytes.subarray(sent, sent + size));
    sent += size;
    Atomics.store(ctl, LENGTH, size);
    Atomics.store(ctl, TOTAL, bytes.length);
    Atomics.store(ctl, STATE, REQUEST);
    Atomics.notify(ctl, STATE);
    while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
    const state = Atomics.load(ctl, STATE);
    // TAKEN: the helper wants the next piece; anything else ends the request
    // (a reply, perhaps an early failure, or a helper that failed).
    if (state !== TAKEN || sent >= bytes.length) return state;
  }
}

/** Take the reply from the helper, piece by piece when it did not fit. */
function readReply(ctl: Int32Array, data: Uint8Array): Uint8Array {
  const total = Atomics.load(ctl, TOTAL);
  let size = Atomics.load(ctl, LENGTH);
  if (size >= total) return data.slice(0, size);
  const out = new Uint8Array(total);
  let got = 0;
  for (;;) {
    out.set(data.subarray(0, size), got);
    got += size;
    if (got >= total) return out;
    Atomics.store(ctl, STATE, NEXT);
    Atomics.notify(ctl, STATE);
    while (Atomics.load(ctl, STATE) === NEXT) Atomics.wait(ctl, STATE, NEXT);
    if (Atomics.load(ctl, STATE) !== REPLY) {
      throw new Error("Cannot call the parent process: the channel's helper thread failed");
    }
    size = Atomics.load(ctl, LENGTH);
  }
}

/**
 * Child side: send `request` to the parent listening at `address` and block
 * until the reply arrives. Requests and replies of any size work.
 *
 * @param address From the parent's `syncChannelAddress()`.
 * @param request A structured-clonable request.
 * @returns The parent's reply.
 * @throws {Error} When the channel failed.
 * @example
 * ```ts ignore
 * const reply = callSync(address, { target: "Lock:1:1", method: "locked", args: [] });
 * ```
 */
export function callSync(address: string, request: unknown): unknown {
  const { ctl, data } = startClient(address);
  const state = writeRequest(ctl, data, v8.serialize(request));
  if (state === HELPER_FAILED) {
    client = undefined;
    throw new Error("Cannot call the parent process: the channel's helper thread failed to start");
  }
  let bytes: Uint8Array;
  try {
    bytes = readReply(ctl, data);
  } catch (error) {
    client = undefined;
    throw error;
  }
  Atomics.store(ctl, STATE, IDLE);
  Atomics.notify(ctl, STATE);
  const reply = v8.deserialize(bytes) as { channel?: string };
  if (reply.channel !== undefined) {
    throw new Error(`Cannot call the parent process: ${reply.channel}`);
  }
  return reply;
}
