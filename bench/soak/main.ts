/**
 * The fault soak driver (`npm run soak`): runs `child.ts` on each runtime in
 * each context, one at a time, each as a program of its own, prints a markdown
 * table and writes it with a JSON of everything (`bench/results/soak.md`,
 * `soak.json`; `bench/results/quick/` for smaller scales). Exits non-zero when
 * any soak hung, lost a healthy task, ran a task twice (with no external kill on
 * its workers), settled a result twice, failed a faulting task the wrong way,
 * left a worker or child process behind, or did not exit by itself.
 *
 * ```sh
 * npm run soak                                   # deno, bun, node24; both contexts; full scale
 * npm run soak -- --quick                        # smaller (also --scale=tiny|quick|full)
 * npm run soak -- --runtimes=node24,node20 --contexts=process --seed=7
 * ```
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { machineInfo, parseFlags, scriptArgs } from "../_env.ts";
import { markdown, type SoakRow, verdict } from "./_report.ts";
import { runSoakProgram, SOAK_RUNTIMES, type SoakRuntime } from "./_spawn.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCALE_NAMES = ["tiny", "quick", "full"];
/** Upper bound on one soak program (ms), by scale: far above what a healthy run takes. */
const LIMIT_MS: Record<string, number> = { tiny: 150_000, quick: 180_000, full: 300_000 };
/** How long a soak program may take to exit after its report (ms). */
const EXIT_GRACE_MS = 20_000;

function list(value: string | true | undefined, fallback: string[]): string[] {
  return typeof value === "string"
    ? value.split(",").map((s) => s.trim()).filter(Boolean)
    : fallback;
}

function usage(message: string): never {
  console.error(`soak: ${message}`);
  console.error(
    "usage: node bench/soak/main.ts [--quick | --scale=tiny|quick|full] " +
      "[--runtimes=deno,bun,node24,node20] [--contexts=thread,process] [--seed=N] [--out=dir]",
  );
  process.exit(2);
}

const flags = parseFlags(scriptArgs());
const scale = flags.quick === true ? "quick" : String(flags.scale ?? "full");
if (!SCALE_NAMES.includes(scale)) usage(`unknown scale ${scale}`);
const runtimes = list(flags.runtimes, ["deno", "bun", "node24"]).map((r) =>
  r === "node" ? "node24" : r
);
for (const r of runtimes) {
  if (!(SOAK_RUNTIMES as readonly string[]).includes(r)) usage(`unknown runtime ${r}`);
}
const contexts = list(flags.contexts, ["thread", "process"]);
for (const c of contexts) if (c !== "thread" && c !== "process") usage(`unknown context ${c}`);
const outDir = typeof flags.out === "string"
  ? flags.out
  : join(ROOT, "bench", "results", ...(scale === "full" ? [] : ["quick"]));
const extra = [
  ...(flags.seed === undefined ? [] : [`--seed=${flags.seed}`]),
  ...(flags.deadline === undefined ? [] : [`--deadline=${flags.deadline}`]),
];

const rows: SoakRow[] = [];
const started = Date.now();
for (const runtime of runtimes) {
  for (const context of contexts) {
    console.log(`soak: ${runtime} ${context} (${scale}) ...`);
    const result = await runSoakProgram(
      runtime as SoakRuntime,
      [`--context=${context}`, `--scale=${scale}`, `--dir=${join(ROOT, ".tmp", "soak")}`, ...extra],
      { limitMs: LIMIT_MS[scale], exitGraceMs: EXIT_GRACE_MS },
    );
    const problems = verdict(result);
    const r = result.report;
    console.log(
      `soak: ${runtime} ${context}: ${
        r ? `${r.tasks} tasks, ${r.faultsTotal} faults` : "no report"
      }` +
        `, ${(result.ms / 1000).toFixed(0)} s: ${
          problems.length === 0 ? "ok" : problems.join("; ")
        }`,
    );
    if (r === undefined) console.log(result.stderrTail);
    rows.push({ runtime, context, result });
  }
}

const failed = rows.filter((row) => verdict(row.result).length > 0);
const faults = rows.reduce((n, row) => n + (row.result.report?.faultsTotal ?? 0), 0);
const tasks = rows.reduce((n, row) => n + (row.result.report?.tasks ?? 0), 0);
const table = markdown(rows);
const summary = `${faults} faults among ${tasks} tasks in ${rows.length} soaks, ` +
  `${((Date.now() - started) / 1000).toFixed(0)} s; ` +
  (failed.length === 0 ? "all passed" : `${failed.length} failed`);
const md = `# Fault soak (${scale})\n\n${summary}\n\n${table}\n`;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "soak.md"), md);
writeFileSync(
  join(outDir, "soak.json"),
  JSON.stringify({ scale, machine: machineInfo(), summary, faults, tasks, rows }, null, 2) + "\n",
);
console.log(`\n${md}\nwritten: ${join(outDir, "soak.md")}, soak.json`);
process.exitCode = failed.length === 0 ? 0 : 1;
