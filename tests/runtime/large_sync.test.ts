import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Queue, SharedArray } from "../../mod.ts";
import { CONTEXTS } from "../_helpers.ts";

/** 16 MiB: sixteen times the synchronous channel's shared buffer. */
const BIG = 16 << 20;
/** Elements of the large array (2 M). */
const ELEMENTS = 2 << 20;

/** A string of `size` characters that differs along its length, so a misplaced piece shows. */
function bigString(size: number): string {
  const unit = "0123456789abcdefghijklmnopqrstuvwxyz";
  const block = Array.from({ length: 1024 }, (_, i) => unit[i % unit.length]).join("");
  const parts: string[] = [];
  for (let i = 0; i < size / 1024; i++) {
    parts.push(`${(i % 1000).toString().padStart(3, "0")}${block.slice(3)}`);
  }
  return parts.join("");
}

/** What the worker reports about a string it got: length, ends and a sampled checksum. */
function summary(s: string): unknown[] {
  let sum = 0;
  for (let j = 0; j < s.length; j += 997) sum = (sum * 31 + s.charCodeAt(j)) % 1_000_003;
  return [s.length, s.slice(0, 8), s.slice(-8), sum];
}

for (const context of CONTEXTS) {
  describe(`Blocking calls of any size (${context})`, () => {
    const pool = new Pool({ processes: 1, context });
    after(() => pool.terminate());

    it("Queue.getSync() of a 16 MiB string inside a worker task, then small ones, then putSync() of 16 MiB", async () => {
      const text = bigString(BIG);
      const q = new Queue<string>();
      const back = new Queue<string>();
      await q.put(text);
      await q.put("small");
      await q.put(text);
      const probe = (q: Queue<string>, back: Queue<string>) => {
        const seen: unknown[] = [];
        // No inner named functions: tsx (Node 20) would wrap them in a helper the worker lacks.
        for (let i = 0; i < 3; i++) {
          const s = q.getSync();
          let sum = 0;
          for (let j = 0; j < s.length; j += 997) sum = (sum * 31 + s.charCodeAt(j)) % 1_000_003;
          seen.push([s.length, s.slice(0, 8), s.slice(-8), sum]);
        }
        seen.push(q.qsize());
        back.putSync(`${"y".repeat(16 << 20)}!`);
        return seen;
      };
      const seen = await pool.apply(probe, [q, back]);
      assert.deepEqual(seen, [summary(text), summary("small"), summary(text), 0]);
      const got = await back.get({ timeout: 60_000 });
      assert.equal(got.length, BIG + 1);
      assert.ok(got.endsWith("y!"));
    });

    it("SharedArray.toArray() of 2 M elements inside a worker task", async () => {
      const arr = new SharedArray("i", ELEMENTS);
      for (let i = 0; i < ELEMENTS; i++) arr[i] = i * 7 - 1_000_000;
      const read = (arr: SharedArray<"i">) => {
        const all = arr.toArray();
        let sum = 0;
        for (let i = 0; i < all.length; i++) sum += all[i];
        return [all.length, all[0], all[1], all[all.length - 1], sum, arr[12345]];
      };
      let sum = 0;
      for (let i = 0; i < ELEMENTS; i++) sum += i * 7 - 1_000_000;
      const last = (ELEMENTS - 1) * 7 - 1_000_000;
      assert.deepEqual(await pool.apply(read, [arr]), [
        ELEMENTS,
        -1_000_000,
        -999_993,
        last,
        sum,
        12345 * 7 - 1_000_000,
      ]);
    });
  });
}
