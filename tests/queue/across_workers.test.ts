import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Connection,
  JoinableQueue,
  Pipe,
  Pool,
  Process,
  type ProcessTarget,
  Queue,
  SimpleQueue,
} from "../../mod.ts";
import { CONTEXTS } from "../_contexts.ts";

/**
 * Items the producer/consumer test moves. In the process context every `put`
 * and `get` of a child is one request to the parent over IPC (~0.1-0.7 ms each
 * on this 2-core machine, four children sharing the parent), so it moves fewer.
 */
const ITEMS = { thread: 100_000, process: 5_000 } as const;

/** A bound on the main side's waits, so that a failed worker fails the test instead of hanging it. */
const WAIT = { timeout: 60_000 } as const;

for (const context of CONTEXTS) {
  describe(`Queue across workers (${context} context)`, () => {
    const started: Process[] = [];
    const start = (target: ProcessTarget, args: unknown[]): Process => {
      const p = new Process({ target, args, context });
      started.push(p);
      p.start();
      return p;
    };
    after(async () => {
      for (const p of started) if (p.isAlive()) p.kill();
      await Promise.all(started.map((p) => p.join()));
    });

    it(`Queue moves ${ITEMS[context]} items from 2 producers to 2 consumers, none lost or duplicated`, async () => {
      const n = ITEMS[context];
      const q = new Queue<number>(1000);
      const results = new Queue<number[]>();
      const produce = async (q: Queue<number>, from: number, to: number) => {
        for (let i = from; i < to; i++) await q.put(i);
      };
      const consume = async (q: Queue<number>, results: Queue<number[]>) => {
        const got: number[] = [];
        for (;;) {
          const item = await q.get();
          if (item === -1) break;
          got.push(item);
        }
        await results.put(got);
      };
      const consumers = [start(consume, [q, results]), start(consume, [q, results])];
      const producers = [start(produce, [q, 0, n / 2]), start(produce, [q, n / 2, n])];
      for (const p of producers) await p.join();
      await q.put(-1);
      await q.put(-1);
      const seen = new Uint8Array(n);
      for (let i = 0; i < 2; i++) for (const item of await results.get(WAIT)) seen[item]++;
      for (const p of consumers) await p.join();
      assert.deepEqual([...producers, ...consumers].map((p) => p.exitcode), [0, 0, 0, 0]);
      assert.equal(seen.indexOf(0), -1, "an item was lost");
      assert.equal(seen.findIndex((count) => count > 1), -1, "an item was duplicated");
      assert.equal(q.qsize(), 0);
    });

    it("Queue in a worker: Empty, Full, qsize/full/empty, clone errors, the Sync forms", async () => {
      const q = new Queue<unknown>(2);
      const out = new Queue<unknown[]>();
      const probe = async (q: Queue<unknown>, out: Queue<unknown[]>) => {
        const seen: unknown[] = [];
        // No inner named functions: tsx (Node 20) would wrap them in a helper the worker lacks.
        seen.push(await q.get({ timeout: 20 }).then(() => "resolved", (e) => e.name));
        await q.put("a");
        await q.put("b");
        seen.push(await q.put("c", false).then(() => "resolved", (e) => e.name));
        seen.push(await q.put("c", { timeout: 10 }).then(() => "resolved", (e) => e.name));
        seen.push(q.qsize(), q.full(), q.empty(), q.maxsize);
        seen.push(await q.get());
        seen.push(await q.put(() => 1).then(() => "resolved", (e) => e.name));
        seen.push(q.getSync(false));
        try {
          q.getSync(true, 10);
        } catch (error) {
          seen.push((error as Error).name);
        }
        q.putSync("d");
        seen.push(q.qsize());
        await out.put(seen);
      };
      const p = start(probe, [q, out]);
      const seen = await out.get(WAIT);
      await p.join();
      assert.equal(p.exitcode, 0);
      assert.deepEqual(seen, [
        "Empty",
        "Full",
        "Full",
        2,
        true,
        false,
        2,
        "a",
        "TypeError",
        "b",
        "Empty",
        1,
      ]);
      assert.equal(await q.get(false), "d");
    });

    it("a worker killed while waiting in get() takes no item", async () => {
      const q = new Queue<string>();
      const ready = new Queue<string>();
      const wait = async (q: Queue<string>, ready: Queue<string>) => {
        await ready.put("waiting");
        await q.get();
      };
      const p = start(wait, [q, ready]);
      assert.equal(await ready.get(WAIT), "waiting");
      await new Promise((resolve) => setTimeout(resolve, 200));
      p.kill();
      await p.join();
      await q.put("kept");
      assert.equal(await q.get({ timeout: 5000 }), "kept");
    });

    it("a producer killed mid-stream leaves the queue working, nothing duplicated", async () => {
      const q = new Queue<number>();
      // The producer yields now and then: Deno cannot stop a thread that never returns to its
      // event loop (its Worker terminate() leaves such a thread running), so on Deno the
      // kill lands between batches of puts; elsewhere it may land anywhere.
      const flood = async (q: Queue<number>) => {
        for (let i = 0;; i++) {
          q.putSync(i);
          if (i % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 0));
        }
      };
      const p = start(flood, [q]);
      assert.equal(await q.get(WAIT), 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      p.kill();
      await p.join();
      let expected = 1;
      while (!q.empty()) assert.equal(await q.get(WAIT), expected++);
      await q.put(-1);
      assert.equal(await q.get(WAIT), -1);
    });

    it("JoinableQueue.taskDone() too often throws in a worker; joinSync() waits there", async () => {
      const jq = new JoinableQueue<number>();
      const out = new Queue<string>();
      const probe = async (jq: JoinableQueue<number>, out: Queue<string>) => {
        await jq.put(1);
        jq.getSync();
        jq.taskDone();
        jq.joinSync();
        try {
          jq.taskDone();
          await out.put("no error");
        } catch (error) {
          await out.put((error as Error).message);
        }
      };
      const p = start(probe, [jq, out]);
      assert.equal(await out.get(WAIT), "taskDone() called too many times");
      await p.join();
      assert.equal(p.exitcode, 0);
    });

    it("JoinableQueue.join() waits for taskDone() calls made in workers", async () => {
      const jq = new JoinableQueue<number | null>();
      const results = new Queue<number>();
      const work = async (jq: JoinableQueue<number | null>, results: Queue<number>) => {
        for (;;) {
          const item = await jq.get();
          if (item === null) {
            jq.taskDone();
            break;
          }
          await results.put(item * 2);
          jq.taskDone();
        }
      };
      const workers = [start(work, [jq, results]), start(work, [jq, results])];
      for (let i = 0; i < 200; i++) await jq.put(i);
      await jq.put(null);
      await jq.put(null);
      await jq.join();
      assert.equal(results.qsize(), 200);
      let sum = 0;
      while (!results.empty()) sum += await results.get(WAIT);
      assert.equal(sum, 199 * 200);
      for (const p of workers) await p.join();
      assert.deepEqual(workers.map((p) => p.exitcode), [0, 0]);
    });

    it("Pipe connects two workers, and recv() sees EOFError once the other end closes", async () => {
      const [a, b] = Pipe<number>();
      const out = new Queue<unknown>();
      const sender = async (conn: Connection<number>, out: Queue<unknown>) => {
        for (let i = 1; i <= 100; i++) await conn.send(i);
        await out.put(await conn.recv());
        conn.close();
      };
      const summer = async (conn: Connection<number>, out: Queue<unknown>) => {
        let sum = 0;
        for (let i = 0; i < 50; i++) sum += await conn.recv();
        for (let i = 0; i < 50; i++) if (conn.pollSync(null)) sum += conn.recvSync();
        conn.sendSync(sum);
        try {
          await conn.recv();
          await out.put("no EOF");
        } catch (error) {
          await out.put((error as Error).name);
        }
      };
      const ps = [start(sender, [a, out]), start(summer, [b, out])];
      assert.equal(await out.get(WAIT), 5050);
      assert.equal(await out.get(WAIT), "EOFError");
      for (const p of ps) await p.join();
      assert.deepEqual(ps.map((p) => p.exitcode), [0, 0]);
      assert.equal(a.closed, true);
    });

    it("queues and pipe ends nested in arrays and objects reach pool tasks", async () => {
      const pool = new Pool({ processes: 2, context });
      try {
        const q = new Queue<string>();
        const sq = new SimpleQueue<string>();
        const [mine, theirs] = Pipe<string>();
        const task = async (
          box: { queues: [Queue<string>, SimpleQueue<string>]; conn: Connection<string> },
        ) => {
          await box.queues[0].put("queue");
          await box.queues[1].put("simple");
          await box.conn.send("pipe");
          return [
            box.queues[0].constructor.name,
            box.queues[1].constructor.name,
            box.conn.constructor.name,
          ];
        };
        const names = await pool.apply(task, [{ queues: [q, sq], conn: theirs }]);
        assert.deepEqual(names, ["Queue", "SimpleQueue", "Connection"]);
        assert.equal(await q.get(WAIT), "queue");
        assert.equal(await sq.get(), "simple"); // put before the task returned
        assert.equal(await mine.recv(), "pipe");
      } finally {
        await pool.terminate();
      }
    });
  });
}
