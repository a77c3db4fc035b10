/**
 * `CONTEXTS`, for the test files that import it from here; it lives in
 * `_helpers.ts` with the other shared test helpers.
 *
 * @module
 */
export { CONTEXTS } from "./_helpers.ts";
