/**
 * `imap`/`imapUnordered` of a cluster pool: the library's `IMapIterator`
 * (lazy input, bounded read-ahead, input or completion order) fed with chunks
 * that travel as jobs. A failed part of a chunk fails its items' positions,
 * as a failed chunk does locally.
 *
 * @module
 */
import { imapControl, IMapIterator } from "../pool/imap_iterator.ts";
import type { Task, TaskSink } from "../pool/task.ts";
import type { TaskInput } from "../../mod.ts";
import type { PendingCall } from "./board.ts";
import type { Outcome } from "./calls.ts";

/** What an iterator needs from its cluster pool. */
export interface ImapSpec {
  readonly input: TaskInput<unknown>;
  readonly ordered: boolean;
  /** Items per chunk. */
  readonly size: number;
  /** Items submitted and not yet consumed, at most. */
  readonly readAhead: number;
  /** Send the chunk at `index`; `answer` gets its outcome once. */
  submit(index: number, items: unknown[], answer: (segments: Outcome) => void): void;
  /** Whether the pool is closing (the input is then read to the end). */
  closing(): boolean;
  /** The pool tracks the iterator while it has work. */
  track(call: PendingCall): void;
  untrack(call: PendingCall): void;
}

/**
 * Start an iterator over `spec.input`.
 *
 * @param spec Input, order, sizes, and the pool's callbacks.
 * @returns The iterator.
 * @example
 * ```ts ignore
 * const it = startImap({ input: [1, 2], ordered: true, size: 1, readAhead: 4, ...pool });
 * ```
 */
export function startImap<R>(spec: ImapSpec): IMapIterator<R> {
  const it = new IMapIterator<R>(spec.input, spec.ordered, spec.size, spec.readAhead);
  const control = imapControl();
  let inputDone = false;
  let open = 0;
  const call: PendingCall = { fail: (e) => control.abort(it as IMapIterator<unknown>, e) };
  const finished = (): void => {
    if (inputDone && open === 0) spec.untrack(call);
  };
  spec.track(call);
  control.start(it as IMapIterator<unknown>, {
    submit: (items: unknown[], index: number, sink: TaskSink) => {
      open++;
      spec.submit(index, items, (segments) => {
        let at = index;
        for (const [count, ok, payload] of segments) {
          // The iterator reads a chunk's first position and item count from these fields.
          sink.settleTask({ index: at, target: count } as unknown as Task, ok, payload);
          at += count;
        }
        open--;
        finished();
      });
    },
    get closing(): boolean {
      return spec.closing();
    },
    done: () => {
      inputDone = true;
      finished();
    },
  });
  return it;
}
