/**
 * Helpers shared by the test files (keep it small).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Context } from "../mod.ts";

/**
 * Both contexts: worker threads and child processes. Behaviour tests loop
 * over these (`for (const context of CONTEXTS) describe(...)`) instead of
 * copying tests.
 */
export const CONTEXTS: readonly Context[] = ["thread", "process"];

/**
 * The rejection of `promise` (fails the test if it resolves).
 *
 * @param promise What should reject.
 * @returns The rejection reason, typed as an `Error` for the assertions that follow.
 */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected a rejection");
}

/**
 * `promise`, or a rejection once `ms` have passed: an upper bound against
 * hangs, so that a failure fails the test instead of stalling the run.
 *
 * @param promise What to wait for.
 * @param ms The bound.
 * @param what What is awaited, for the message.
 * @returns What `promise` resolves to.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
