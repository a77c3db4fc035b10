import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { getBackend } from "../../src/runtime/backend.ts";

const JS_ENTRY = new URL("../fixtures/ts_import_entry.mjs", import.meta.url);

describe("thread adapter: the parent's TypeScript loader reaches worker threads", () => {
  it("a JavaScript worker entry (as in the npm build) can import a .ts module", async () => {
    // On Node 20 under tsx, workers do not inherit the main thread's loader: the adapter
    // registers tsx in the worker itself. Elsewhere the runtime loads .ts on its own.
    const backend = await getBackend("thread");
    const handle = backend.spawn({ url: JS_ENTRY, name: "ts-import", workerData: null });
    try {
      const message = await new Promise<unknown>((resolve, reject) => {
        handle.onMessage(resolve);
        handle.onExit((info) => reject(new Error(`worker ended first: ${JSON.stringify(info)}`)));
      });
      assert.deepEqual(message, { result: 1001 });
    } finally {
      await handle.terminate();
    }
  });
});
