/**
 * Process adapter: child processes through `node:child_process.fork`, which
 * Deno, Bun and Node all provide, with `serialization: "advanced"` (structured
 * clone semantics on the IPC channel).
 *
 * The child runs the worker entry under the same runtime as the parent: Node
 * forks Node (adding tsx's loader for a `.ts` entry when Node cannot strip
 * types), Deno forks `deno run` with the parent's permissions,
 * Bun forks Bun. `workerData` travels as the first IPC message; the child's
 * side is `child_port.ts`. In a bundle or a compiled binary the child runs
 * the bundle (or binary) itself, told by an environment variable that it is
 * a worker (see `self_host.ts`).
 *
 * Deno's `fork()` alone runs `deno run -A ...`: children would get all
 * permissions, whatever the parent's. It is given an `execArgv` that starts
 * with `run` (taken as Deno's own arguments) carrying the parent's
 * permissions instead (see `deno_permissions.ts`).
 *
 * Runtime differences handled here:
 * - Deno's `send()` does not throw for a value that cannot be cloned (and a
 *   failed send breaks its IPC channel), so messages are checked with
 *   `v8.serialize()` first.
 * - Deno's IPC reader throws an uncaught `UnexpectedEof` when a child dies in
 *   the middle of a message; that is swallowed (the exit is reported anyway).
 * - Deno emits no `"close"` for a child that died in the middle of a message,
 *   so `"exit"` reports it after a short grace period.
 * - Bun may emit `"exit"` before the last messages; exits are reported on
 *   `"close"`, after the channel has delivered everything.
 * - Under `node --test` the parent's `execArgv` holds test-runner flags, so
 *   only loaders (`--import`, ...) and a few harmless flags are passed on.
 *
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as v8 from "node:v8";
import type {
  Backend,
  ExitInfo,
  ResourceLimits,
  RuntimeName,
  SpawnOptions,
  Transfer,
  WorkerHandle,
} from "./types.ts";
import { denoChildExecArgv } from "./deno_permissions.ts";
import { jsonBatchesOn } from "./ipc_batches.ts";
import { childEnded, childStarted } from "./child_exits.ts";
import { SELF_HOST_ENV, selfHostMarker } from "./self_host.ts";
import { selfHostedScript } from "./worker_url.ts";

/** Marks the first IPC message: it carries `workerData`. */
export const INIT_KEY = "__seedMpInit";

/** How long after "exit" a missing "close" is given up on (ms). */
const CLOSE_GRACE_MS = 500;

/** Children alive now; signalled when the parent exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
let denoGuardInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
    }
  });
}

function installDenoGuard(): void {
  if (denoGuardInstalled) return;
  denoGuardInstalled = true;
  const target = globalThis as {
    addEventListener?: (type: string, fn: (e: Event) => void) => void;
  };
  target.addEventListener?.("error", (event) => {
    const error = (event as ErrorEvent).error as { name?: string; message?: string } | undefined;
    if (error?.name === "UnexpectedEof" && /ipc/i.test(error.message ?? "")) {
      event.preventDefault();
    }
  });
}

/** Flags of the parent that are safe and useful to pass on to a Node child. */
const PASS_FLAGS = [
  /^--max-old-space-size=/,
  /^--max-semi-space-size=/,
  /^--stack-size=/,
  /^--expose[-_]gc$/,
  /^--enable-source-maps$/,
  /^--no-warnings$/,
  /^--conditions=/,
  /^--experimental-strip-types$/,
  /^--experimental-transform-types$/,
  /^--no-experimental-strip-types$/,
];

let tsxLoader: string | undefined;

