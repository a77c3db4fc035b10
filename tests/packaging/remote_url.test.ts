/**
 * The worker entry resolves from a remote module URL, as it does when the library is
 * imported from JSR: a loopback HTTP server serves the source tree, and Deno runs a Pool
 * imported from `http://127.0.0.1:PORT/mod.ts`, so its workers load
 * `http://127.0.0.1:PORT/src/worker/entry.ts`. The test itself runs on every runtime; the
 * program under test always runs on Deno (Deno Workers load remote module URLs).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
const MAIN_PATH = "/__remote_main__.ts";
const RUN_TIMEOUT_MS = 120_000;

/** The program Deno runs from the server: a Pool imported by relative URL from mod.ts. */
const MAIN_PROGRAM = `import { Pool } from "./mod.ts";

const pool = new Pool(2);
try {
  const values = await pool.map((x: number) => x * 10, [1, 2, 3, 4, 5]);
  console.log("RESULT " + JSON.stringify(values));
  console.log("MODULE " + new URL("./mod.ts", import.meta.url).href);
} finally {
  pool.close();
  await pool.join();
}
`;

/** Serves MAIN_PROGRAM, mod.ts and src/**; records every path asked for. */
function startServer(requested: string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    requested.push(path);
    response.setHeader("connection", "close");
    if (path === MAIN_PATH) {
      response.writeHead(200, { "content-type": "application/typescript" });
      response.end(MAIN_PROGRAM);
      return;
    }
    const file = resolve(ROOT, `.${path}`);
    const allowed = path === "/mod.ts" || file.startsWith(join(ROOT, "src") + sep);
    if (!allowed || !file.endsWith(".ts") || !isFile(file)) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": "application/typescript" });
    response.end(readFileSync(file));
  });
  return new Promise((resolvePromise) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolvePromise({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Runs Deno on a remote main module with a private, throw-away module cache. */
function runDeno(
  mainUrl: string,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(DENO, ["run", "-A", "--no-lock", "--quiet", mainUrl], {
      cwd,
      env: { ...process.env, DENO_DIR: join(cwd, "deno_dir"), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Uint8Array) => (stdout += new TextDecoder().decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

describe("worker entry resolution from a remote URL (Deno)", () => {
  const requested: string[] = [];
  let server: { url: string; close: () => Promise<void> } | undefined;
  let cwd = "";
  let result: { code: number | null; stdout: string; stderr: string } | undefined;

  before(async () => {
    cwd = mkdtempSync(join(tmpdir(), "seed-mp-remote-"));
    server = await startServer(requested);
    result = await runDeno(`${server.url}${MAIN_PATH}`, cwd);
  });

  after(async () => {
    await server?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("runs Pool.map imported from http://127.0.0.1/mod.ts", () => {
    assert.ok(result, "deno did not run");
    const hint = /scheme file or data/.test(result.stderr)
      ? "\nhint: Deno's node:worker_threads Worker takes only file: and data: URLs; start a " +
        'remote entry through a data: module, e.g. `data:text/javascript,import "<entry URL>";`'
      : "";
    assert.equal(result.code, 0, `deno exited with ${result.code}:\n${result.stderr}${hint}`);
    assert.match(result.stdout, /^RESULT \[10,20,30,40,50\]$/m);
    assert.match(result.stdout, /^MODULE http:\/\/127\.0\.0\.1:\d+\/mod\.ts$/m);
  });

  it("loads the worker entry over HTTP, next to the module, with its .ts extension", () => {
    assert.ok(requested.includes("/mod.ts"), `requests: ${requested.join(", ")}`);
    assert.ok(requested.includes("/src/worker/entry.ts"), `requests: ${requested.join(", ")}`);
    assert.ok(!requested.some((path) => path.endsWith(".js")), `requests: ${requested.join(", ")}`);
  });
});
