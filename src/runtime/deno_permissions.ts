/**
 * The `deno run` permission flags that give a child process the permissions
 * of this Deno process, and no more. (Deno's `child_process.fork()` alone runs
 * children with `-A`, whatever the parent's permissions.)
 *
 * `Deno.permissions.querySync()` tells whether a permission is granted as a
 * whole, or for one given value (a path, host, variable, ...), but not which
 * values a partial grant such as `--allow-read=/data` lists, nor the values of
 * a `--deny-*` flag. So, per permission:
 *
 * - granted as a whole: `--allow-<name>`, plus `--deny-<name>=...` for the
 *   probed values that are denied;
 * - granted for some values only: `--allow-<name>=...` for the probed values
 *   that are granted (the working directory, the temp and home folders, the
 *   worker entry's folder, the Deno binary, every `sys` kind); values the
 *   probes miss are not granted to the child: never wider, possibly narrower;
 * - not granted: nothing (the child runs with `--no-prompt`, so it is denied).
 *
 * When every permission is granted as a whole and no probe is denied, the
 * child gets `-A` (some operations, such as reading `/proc/self`, need all).
 *
 * @module
 */
import { homedir, tmpdir } from "node:os";
import { dirname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The permission names `deno run` has flags for. */
export const PERMISSION_NAMES = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
] as const;

/** A Deno permission name. */
export type PermissionName = typeof PERMISSION_NAMES[number];

/** The field of a permission descriptor that holds the value asked about. */
const VALUE_FIELD: Record<PermissionName, string> = {
  read: "path",
  write: "path",
  ffi: "path",
  net: "host",
  import: "host",
  env: "variable",
  sys: "kind",
  run: "command",
};

/** `sys` kinds, all probed: the list is short and fixed. */
const SYS_KINDS = [
  "hostname",
  "osRelease",
  "osUptime",
  "loadavg",
  "networkInterfaces",
  "systemMemoryInfo",
  "uid",
  "gid",
  "cpus",
  "homedir",
  "statfs",
  "getPriority",
  "setPriority",
  "userInfo",
];

/** The part of `Deno.permissions` used here. */
export interface PermissionQuery {
  querySync(descriptor: { name: string; [field: string]: string }): { state: string };
}

/** Values to ask about for each permission that is only partly granted. */
export type PermissionProbes = Partial<Record<PermissionName, readonly string[]>>;

function stateOf(
  permissions: PermissionQuery,
  name: string,
  field?: string,
  value?: string,
): string {
  try {
    const descriptor = field === undefined ? { name } : { name, [field]: value! };
    return permissions.querySync(descriptor).state;
  } catch {
    // A name this Deno does not know, or a value it cannot parse: not granted.
    return "denied";
  }
}

/** Deno reads `,` as a list separator in a flag's value; a literal comma is doubled. */
function flagValue(values: readonly string[]): string {
  return [...new Set(values)].map((v) => v.replaceAll(",", ",,")).join(",");
}

/**
 * The `deno run` flags that reproduce `permissions` for a child process.
 *
 * @param permissions `Deno.permissions` (or anything with its `querySync`).
 * @param probes Values to ask about where a permission is only partly granted
 *   (`sys` kinds are always probed).
 * @returns Flags such as `["--allow-read", "--allow-env", "--no-prompt"]`, or `["-A"]`.
 * @example
 * ```ts
 * import { denoPermissionFlags } from "./deno_permissions.ts";
 * const granted = new Set(["read", "env"]);
 * const flags = denoPermissionFlags({
 *   querySync: (d) => ({ state: granted.has(d.name) && !d.path ? "granted" : "prompt" }),
 * }, {});
 * console.log(flags); // ["--allow-read", "--allow-env", "--no-prompt"]
 * ```
 */
export function denoPermissionFlags(
  permissions: PermissionQuery,
  probes: PermissionProbes,
): string[] {
  const flags: string[] = [];
  let everything = true;
  for (const name of PERMISSION_NAMES) {
    const field = VALUE_FIELD[name];
    const values = name === "sys" ? [...SYS_KINDS, ...(probes.sys ?? [])] : probes[name] ?? [];
    if (stateOf(permissions, name) === "granted") {
      flags.push(`--allow-${name}`);
      const denied = values.filter((v) => stateOf(permissions, name, field, v) === "denied");
      if (denied.length > 0) {
        everything = false;
        flags.push(`--deny-${name}=${flagValue(denied)}`);
      }
      continue;
    }
    everything = false;
    const granted = values.filter((v) => stateOf(permissions, name, field, v) === "granted");
    if (granted.length > 0) flags.push(`--allow-${name}=${flagValue(granted)}`);
  }
  return everything ? ["-A"] : [...flags, "--no-prompt"];
}

function attempt(get: () => string): string[] {
  try {
    const value = get();
    return value === "" ? [] : [value];
  } catch {
    // not allowed to ask (e.g. no env permission for the home folder): not probed
    return [];
  }
}

/**
 * The `execArgv` for Deno's `fork()` of a worker entry: `run`, this process's
 * permissions (see `denoPermissionFlags`) and the flags Deno's own `fork()`
 * adds for Node code.
 *
 * @param entry The worker entry the child runs.
 * @returns Arguments for `fork(..., { execArgv })`.
 * @example
 * ```ts ignore
 * fork(fileURLToPath(entry), [], { execArgv: denoChildExecArgv(entry) });
 * ```
 */
export function denoChildExecArgv(entry: URL): string[] {
  const deno = (globalThis as { Deno?: { permissions: PermissionQuery } }).Deno!;
  const paths = [
    ...attempt(() => process.cwd()),
    ...attempt(() => (entry.protocol === "file:" ? dirname(fileURLToPath(entry)) : "")),
    ...attempt(() => tmpdir()),
    ...attempt(() => homedir()),
  ];
  const remote = entry.protocol === "https:" || entry.protocol === "http:";
  const flags = denoPermissionFlags(deno.permissions, {
    read: paths,
    write: paths,
    ffi: paths,
    run: attempt(() => process.execPath),
    import: remote ? [entry.host.includes(":") ? entry.host : `${entry.host}:443`] : [],
  });
  return ["run", ...flags, "--unstable-bare-node-builtins", "--unstable-detect-cjs"];
}
