/**
 * A user's first `map` on a fresh pool, against CPython and a sweep of fixed chunksizes, on
 * the runtime that runs this script (the `first_map` suite of `npm run bench`, with flags).
 *
 * ```sh
 * node bench/first_map.ts                       # 1e3..1e7 items, thread context, Pool(2)
 * node bench/first_map.ts --quick               # stops at 1e6
 * node bench/first_map.ts --sizes 1000,10000 --processes 2,4 --context thread,process
 * deno run -A bench/first_map.ts --quick --no-sweep
 * bun bench/first_map.ts --rounds 9 --limit 5
 * ```
 *
 * Flags: `--sizes` (comma list), `--quick`, `--processes` (comma list, default 2),
 * `--context` (comma list, default thread), `--rounds` (default 5, at least 5 for the
 * report), `--limit` (seconds per measurement, default 10), `--no-sweep` / `--short-sweep`,
 * `--no-python`, `--entry dist` (Node: the built package), `--outdir` (default
 * bench/results), `--compare DIR` (also measures the `mod.ts` of another checkout, e.g. the
 * code before a change, interleaved). Prints the markdown table and writes
 * `first_map.<runtime>.json` there.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMain, machineInfo, parseFlags, progress, scriptArgs } from "./_env.ts";
import { closeProblems, type Context, loadPool, type PoolCtor } from "./_pool.ts";
import type { Row, SuiteResult } from "./_suite.ts";
import { firstMapSection } from "./_report_first.ts";
import { findPython } from "./peers/cpython.ts";
import { measureFirstMap } from "./suites/first_map.ts";

const FULL_SIZES = [1e3, 1e4, 1e5, 1e6, 1e7];

/**
 * Parses a comma list of positive integers (`1e4` allowed).
 *
 * @param text The flag's value.
 * @param name The flag, for the message.
 * @returns The numbers.
 * @throws {RangeError} When one is not a positive integer.
 * @example
 * ```ts
 * import { intList } from "./first_map.ts";
 * console.log(intList("1e3,20", "sizes")); // [1000, 20]
 * ```
 */
export function intList(text: string, name: string): number[] {
  return text.split(",").filter(Boolean).map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`--${name}: '${t}' is not a positive integer`);
    }
    return n;
  });
}

if (isMain(import.meta)) {
  const flags = parseFlags(scriptArgs());
  const str = (v: string | true | undefined): string | undefined =>
    typeof v === "string" ? v : undefined;
  const sizes = str(flags.sizes) !== undefined
    ? intList(str(flags.sizes)!, "sizes")
    : flags.quick
    ? FULL_SIZES.slice(0, 4)
    : FULL_SIZES;
  const counts = intList(str(flags.processes) ?? "2", "processes");
  const contexts = (str(flags.context) ?? "thread").split(",") as Context[];
  const rounds = intList(str(flags.rounds) ?? "5", "rounds")[0];
  const limitMs = Number(str(flags.limit) ?? "10") * 1000;
  const entry = flags.entry === "dist" ? "dist" : "source";
  const { Pool, reason } = await loadPool(entry);
  if (!Pool) throw new Error(`our Pool: ${reason}`);
  const python = flags["no-python"] ? null : findPython();
  const compareDir = str(flags.compare);
  let compare: { label: string; Pool: PoolCtor } | undefined;
  if (compareDir !== undefined) {
    const href = pathToFileURL(join(compareDir, "mod.ts")).href;
    const mod = await import(href) as { Pool: PoolCtor };
    compare = { label: compareDir, Pool: mod.Pool };
  }
  const machine = machineInfo();
  const notes: string[] = python ? [] : ["CPython skipped (no python3, or --no-python)"];
  if (entry === "dist") notes.push("our Pool: the built npm package (dist/mod.js, JavaScript)");
  const rows: Row[] = [];
  const startedAt = new Date().toISOString();
  for (const context of contexts) {
    for (const processes of counts) {
      rows.push(
        ...await measureFirstMap({
          Pool,
          context,
          processes,
          sizes,
          rounds,
          limitMs,
          python: python?.exe ?? null,
          sweep: flags["no-sweep"] ? "none" : flags["short-sweep"] ? "short" : "full",
          notes,
          compare,
          progress: (detail) => progress("first_map", machine.runtime, `P=${processes} ${detail}`),
        }),
      );
    }
  }
  notes.push(...closeProblems);
  const result: SuiteResult = {
    suite: "first_map",
    scale: flags.quick ? "quick" : "full",
    machine,
    startedAt,
    finishedAt: new Date().toISOString(),
    contexts,
    rows,
    notes,
  };
  const outDir = str(flags.outdir) ??
    fileURLToPath(new URL("./results", import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `first_map.${machine.runtime}.json`);
  writeFileSync(file, JSON.stringify(result, null, 1) + "\n");
  const md = firstMapSection([result]).md;
  console.log([...md.slice(md.indexOf("") + 1), ...notes.map((n) => `- ${n}`)].join("\n"));
  for (const r of rows.filter((r) => r.metric === "vs_compare" || r.variant.startsWith("auto ("))) {
    const s = r.stats;
    console.log(
      `${r.context} ${r.workload} ${r.variant}: ${s.median.toFixed(3)} (${s.p25.toFixed(3)}–${
        s.p75.toFixed(3)
      }) ${r.unit}`,
    );
  }
  console.log(`\nwrote ${file}`);
  process.exit(0);
}
