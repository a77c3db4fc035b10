/**
 * Side-effect imports of every module that registers a reviver for
 * shareable objects, so that workers can revive them. The worker entry
 * imports this file.
 *
 * @module
 */
import "../queue/mod.ts";
import "../sync/mod.ts";
import "../shared/mod.ts";
