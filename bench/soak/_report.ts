/**
 * The soak's verdict and tables: what must be 0 (issue 10's "Done means"), and
 * the markdown the driver prints and writes.
 *
 * @module
 */
import { PHASE_FAULTS, TASK_FAULTS } from "./_kinds.ts";
import type { ProgramResult } from "./_spawn.ts";

/** One runtime and context, and how its soak program went. */
export interface SoakRow {
  /** `deno`, `bun`, `node24`, `node20`, or the current runtime's name. */
  readonly runtime: string;
  readonly context: string;
  readonly result: ProgramResult;
}

/**
 * Everything wrong with one soak (empty: it passed): a hang, a healthy task lost, a task run
 * twice (with no external kill on its workers), a double settlement, a faulting task that did
 * not fail the right way, a worker or child process left behind, or a program that did not
 * exit by itself with code 0.
 *
 * @param result The soak program's result.
 * @returns One line per problem.
 * @example
 * ```ts ignore
 * const problems = verdict(await runSoakProgram("current", ["--scale=tiny"], limits));
 * ```
 */
export function verdict(result: ProgramResult): string[] {
  const r = result.report;
  if (r === undefined) {
    const why = result.timedOut ? "it printed no report in time (killed)" : "it printed no report";
    return [`${why}; code ${result.code}, signal ${result.signal}`];
  }
  const problems: string[] = [];
  const must = (n: number | null, what: string) => {
    if (n !== null && n > 0) problems.push(`${n} ${what}`);
  };
  must(r.hangs, `hang(s): ${r.hung.join("; ")}`);
  must(r.healthyLost, `healthy task(s) lost: ${JSON.stringify(r.lostBecause)}`);
  must(r.runTwice, "task(s) run twice with no external kill on their workers");
  must(r.settledTwice, `result(s) settled more than once: ${r.twiceExamples.join("; ")}`);
  must(
    r.faultsWrong,
    `faulting task(s) that did not fail the right way: ${r.wrongExamples.join("; ")}`,
  );
  must(r.childrenLeft, "child process(es) left after the last pool ended");
  must(r.threadsLeft, "worker thread(s) left after the last pool ended");
  must(result.leftBehind, "process(es) of the program's group left after it exited");
  if (!result.exitedByItself) problems.push("the program did not exit by itself");
  else if (result.code !== 0) problems.push(`the program exited with code ${result.code}`);
  return problems;
}

const num = (
  n: number | null | undefined,
): string => (n === null || n === undefined ? "?" : String(n));

/**
 * The markdown tables: the checks per runtime and context, then the faults by kind.
 *
 * @param rows The soaks.
 * @returns Markdown.
 * @example
 * ```ts ignore
 * console.log(markdown(rows));
 * ```
 */
export function markdown(rows: readonly SoakRow[]): string {
  const head = [
    "runtime",
    "context",
    "tasks",
    "faults",
    "hangs",
    "healthy lost",
    "lost, 2 external kills (allowed)",
    "run twice",
    "run twice, external kill (allowed)",
    "settled twice",
    "faults failed wrong",
    "workers left",
    "children left",
    "exited by itself",
    "s",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const { runtime, context, result } of rows) {
    const r = result.report;
    const cells = [
      runtime,
      context,
      num(r?.tasks),
      num(r?.faultsTotal),
      num(r?.hangs),
      num(r?.healthyLost),
      num(r?.healthyLostExcused),
      num(r?.runTwice),
      num(r?.runTwiceExcused),
      num(r?.settledTwice),
      num(r?.faultsWrong),
      num(r?.threadsLeft),
      `${num(r?.childrenLeft)} / ${num(result.leftBehind)}`,
      result.exitedByItself ? (result.code === 0 ? "yes" : `yes, code ${result.code}`) : "**no**",
      (result.ms / 1000).toFixed(0),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  lines.push("", "Faults injected, by kind (– : cannot be injected there, see below):", "");
  const kinds = [...TASK_FAULTS, ...PHASE_FAULTS];
  lines.push(
    `| runtime | context | ${kinds.join(" | ")} |`,
    `|---|---|${kinds.map(() => "---").join("|")}|`,
  );
  for (const { runtime, context, result } of rows) {
    const r = result.report;
    const cells = kinds.map((k) =>
      r === undefined
        ? "?"
        : k in r.skipped
        ? "–"
        : String(r.faults[k as keyof typeof r.faults] ?? 0)
    );
    lines.push(`| ${runtime} | ${context} | ${cells.join(" | ")} |`);
  }
  lines.push("", ...notes(rows));
  return lines.join("\n");
}

function notes(rows: readonly SoakRow[]): string[] {
  const out: string[] = [];
  const skipped = new Map<string, Set<string>>();
  for (const { runtime, context, result } of rows) {
    for (const [kind, why] of Object.entries(result.report?.skipped ?? {})) {
      const key = `${kind}: ${why}`;
      if (!skipped.has(key)) skipped.set(key, new Set());
      skipped.get(key)!.add(`${runtime} ${context}`);
    }
    const problems = verdict(result);
    if (problems.length > 0) out.push(`- **${runtime} ${context}**: ${problems.join("; ")}`);
  }
  for (const [what, where] of skipped) {
    out.push(`- not injected on ${[...where].join(", ")}: ${what}`);
  }
  return out;
}
