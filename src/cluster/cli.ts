/**
 * The `multiprocessing` command: `multiprocessing worker --redis URL --queue NAME
 * --module ./tasks.ts [--module ...] [--processes N] [--context thread|process]
 * [--lock-duration MS] [--stalled-interval MS] [--max-stalled-count N] [--concurrency N]
 * [--prefix P]`
 * starts a worker host ({@link serveCluster}) that runs until SIGTERM or SIGINT,
 * then finishes the chunks it holds and exits.
 *
 * `bin.ts` runs it. Runs the same through `npx @seed/multiprocessing worker ...`, `bunx` and
 * `deno run -A npm:@seed/multiprocessing worker ...` (or this file from source).
 *
 * @module
 */
import process from "node:process";
import { serveCluster, type ServeOptions } from "./host.ts";

const USAGE = "usage: multiprocessing worker --redis redis://host:6379 --queue NAME " +
  "--module ./tasks.ts [--module ...] [--processes N] [--context thread|process] " +
  "[--concurrency N] [--lock-duration MS] [--stalled-interval MS] [--max-stalled-count N] [--prefix PREFIX]";

/**
 * Parse the CLI's arguments.
 *
 * @param argv Arguments after the program (`worker --redis ...`).
 * @returns Options for {@link serveCluster}.
 * @throws {TypeError} On an unknown command or option, or a missing value.
 * @example
 * ```ts
 * import { parseWorkerArgs } from "./cli.ts";
 * const o = parseWorkerArgs(["worker", "--redis", "redis://h", "--queue", "q", "--module", "m.ts"]);
 * console.log(o.queue); // "q"
 * ```
 */
export function parseWorkerArgs(argv: readonly string[]): ServeOptions {
  if (argv[0] !== "worker") throw new TypeError(`unknown command '${argv[0] ?? ""}'\n${USAGE}`);
  const values: Record<string, string[]> = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!arg.startsWith("--") || name === "") throw new TypeError(`unexpected '${arg}'\n${USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new TypeError(`option --${name} needs a value\n${USAGE}`);
    (values[name] ??= []).push(value);
  }
  const one = (name: string): string | undefined => values[name]?.at(-1);
  const int = (name: string): number | undefined =>
    one(name) === undefined ? undefined : Number(one(name));
  const known = [
    "redis",
    "queue",
    "module",
    "processes",
    "context",
    "concurrency",
    "lock-duration",
    "stalled-interval",
    "max-stalled-count",
    "prefix",
  ];
  for (const name of Object.keys(values)) {
    if (!known.includes(name)) throw new TypeError(`unknown option --${name}\n${USAGE}`);
  }
  for (const name of ["redis", "queue", "module"]) {
    if (values[name] === undefined) throw new TypeError(`missing --${name}\n${USAGE}`);
  }
  return {
    redis: one("redis")!,
    queue: one("queue")!,
    module: values.module,
    processes: int("processes"),
    context: one("context") as ServeOptions["context"],
    concurrency: int("concurrency"),
    lockDuration: int("lock-duration"),
    stalledInterval: int("stalled-interval"),
    maxStalledCount: int("max-stalled-count"),
    prefix: one("prefix"),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * Run the command: parse `argv`, start the host, stop it on SIGTERM/SIGINT.
 *
 * @param argv Arguments after the program.
 * @returns Resolves once the host serves (the process then runs until stopped).
 * @example
 * ```ts ignore
 * await runCli(["worker", "--redis", "redis://127.0.0.1:6379", "--queue", "mp", "--module", "./tasks.ts"]);
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  let options: ServeOptions;
  try {
    options = parseWorkerArgs(argv);
  } catch (error) {
    console.error(`multiprocessing: ${(error as Error).message}`);
    process.exit(2);
  }
  const host = await serveCluster(options);
  const stop = (): void => {
    console.log(`multiprocessing worker: stopping (finishing the chunks held)`);
    host.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(
    `multiprocessing worker ${host.id}: serving queue '${options.queue}' on ${
      redact(String(options.redis))
    } with ${host.processes} ${options.context ?? "thread"} worker(s) per module (${
      host.modules.join(", ")
    })`,
  );
}
