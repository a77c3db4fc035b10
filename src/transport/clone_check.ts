/**
 * Finds what in a value cannot be cloned, for error messages that name it
 * (not every runtime's `DataCloneError` does; Bun's doesn't).
 *
 * @module
 */

function clones(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "symbol") return `a symbol (${String(value)})`;
  if (typeof value === "object" && value !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `an instance of ${name}` : "an object";
  }
  return String(value);
}

/**
 * The first part of `value` that cannot be cloned, with where it sits.
 *
 * @param value The value that failed to clone.
 * @param path How to name the value itself in the answer.
 * @returns e.g. `"args[1].handler: a function (onDone)"`, or undefined when
 *   the value clones after all.
 * @example
 * ```ts
 * import { findUncloneable } from "./clone_check.ts";
 * console.log(findUncloneable([1, { f: () => 0 }], "args")); // "args[1].f: a function (f)"
 * ```
 */
export function findUncloneable(value: unknown, path: string): string | undefined {
  if (clones(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const key of Object.keys(value)) {
        const found = findUncloneable((value as Record<string, unknown>)[key], `${path}.${key}`);
        if (found !== undefined) return found;
      }
    }
  }
  return `${path}: ${describe(value)}`;
}
