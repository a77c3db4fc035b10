/**
 * Type-level tests: `npm run check` (`tsc --noEmit` and `deno check`) compiles
 * this file, and each `@ts-expect-error` fails the check once the line below it
 * compiles. Nothing here runs: the calls sit in a function that is never called.
 *
 * @module
 */
import { getContext, Pool, Process } from "../../mod.ts";
import type { AsyncResult, ProcessOptions } from "../../mod.ts";

const add = (a: number, b: number): number => a + b;
const greet = (name?: string): string => `hi ${name ?? "you"}`;
const sum = (...xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const none = (): number => 1;
const later = (x: number): Promise<string> => Promise.resolve(String(x));

/**
 * What must and must not compile for `apply`, `applyAsync` and `new Process()`.
 *
 * @param pool A pool (never used: this function is not called).
 * @returns The results, typed.
 */
export async function typeChecks(pool: Pool): Promise<unknown[]> {
  const out: unknown[] = [];

  // apply: args required exactly when fn has required parameters.
  const three: number = await pool.apply(add, [1, 2]);
  out.push(three);
  // @ts-expect-error: add has required parameters, so args is required
  out.push(await pool.apply(add));
  // @ts-expect-error: the args must match add's parameters
  out.push(await pool.apply(add, ["1", 2]));
  // @ts-expect-error: too few args for add
  out.push(await pool.apply(add, [1]));
  out.push(await pool.apply(none), await pool.apply(none, []));
  out.push(await pool.apply(greet), await pool.apply(greet, ["ann"]));
  out.push(await pool.apply(sum), await pool.apply(sum, [1, 2, 3]));
  const text: string = await pool.apply(later, [4]);
  out.push(text);

  // applyAsync: the same rule; callbacks stay optional and typed by the result.
  const r: AsyncResult<number> = pool.applyAsync(add, [1, 2], {
    callback: (value: number) => out.push(value),
  });
  out.push(r);
  // @ts-expect-error: add has required parameters, so args is required
  out.push(pool.applyAsync(add));
  // @ts-expect-error: the callback's value is add's result, a number
  out.push(pool.applyAsync(add, [1, 2], { callback: (value: string) => value }));
  out.push(pool.applyAsync(none), pool.applyAsync(none, [], { errorCallback: () => {} }));
  out.push(pool.applyAsync(later, [1], { callback: (s: string) => s.length }));

  // Process: args checked against target.
  out.push(new Process({ target: add, args: [1, 2] }));
  // @ts-expect-error: add has required parameters, so args is required
  out.push(new Process({ target: add }));
  // @ts-expect-error: the args must match add's parameters
  out.push(new Process({ target: add, args: [1, "2"] }));
  out.push(new Process({ target: none }), new Process({ target: greet, name: "g" }));
  out.push(new Process({ target: sum, args: [1, 2, 3], daemon: true }));
  const ctx = getContext("process");
  out.push(new ctx.Process({ target: add, args: [1, 2] }));
  // @ts-expect-error: the bound Process checks args too
  out.push(new ctx.Process({ target: add, args: [] }));
  const options: ProcessOptions = { target: add, args: [1, 2] };
  out.push(new Process(options));
  return out;
}
