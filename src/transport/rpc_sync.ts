/**
 * Blocking requests from a child process to an object owned by its parent
 * (the `...Sync` forms of locks, queues and shared values in the process
 * context), over the synchronous channel of `sync_channel.ts`. Kept apart from
 * `rpc.ts` so that a worker loads that channel (and `node:net`) only when a
 * shareable object needs it.
 *
 * @module
 */
import { callSync, syncChannelAddress } from "../runtime/sync_channel.ts";
import type { WireError } from "./error_codec.ts";
import { encodeError } from "./error_codec.ts";
import { dispatchRpc, rebuildError, type RpcRequest } from "./rpc.ts";

/**
 * Main side: the address of the synchronous channel on which child processes
 * call registered objects with `callParentSync()` (listening from the first
 * call on).
 *
 * @returns The address, to send to children.
 * @example
 * ```ts ignore
 * const address = syncRpcAddress();
 * ```
 */
export function syncRpcAddress(): string {
  return syncChannelAddress((request) => {
    const { target, method, args } = request as Omit<RpcRequest, "t" | "id">;
    return dispatchRpc(target, method, args).then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, value: encodeError(error) }),
    );
  });
}

/**
 * Child-process side: call a method of a parent-owned object, blocking the
 * thread until the answer arrives (for the `...Sync` forms).
 *
 * @param address The parent's `syncRpcAddress()`.
 * @param target The object's id.
 * @param method The method name.
 * @param args Cloneable arguments.
 * @returns The method's result.
 * @throws {Error} What the parent's method threw (rebuilt), or a channel failure.
 * @example
 * ```ts ignore
 * callParentSync(address, "Lock:1:1", "locked", []);
 * ```
 */
export function callParentSync(
  address: string,
  target: string,
  method: string,
  args: readonly unknown[],
): unknown {
  const reply = callSync(address, { target, method, args }) as { ok: boolean; value: unknown };
  if (reply.ok) return reply.value;
  throw rebuildError(reply.value as WireError);
}
