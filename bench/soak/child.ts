/**
 * One soak as a program of its own: `<runtime> bench/soak/child.ts --context=thread|process
 * [--scale=tiny|quick|full] [--seed=N] [--deadline=ms] [--dir=.tmp/soak]`. It prints its report as one line,
 * `SOAK_REPORT {json}`, and then must exit by itself: it never calls `process.exit()`, so a
 * worker, child process or handle left behind keeps it running (the driver watches for that).
 *
 * @module
 */
import process from "node:process";
import { parseFlags, scriptArgs } from "../_env.ts";
import type { Context } from "../../src/runtime/types.ts";
import { REPORT_TAG } from "./_spawn.ts";
import { runSoak, SCALES } from "./soak.ts";

const flags = parseFlags(scriptArgs());
const context = String(flags.context ?? "thread") as Context;
const scaleName = String(flags.scale ?? "quick") as keyof typeof SCALES;
if (!(scaleName in SCALES) || (context !== "thread" && context !== "process")) {
  console.error("usage: child.ts --context=thread|process [--scale=tiny|quick|full] [--seed=N]");
  process.exitCode = 2;
} else {
  try {
    const report = await runSoak({
      context,
      scale: SCALES[scaleName],
      dir: String(flags.dir ?? ".tmp/soak"),
      seed: flags.seed === undefined ? undefined : Number(flags.seed),
      deadlineMs: flags.deadline === undefined ? undefined : Number(flags.deadline),
    });
    console.log(REPORT_TAG + JSON.stringify(report));
  } catch (error) {
    console.error("soak failed:", error);
    process.exitCode = 1;
  }
}
