/**
 * The soak's books: every task and result it submits, how often each settled
 * and with what, and, from the execution log, how often and where each task ran.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { WorkerLostError } from "../../mod.ts";
import { type Checked, EXTERNAL_KILLS, rightFailure, type TaskFault } from "./_kinds.ts";

/**
 * What an entry is: a healthy task (must succeed with its value), a faulting task or a
 * result cut short by `terminate()` (must reject the right way), a task that `terminate()`
 * may cut short (`cancelled`), or a `map`/`imap` whose items are entries of their own
 * (`batch`: only its settlements are counted).
 */
export type TaskRole = "healthy" | "cancelled" | "batch" | Checked;

/** One task, or one whole result (a `map`, an `imap` run) whose settlement is counted. */
export class Entry {
  readonly id: number;
  readonly role: TaskRole;
  /** The right value of a healthy task. */
  readonly expected: number | undefined;
  /** Settlements seen: callback and errorCallback calls, or promise settlements. */
  settles = 0;
  /** What the settlements after the first were. */
  readonly later: string[] = [];
  ok: boolean | undefined;
  value: unknown;
  error: unknown;
  /** Still unsettled when its phase's deadline passed. */
  hung = false;
  /**
   * It was submitted together with a task that kills its worker from outside (SIGKILL, out of
   * memory): it may have been unanswered on two workers that died, and then it rightly fails
   * with `WorkerLostError`.
   */
  exposed = false;
  /** The outcome its promise (`AsyncResult.get()`) reported, when watched. */
  promiseOk: boolean | undefined;

  constructor(id: number, role: TaskRole, expected?: number) {
    this.id = id;
    this.role = role;
    this.expected = expected;
  }

  /** Records a success. */
  resolve(value: unknown): void {
    this.#settle(true, value, undefined);
  }

  /** Records a failure. */
  reject(error: unknown): void {
    this.#settle(false, undefined, error);
  }

  /** Whether the callbacks and the promise disagree about the outcome. */
  get inconsistent(): boolean {
    return this.promiseOk !== undefined && this.ok !== undefined && this.promiseOk !== this.ok;
  }

  #settle(ok: boolean, value: unknown, error: unknown): void {
    this.settles++;
    if (this.settles > 1) {
      this.later.push(
        ok ? `then resolved with ${short(value)}` : `then rejected: ${describe(error)}`,
      );
      return;
    }
    this.ok = ok;
    this.value = value;
    this.error = error;
  }
}

/** What the books say at the end of a run. */
export interface Tally {
  healthy: number;
  healthyLost: number;
  /**
   * Healthy tasks that failed with `WorkerLostError` after sharing a round with an external
   * kill: allowed by the two-deaths rule, so not counted in `healthyLost`.
   */
  healthyLostExcused: number;
  /** Why healthy tasks were lost: an error name, "wrong value" or "unsettled". */
  lostBecause: Record<string, number>;
  faultsWrong: number;
  /** A few wrong fault outcomes, for the report. */
  wrongExamples: string[];
  settledTwice: number;
  /** A few double settlements, for the report. */
  twiceExamples: string[];
  runTwice: number;
  runTwiceExcused: number;
  /** Tasks that ran zero times though they succeeded (should be 0; a bookkeeping check). */
  neverRan: number;
}

function short(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 60);
}

function twice(e: Entry): string {
  const first = e.ok ? `resolved with ${short(e.value)}` : `rejected: ${describe(e.error)}`;
  const promise = e.inconsistent ? `; its promise ${e.promiseOk ? "resolved" : "rejected"}` : "";
  return `${e.role} (task ${e.id}) ${first}; ${e.later.join("; ")}${promise}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 120)}`;
  return String(error);
}

/** All the soak's entries. */
export class Ledger {
  readonly entries: Entry[] = [];
  #nextId = 1;

  /**
   * A new entry with a fresh id.
   *
   * @param role What it is.
   * @param expected The right value of a healthy task, given its id.
   * @returns The entry.
   */
  add(role: TaskRole, expected?: (id: number) => number): Entry {
    const id = this.#nextId++;
    const entry = new Entry(id, role, expected?.(id));
    this.entries.push(entry);
    return entry;
  }

