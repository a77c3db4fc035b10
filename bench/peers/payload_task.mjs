/**
 * The payload workloads' per-item functions, shared by our `pool.map` (each function is
 * self-contained: it travels to the workers as source text) and by the peers' workers (through
 * {@linkcode runPayload}). Plain JavaScript so that worker threads load it on every Node.
 *
 * @module
 */

/** @typedef {{ readonly id: number, readonly name: string, readonly price: number, readonly qty: number }} PayloadRecord */
/** @typedef {{ readonly op: "upper", readonly x: string } | { readonly op: "derive", readonly x: PayloadRecord } | { readonly op: "sum", readonly x: Float64Array } | { readonly op: "primes", readonly x: readonly [number, number] }} PayloadTask */

/**
 * Upper-cases a string.
 *
 * @param {string} s The string.
 * @returns {string} `s.toUpperCase()`.
 * @example
 * ```ts
 * import { upper } from "./payload_task.mjs";
 * console.log(upper("ab")); // "AB"
 * ```
 */
export function upper(s) {
  return s.toUpperCase();
}

/**
 * Adds the derived field `total` to a record.
 *
 * @param {PayloadRecord} r The record.
 * @returns {PayloadRecord & { total: number }} A copy with `total = price * qty`.
 * @example
 * ```ts
 * import { derive } from "./payload_task.mjs";
 * console.log(derive({ id: 1, name: "a", price: 2, qty: 3 }).total); // 6
 * ```
 */
export function derive(r) {
  return { ...r, total: r.price * r.qty };
}

/**
 * Sums a `Float64Array`.
 *
 * @param {Float64Array} a The array.
 * @returns {number} The sum of its elements.
 * @example
 * ```ts
 * import { sumArray } from "./payload_task.mjs";
 * console.log(sumArray(new Float64Array([1, 2]))); // 3
 * ```
 */
export function sumArray(a) {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i];
  return total;
}

/**
 * Counts the primes in `[lo, hi)` by trial division (CPU-bound, no allocation).
 *
 * @param {readonly [number, number]} range The half-open range.
 * @returns {number} How many primes it holds.
 * @example
 * ```ts
 * import { countPrimes } from "./payload_task.mjs";
 * console.log(countPrimes([0, 10])); // 4
 * ```
 */
export function countPrimes(range) {
  let count = 0;
  for (let x = Math.max(2, range[0]); x < range[1]; x++) {
    let prime = true;
    for (let d = 2; d * d <= x; d++) {
      if (x % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * Runs one payload task in a peer's worker.
 *
 * @param {PayloadTask} task The task.
 * @returns {unknown} The function's result.
 * @example
 * ```ts
 * import { runPayload } from "./payload_task.mjs";
 * console.log(runPayload({ op: "upper", x: "a" })); // "A"
 * ```
 */
export function runPayload(task) {
  switch (task.op) {
    case "upper":
      return upper(task.x);
    case "derive":
      return derive(task.x);
    case "sum":
      return sumArray(task.x);
    case "primes":
      return countPrimes(task.x);
  }
  throw new RangeError(`Unknown payload op: ${String(/** @type {{op: unknown}} */ (task).op)}`);
}
