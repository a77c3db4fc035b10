/**
 * The self-hosted worker plumbing, seen from a program run from the library's own files: the
 * worker URL is the entry module, no marker is found, and the helpers that mark and unmark a
 * bundle's URL agree. (Bundles and binaries themselves are built and run in tests/bundle/.)
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { selfHostedScript, workerEntryUrl } from "../../src/runtime/worker_url.ts";
import { selfHostBootstrap, selfHostMarker, selfHostStart } from "../../src/runtime/self_host.ts";
import { hostedIdentity } from "../../src/worker/hosted.ts";
import { isMainProcess } from "../../mod.ts";

describe("self-hosted workers, from the library's files", () => {
  it("workerEntryUrl() is the worker entry module, not a self-hosted bundle", () => {
    const url = workerEntryUrl();
    assert.match(url.pathname, /\/src\/worker\/entry\.ts$/);
    assert.equal(selfHostedScript(url), undefined);
  });

  it("the main program finds no marker and stays the main process", () => {
    assert.equal(selfHostStart(), undefined);
    assert.equal(hostedIdentity(), undefined);
    assert.equal(isMainProcess(), true);
  });

  it("selfHostedScript() strips the marker from a marked URL only", () => {
    const marked = new URL("file:///app/main.js#seed-mp-self-host");
    assert.equal(selfHostedScript(marked)?.href, "file:///app/main.js");
    assert.equal(selfHostedScript(new URL("file:///app/main.js#other")), undefined);
  });

  it("the marker carries the worker's role and name", () => {
    assert.deepEqual(JSON.parse(selfHostMarker({ role: "process", name: "Process-3" })), {
      role: "process",
      name: "Process-3",
    });
    assert.deepEqual(JSON.parse(selfHostMarker({ role: "pool", name: "ForkPoolWorker-1" })), {
      role: "pool",
      name: "ForkPoolWorker-1",
    });
    const code = selfHostBootstrap(new URL("file:///app/main.js"), { role: "pool", name: "W-1" });
    assert.match(code, /import\("file:\/\/\/app\/main\.js"\)/);
    assert.match(code, /"name":"W-1"/);
  });
});