  /**
   * Waits until every entry settled or the deadline passed; late ones are marked hung.
   *
   * @param entries The entries of one phase.
   * @param deadlineMs How long to wait.
   * @returns True when all settled in time.
   */
  async settle(entries: readonly Entry[], deadlineMs: number): Promise<boolean> {
    const end = Date.now() + deadlineMs;
    while (entries.some((e) => e.settles === 0)) {
      if (Date.now() >= end) {
        for (const e of entries) if (e.settles === 0) e.hung = true;
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /**
   * Tallies the books against the execution log.
   *
   * @param logPath The execution log (`<id> <worker token>` lines).
   * @returns The counts.
   */
  tally(logPath: string): Tally {
    const runs = readRuns(logPath);
    const killed = new Set<string>();
    const byId = new Map(this.entries.map((e) => [e.id, e]));
    for (const [id, tokens] of runs) {
      const role = byId.get(id)?.role as TaskFault | undefined;
      if (role !== undefined && EXTERNAL_KILLS.has(role)) { for (const t of tokens) killed.add(t); }
    }
    const t: Tally = {
      healthy: 0,
      healthyLost: 0,
      healthyLostExcused: 0,
      lostBecause: {},
      faultsWrong: 0,
      wrongExamples: [],
      settledTwice: 0,
      twiceExamples: [],
      runTwice: 0,
      runTwiceExcused: 0,
      neverRan: 0,
    };
    for (const e of this.entries) {
      if (e.settles > 1 || e.inconsistent) {
        t.settledTwice++;
        if (t.twiceExamples.length < 8) t.twiceExamples.push(twice(e));
      }
      const tokens = runs.get(e.id) ?? [];
      if (tokens.length > 1) {
        const excused = EXTERNAL_KILLS.has(e.role as TaskFault) ||
          tokens.some((token) => killed.has(token));
        if (excused) t.runTwiceExcused++;
        else t.runTwice++;
      }
      if (e.role === "healthy") this.#healthy(e, tokens.length, t);
      else if (e.role !== "cancelled" && e.role !== "batch") this.#fault(e, e.role, t);
    }
    return t;
  }

  #healthy(e: Entry, ran: number, t: Tally): void {
    t.healthy++;
    let why: string | undefined;
    if (e.hung || e.settles === 0) why = "unsettled";
    else if (!e.ok) why = e.error instanceof Error ? e.error.name : "non-Error rejection";
    else if (e.expected !== undefined && e.value !== e.expected) why = "wrong value";
    if (why === undefined) {
      if (e.expected !== undefined && ran === 0) t.neverRan++;
      return;
    }
    if (e.exposed && e.error instanceof WorkerLostError) {
      t.healthyLostExcused++;
      return;
    }
    t.healthyLost++;
    t.lostBecause[why] = (t.lostBecause[why] ?? 0) + 1;
  }

  #fault(e: Entry, kind: Checked, t: Tally): void {
    const right = !e.hung && e.settles > 0 && e.ok === false &&
      (rightFailure(kind, e.id, e.error) || (e.exposed && e.error instanceof WorkerLostError));
    if (right) return;
    t.faultsWrong++;
    if (t.wrongExamples.length < 8) {
      const what = e.hung || e.settles === 0
        ? "never settled"
        : e.ok
        ? `resolved with ${short(e.value)}`
        : describe(e.error);
      t.wrongExamples.push(`${kind} (task ${e.id}): ${what}`);
    }
  }
}

function readRuns(logPath: string): Map<number, string[]> {
  const runs = new Map<number, string[]>();
  if (!existsSync(logPath)) return runs;
  for (const line of readFileSync(logPath, "utf8").split("\n")) {
    const [id, token] = line.split(" ");
    if (token === undefined) continue;
    const list = runs.get(Number(id));
    if (list === undefined) runs.set(Number(id), [token]);
    else list.push(token);
  }
  return runs;
}
