/**
 * One lifecycle operation per cluster at a time (safety invariant 5): a lock held by an execution
 * (its identity: `owner`, and what it does: `operation`), one per cluster, taken over only when its
 * holder is provably no longer running, or when the lease it took has expired (a holder promises to
 * be done by then: an execution past its own timeout). Whoever takes a lock over reconciles the dead
 * holder's journal (`reconcile.ts`) before changing anything.
 */
import type { LockRecord } from "../model/state";
import type { Deps } from "../ports";

export type LockOutcome =
  | { acquired: true; tookOverFrom?: LockRecord }
  | { acquired: false; holder: LockRecord; reason: string };

export interface LockRequest {
  cluster: string;
  /** The execution taking the lock (its ARN in AWS, its id in the sandbox). */
  owner: string;
  /** What it does, for the refusal another operation shows: "roll-node-group workers". */
  operation: string;
  /** The lease: past it, another operation may take the lock over even from a running holder. None: no expiry. */
  leaseSeconds?: number;
}

export type LockDeps = Pick<Deps, "state" | "executions" | "clock" | "log">;

/** True when the lock's lease is over at `nowMs`. */
export function lockExpired(lock: LockRecord, nowMs: number): boolean {
  return lock.expiresAt !== undefined && nowMs >= Date.parse(lock.expiresAt);
}

export async function acquireClusterLock(deps: LockDeps, request: LockRequest): Promise<LockOutcome> {
  const now = deps.clock.now();
  const { leaseSeconds, ...identity } = request;
  const lock: LockRecord = {
    ...identity,
    acquiredAt: now.toISOString(),
    ...(leaseSeconds !== undefined ? { expiresAt: new Date(now.getTime() + leaseSeconds * 1000).toISOString() } : {}),
  };
  const first = await deps.state.putLockIfAbsent(lock);
  if (first.ok) return { acquired: true };
  const holder = first.holder;
  if (holder.owner === request.owner) return { acquired: true }; // a retried step: we already hold it
  const expired = lockExpired(holder, now.getTime());
  const status = expired ? "EXPIRED" : await deps.executions.status(holder.owner);
  if (status === "RUNNING") {
    return {
      acquired: false,
      holder,
      reason: `cluster ${request.cluster} is locked by execution ${holder.owner} (${holder.operation}, since ${holder.acquiredAt}${holder.expiresAt ? `, lease until ${holder.expiresAt}` : ""}); wait for it to finish or abort it with: tug abort ${request.cluster}`,
    };
  }
  // The holder ended without releasing (a hard stop or crash) or outlived its lease: take over; the
  // caller reconciles its leftovers.
  const replaced = await deps.state.replaceLock(holder.owner, lock);
  if (!replaced) {
    const current = await deps.state.getLock(request.cluster);
    return {
      acquired: false,
      holder: current ?? holder,
      reason: `cluster ${request.cluster} lock changed hands while taking it over from ${holder.owner}; retry`,
    };
  }
  deps.log.warn("took over a stale cluster lock", { cluster: request.cluster, staleOwner: holder.owner, status });
  return { acquired: true, tookOverFrom: holder };
}

/** Deletes the lock only if `owner` holds it. */
export async function releaseClusterLock(
  deps: Pick<Deps, "state">,
  cluster: string,
  owner: string,
): Promise<{ released: boolean }> {
  return { released: await deps.state.releaseLock(cluster, owner) };
}