function resolveTsx(): string {
  if (tsxLoader !== undefined) return tsxLoader;
  const attempts = [
    () => import.meta.resolve("tsx"),
    () => createRequire(`${process.cwd()}/`).resolve("tsx"),
  ];
  for (const attempt of attempts) {
    try {
      const found = attempt();
      tsxLoader = found.startsWith("file:") ? found : pathToFileURL(found).href;
      return tsxLoader;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    "Cannot start a child process for a .ts worker entry: this Node cannot strip types and " +
      "'tsx' could not be found (install it, or run the npm build)",
  );
}

/** Flags whose value follows (`--import x` or `--import=x`): loaders the child needs too. */
const PASS_VALUE_FLAGS = new Set([
  "--import",
  "--loader",
  "--experimental-loader",
  "--require",
  "-r",
]);

/** The V8 flag that caps a child's heap, when `resourceLimits` asks for one. */
function heapFlag(limits: ResourceLimits | undefined): string | undefined {
  const mb = limits?.maxOldGenerationSizeMb;
  return mb === undefined ? undefined : `--max-old-space-size=${mb}`;
}

function nodeExecArgv(url: URL, limits: ResourceLimits | undefined): string[] {
  const args: string[] = [];
  const parent = process.execArgv;
  const heap = heapFlag(limits);
  for (let i = 0; i < parent.length; i++) {
    const flag = parent[i];
    const name = flag.split("=", 1)[0];
    if (PASS_VALUE_FLAGS.has(name)) {
      const value = flag.includes("=") ? flag.slice(name.length + 1) : parent[++i];
      // A bare "tsx" resolves from the cwd, which may have changed: pin it.
      if (value !== undefined) args.push(name, value === "tsx" ? resolveTsx() : value);
    } else if (heap !== undefined && name === "--max-old-space-size") {
      // the pool's own cap replaces the parent's
    } else if (PASS_FLAGS.some((re) => re.test(flag))) {
      args.push(flag);
    }
  }
  if (heap !== undefined) args.push(heap);
  const features = process.features as { typescript?: string | false };
  const hasTsx = args.some((arg) => /(^|[/\\=])tsx([/\\]|$)/.test(arg) || arg === "tsx");
  if (url.pathname.endsWith(".ts") && !features.typescript && !hasTsx) {
    args.push("--import", resolveTsx());
  }
  return args;
}

/**
 * `fork()`'s `execArgv` for a child: Node gets the parent's loaders and safe flags; Deno gets
 * the parent's permissions and, for a heap cap, `--v8-flags=` (with permission flags present,
 * its `fork()` passes `execArgv` to `deno run` as it is); Bun has no heap cap and keeps its defaults.
 */
function execArgvFor(runtime: RuntimeName, options: SpawnOptions): { execArgv?: string[] } {
  if (runtime === "node") return { execArgv: nodeExecArgv(options.url, options.resourceLimits) };
  if (runtime !== "deno") return {};
  // The parent's permissions, no wider (deno_permissions.ts), and the heap cap.
  const heap = heapFlag(options.resourceLimits);
  const v8 = heap === undefined ? [] : [`--v8-flags=${heap}`];
  return { execArgv: [...denoChildExecArgv(options.url), ...v8] };
}

/**
 * Close the parent's end of an exited child's IPC channel. Node and Bun close
 * it by themselves; Deno leaves it open (and referenced, so the program never
 * exits) after a child died in the middle of a message.
 */
function closeChannel(child: ChildProcess): void {
  if (!child.connected) return;
  try {
    child.disconnect();
  } catch {
    // already closing
  }
}

class ChildProcessHandle implements WorkerHandle {
  readonly #child: ChildProcess;
  readonly #checkClone: boolean;
  #onMessage: (message: unknown) => void = () => {};
  #onExit: (info: ExitInfo) => void = () => {};
  #exit: ExitInfo | undefined;
  #exited: Promise<void>;

  constructor(runtime: RuntimeName, options: SpawnOptions) {
    this.#checkClone = runtime === "deno";
    const init = { [INIT_KEY]: true, workerData: options.workerData };
    v8.serialize(init); // throws here, before any child exists, when it can't be cloned
    const env: Record<string, string | undefined> = { ...process.env, SEED_MP_CHILD: "1" };
    const hosted = selfHostedScript(options.url);
    if (hosted !== undefined) env[SELF_HOST_ENV] = selfHostMarker(options.workerData);
    const script = hosted ?? options.url;
    this.#child = fork(fileURLToPath(script), [], {
      serialization: "advanced",
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...execArgvFor(runtime, { ...options, url: script }),
    });
    const child = this.#child;
    live.add(child);
    if (child.pid !== undefined) childStarted(child.pid);
    let settle!: () => void;
    this.#exited = new Promise((resolve) => (settle = resolve));
    const finish = (info: ExitInfo) => {
      if (this.#exit !== undefined) return;
      this.#exit = info;
      live.delete(child);
      closeChannel(child);
      try {
        this.#onExit(info);
      } finally {
        if (child.pid !== undefined) childEnded(child.pid);
        settle();
      }
    };
    child.on("message", (message) => this.#onMessage(message));
    // "close" comes after the IPC channel has delivered its last message
    // ("exit" may come before it on Bun).
    const report = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(signal === null ? { code: code ?? 1 } : { code: null, signal });
    child.on("close", report);
    // Deno never emits "close" after a child died in the middle of a message;
    // "exit" then has to do.
    child.on("exit", (code, signal) => {
      if (this.#exit !== undefined) return;
      const timer = setTimeout(() => report(code, signal), CLOSE_GRACE_MS);
      child.once("close", () => clearTimeout(timer));
    });
    child.on("error", (error) => {
      // A spawn failure never gets an "exit"; later errors (a send to a closed
      // channel) are followed by "exit" and need nothing here.
      if (child.pid === undefined) finish({ code: 1, error });
    });
    this.#child.send(init as never, () => {});
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #send(message: unknown): void {
    if (this.#checkClone) v8.serialize(message);
    // With a callback, a send to a dead child reports there instead of
    // raising an "error" event; its exit is reported through onExit.
    this.#child.send(message as never, () => {});
  }

  post(message: unknown, _transfer?: Transfer[]): void {
    if (this.#exit !== undefined || !this.#child.connected) return;
    this.#send(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#onMessage = listener;
  }
  onExit(listener: (info: ExitInfo) => void): void {
    this.#onExit = listener;
    if (this.#exit !== undefined) listener(this.#exit);
  }
  terminate(): Promise<void> {
    return this.#signal("SIGTERM");
  }
  kill(): Promise<void> {
    return this.#signal("SIGKILL");
  }
  interrupt(): Promise<void> {
    return this.#signal("SIGINT");
  }
  #signal(signal: "SIGTERM" | "SIGKILL" | "SIGINT"): Promise<void> {
    if (this.#exit === undefined) {
      // Whoever waits for the exit must be kept alive until it is reported.
      this.ref(true);
      try {
        this.#child.kill(signal);
      } catch {
        // already gone; "exit" follows
      }
    }
    return this.#exited;
  }
  ref(on: boolean): void {
    const channel = this.#child.channel as { ref?(): void; unref?(): void } | null | undefined;
    if (on) {
      this.#child.ref();
      channel?.ref?.();
    } else {
      this.#child.unref();
      channel?.unref?.();
    }
  }
}

/**
 * The child-process backend for `runtime` (the runtime running this code).
 *
 * @param runtime The current runtime; children run under the same one.
 * @returns A process-context backend.
 * @example
 * ```ts ignore
 * import { createChildProcessBackend } from "./child_process.ts";
 * const backend = createChildProcessBackend("node");
 * const worker = backend.spawn({ url: workerEntryUrl(), workerData });
 * ```
 */
export function createChildProcessBackend(runtime: RuntimeName): Backend {
  installExitHook();
  if (runtime === "deno") installDenoGuard();
  return {
    runtime,
    context: "process",
    sharesMemory: false,
    jsonBatches: jsonBatchesOn(runtime),
    spawn: (options) => new ChildProcessHandle(runtime, options),
  };
}
