/**
 * One lifecycle operation per cluster at a time (safety invariant 5): a lock owned by an execution,
 * taken over only when its owner is provably no longer running.
 */
import type { LockRecord } from "./model/state";
import type { Deps } from "./ports";

export type LockOutcome =
  | { acquired: true; tookOverFrom?: LockRecord }
  | { acquired: false; holder: LockRecord; reason: string };

export async function acquireClusterLock(
  deps: Pick<Deps, "state" | "executions" | "clock" | "log">,
  request: { cluster: string; owner: string; operation: string },
): Promise<LockOutcome> {
  const lock: LockRecord = { ...request, acquiredAt: deps.clock.now().toISOString() };
  const first = await deps.state.putLockIfAbsent(lock);
  if (first.ok) return { acquired: true };
  const holder = first.holder;
  if (holder.owner === request.owner) return { acquired: true }; // a retried step: we already hold it
  const status = await deps.executions.status(holder.owner);
  if (status === "RUNNING") {
    return {
      acquired: false,
      holder,
      reason: `cluster ${request.cluster} is locked by execution ${holder.owner} (${holder.operation}, since ${holder.acquiredAt}); wait for it to finish or abort it with: tug abort ${request.cluster}`,
    };
  }
  // The owner ended without releasing (a hard stop or crash): take over; its leftovers get reconciled.
  const replaced = await deps.state.replaceLock(holder.owner, lock);
  if (!replaced) {
    const now = await deps.state.getLock(request.cluster);
    return {
      acquired: false,
      holder: now ?? holder,
      reason: `cluster ${request.cluster} lock changed hands while taking it over from ${holder.owner}; retry`,
    };
  }
  deps.log.warn("took over a stale cluster lock", { cluster: request.cluster, staleOwner: holder.owner, status });
  return { acquired: true, tookOverFrom: holder };
}

export async function releaseClusterLock(
  deps: Pick<Deps, "state">,
  cluster: string,
  owner: string,
): Promise<{ released: boolean }> {
  return { released: await deps.state.releaseLock(cluster, owner) };
}
