import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { denoPermissionFlags, type PermissionQuery } from "../../src/runtime/deno_permissions.ts";

const SCRIPT = fileURLToPath(new URL("../fixtures/deno_permissions_script.ts", import.meta.url));

/**
 * A stand-in for `Deno.permissions`: `grants` maps a permission name to
 * `true` (granted as a whole) or to the values granted; `denies` to denied values.
 */
function fakePermissions(
  grants: Record<string, true | string[]>,
  denies: Record<string, string[]> = {},
): PermissionQuery {
  return {
    querySync(descriptor) {
      const { name, ...rest } = descriptor;
      const value = Object.values(rest)[0];
      const grant = grants[name];
      if (value === undefined) return { state: grant === true ? "granted" : "prompt" };
      if (denies[name]?.includes(value)) return { state: "denied" };
      if (grant === true || grant?.includes(value)) return { state: "granted" };
      return { state: "prompt" };
    },
  };
}

describe("denoPermissionFlags()", () => {
  it("passes whole grants as --allow-<name>, and nothing for what is not granted", () => {
    const flags = denoPermissionFlags(fakePermissions({ read: true, env: true, run: true }), {});
    assert.deepEqual(flags, ["--allow-read", "--allow-env", "--allow-run", "--no-prompt"]);
  });

  it("gives -A only when every permission is granted and no probe is denied", () => {
    const all = Object.fromEntries(
      ["read", "write", "net", "env", "sys", "run", "ffi", "import"].map((n) => [n, true as const]),
    );
    assert.deepEqual(denoPermissionFlags(fakePermissions(all), { read: ["/tmp"] }), ["-A"]);
    const flags = denoPermissionFlags(fakePermissions(all, { write: ["/etc"] }), {
      write: ["/etc", "/tmp"],
    });
    assert.ok(flags.includes("--allow-write") && flags.includes("--deny-write=/etc"), `${flags}`);
    assert.ok(!flags.includes("-A"));
  });

  it("narrows a partial grant to the probed values it covers, never wider", () => {
    const flags = denoPermissionFlags(
      fakePermissions({ read: ["/work", "/a,b"], sys: ["cpus", "hostname"] }),
      { read: ["/work", "/home", "/a,b"], write: ["/work"] },
    );
    assert.deepEqual(flags, [
      "--allow-read=/work,/a,,b",
      "--allow-sys=hostname,cpus",
      "--no-prompt",
    ]);
  });

  it("treats a permission the runtime does not know as not granted", () => {
    const flags = denoPermissionFlags({
      querySync: (d) => {
        if (d.name === "import") throw new TypeError("unknown permission");
        return { state: d.name === "net" && Object.keys(d).length === 1 ? "granted" : "prompt" };
      },
    }, {});
    assert.deepEqual(flags, ["--allow-net", "--no-prompt"]);
  });
});

const onDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;

/** Run the fixture under this Deno with `flags`; its output. */
function runDeno(flags: readonly string[], file: string): Promise<string> {
  const child = spawn(process.execPath, ["run", ...flags, SCRIPT, file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve) => {
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

// The process context on Deno only: Node and Bun have no permission model to keep.
if (onDeno) {
  describe("Deno process context: children get the parent's permissions, no more", () => {
    it("a parent run with --allow-read --allow-env --allow-run: its worker cannot write", async () => {
      const dir = mkdtempSync(join(tmpdir(), "seed-mp-perm-"));
      try {
        const file = join(dir, "written.txt");
        const out = await runDeno(["--allow-read", "--allow-env", "--allow-run"], file);
        assert.match(out, /RESULT refused NotCapable: Requires write access/);
        assert.equal(existsSync(file), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a parent run with -A: its worker writes", async () => {
      const dir = mkdtempSync(join(tmpdir(), "seed-mp-perm-"));
      try {
        const file = join(dir, "written.txt");
        const out = await runDeno(["-A"], file);
        assert.match(out, /RESULT wrote/);
        assert.equal(existsSync(file), true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
