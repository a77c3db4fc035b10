#!/usr/bin/env node
/**
 * Executable entry of the `multiprocessing` command (see `cli.ts`).
 *
 * @module
 */
import process from "node:process";
import { runCli } from "./cli.ts";

await runCli(process.argv.slice(2));
