import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  activeChildren,
  getContext,
  getStartMethod,
  Process,
  ProcessError,
  setStartMethod,
} from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

const TARGETS = new URL("../fixtures/process_targets.ts", import.meta.url);

/** Runs until stopped. */
function forever(): Promise<never> {
  return new Promise(() => {
    setInterval(() => {}, 1000);
  });
}

/** Exits with code `n` (self-contained: it travels by source text). */
function exitWith(n: number): void {
  const g = globalThis as unknown as {
    Deno?: { exit(code: number): never };
    process: { exit(code: number): never };
  };
  if (g.Deno !== undefined) g.Deno.exit(n);
  else g.process.exit(n);
}

for (const context of CONTEXTS) {
  describe(`Process (${context} context)`, () => {
    const started: Process[] = [];
    const make = (options: Omit<ConstructorParameters<typeof Process>[0], "context">) => {
      const p = new Process({ ...options, context });
      started.push(p);
      return p;
    };
    after(async () => {
      for (const p of started) {
        try {
          if (p.isAlive()) p.kill();
          if (p.exitcode === null && p.isAlive()) await p.join(5000);
        } catch {
          // closed or never started
        }
      }
    });

    it("runs the target with its args; exitcode is 0", async () => {
      const p = make({
        target: (a: number, b: { n: number; m: Map<string, number> }) => {
          if (a + b.n + (b.m.get("x") ?? 0) !== 6) throw new Error("wrong args");
        },
        args: [1, { n: 2, m: new Map([["x", 3]]) }],
      });
      assert.equal(p.exitcode, null);
      await p.start();
      await p.join();
      assert.equal(p.exitcode, 0);
      assert.equal(p.isAlive(), false);
    });

    it("awaits an async target (called by reference through 'module')", async () => {
      const { sumLater } = await import(TARGETS.href);
      const p = make({ target: sumLater, args: [3, { n: 4 }], module: TARGETS });
      p.start();
      await p.join();
      assert.equal(p.exitcode, 7);
    });

    it("exitcode is N after exit(N) in the target", async () => {
      const p = make({ target: exitWith, args: [5] });
      p.start();
      await p.join();
      assert.equal(p.exitcode, 5);
    });

    it("exitcode is 1 when the target throws", async () => {
      const p = make({
        target: () => {
          throw new Error("expected failure (Process test)");
        },
      });
      p.start();
      await p.join();
      assert.equal(p.exitcode, 1);
    });

    it("terminate() gives exitcode -15 and kill() -9", async () => {
      const p = make({ target: forever });
      const q = make({ target: forever });
      await p.start();
      await q.start();
      assert.equal(p.isAlive(), true);
      p.terminate();
      q.kill();
      await p.join();
      await q.join();
      assert.equal(p.exitcode, -15);
      assert.equal(q.exitcode, -9);
      assert.equal(p.isAlive(), false);
      p.terminate(); // no-op once ended
      assert.equal(p.exitcode, -15);
    });

    it("terminate() right after start() still ends it", async () => {
      const p = make({ target: forever });
      p.start();
      p.terminate();
      await p.join();
      assert.equal(p.exitcode, -15);
    });

    it("join(timeout) returns while it still runs", async () => {
      const p = make({ target: forever });
      p.start();
      await p.join(50);
      assert.equal(p.exitcode, null);
      assert.equal(p.isAlive(), true);
      await p.join(-1);
      assert.equal(p.isAlive(), true);
      p.kill();
      await p.join();
      assert.equal(p.exitcode, -9);
    });

    it("has a default name Process-N, a settable name and daemon flag", async () => {
      const p = make({ target: () => {} });
      assert.match(p.name, /^Process-\d+$/);
      p.name = "worker-a";
      assert.equal(p.name, "worker-a");
      assert.equal(p.daemon, false);
      p.daemon = true;
      assert.equal(p.daemon, true);
      await p.start();
      assert.throws(() => (p.daemon = false), ProcessError);
      await p.join();
      assert.equal(make({ target: () => {}, name: "named" }).name, "named");
    });

    it("has a pid in the process context only, and an ident once started", async () => {
      const p = make({ target: () => {} });
      assert.equal(p.pid, undefined);
      await p.start();
      if (context === "process") {
        assert.equal(typeof p.pid, "number");
        assert.equal(p.ident, p.pid);
      } else {
        assert.equal(p.pid, undefined);
      }
      await p.join();
    });

    it("currentProcess()/parentProcess()/isMainProcess() inside the target", async () => {
      const { checkIdentity } = await import(TARGETS.href);
      const p = make({
        target: checkIdentity,
        args: ["identity-check", true, context],
        name: "identity-check",
        daemon: true,
        module: TARGETS,
      });
      p.start();
      await p.join();
      assert.equal(p.exitcode, 0);
    });

    it("activeChildren() lists it while it runs", async () => {
      const p = make({ target: forever });
      p.start();
      assert.ok(activeChildren().includes(p));
      p.kill();
      await p.join();
      assert.ok(!activeChildren().includes(p));
    });

    it("start() twice, join() before start(), close() while running: clear errors", async () => {
      const p = make({ target: forever });
      await assert.rejects(
        p.join(),
        (e: Error) => e instanceof ProcessError && /not been started/.test(e.message),
      );
      assert.throws(() => p.terminate(), ProcessError);
      p.start();
      assert.throws(
        () => p.start(),
        (e: Error) => e instanceof ProcessError && /already/.test(e.message),
      );
      assert.throws(
        () => p.close(),
        (e: Error) => e instanceof ProcessError && /still running/.test(e.message),
      );
      p.kill();
      await p.join();
      p.close();
      assert.throws(
        () => p.isAlive(),
        (e: Error) => e instanceof ProcessError && /closed/.test(e.message),
      );
      assert.throws(() => p.start(), ProcessError);
      assert.throws(() => p.exitcode, ProcessError);
      await assert.rejects(p.join(), ProcessError);
      p.close(); // closing twice is fine
    });

    it("start() refuses args that cannot be sent, and stays startable", async () => {
      const p = make({ target: (_f: unknown) => {}, args: [() => 1] });
      assert.throws(() => p.start(), TypeError);
      await assert.rejects(p.join(0), ProcessError);
    });

    it("join() checks its timeout as every wait does: NaN and non-numbers are TypeErrors", async () => {
      const p = make({ target: () => {} });
      await p.start();
      for (const bad of [NaN, "1", {}]) {
        await assert.rejects(
          p.join(bad as number),
          (e: Error) =>
            e instanceof TypeError &&
            /^Cannot join process '.+': 'timeout' must be a number or null, received /.test(
              e.message,
            ),
        );
      }
      await p.join(-1); // negative counts as 0
      await p.join(Infinity);
      assert.equal(p.exitcode, 0);
    });
  });
}

describe("Process construction", () => {
  it("rejects a target that is not a function", () => {
    assert.throws(
      () => new Process({ target: 42 as unknown as () => void }),
      (e: Error) => e instanceof TypeError && /'target' must be a function/.test(e.message),
    );
  });
  it("rejects a bound function, with or without a module: it has no source text", () => {
    assert.throws(() => new Process({ target: function f() {}.bind(null) }), TypeError);
    assert.throws(
      () => new Process({ target: function f() {}.bind(null), module: TARGETS }),
      (e: Error) => e instanceof TypeError && /bound function/.test(e.message),
    );
  });
  it("rejects an unknown context", () => {
    assert.throws(
      () => new Process({ target: () => {}, context: "fork" as "thread" }),
      RangeError,
    );
  });
  it("rejects args that are not iterable", () => {
    assert.throws(() => new Process({ target: () => {}, args: 5 as unknown as [] }), TypeError);
  });
  it("takes its default context from setStartMethod()", () => {
    const before = getStartMethod();
    try {
      for (const context of CONTEXTS) {
        setStartMethod(context);
        assert.equal(new Process({ target: () => {} }).context, context);
        assert.equal(getContext().getStartMethod(), context);
      }
    } finally {
      setStartMethod(before);
    }
  });
});
