/**
 * Creation and deletion hold the cluster lock (safety invariant 5), the same lease lock as the roll,
 * the upgrade and the rebalance (core/replacement/lock.ts), named by the cluster: a roll or an upgrade
 * of a cluster being created or deleted is refused until that run ends, and a second creation of the
 * same name while the first runs ends refused, naming the execution that holds it. Taken after
 * validation (a dry run changes nothing and takes none), released on the way out whatever the outcome.
 */
import { ClusterLockedError } from "../errors";
import { acquireClusterLock, type LockDeps, releaseClusterLock } from "../replacement/lock";
import type { DeleteState } from "./delete-state";
import type { CreateState, RunRef } from "./state";

export interface CreateLock {
  acquired: true;
  cluster: string;
  /** A dead execution's lock taken over (it was no longer running). */
  tookOverFrom?: string;
}

export async function acquireCreateLock(deps: LockDeps, state: CreateState): Promise<CreateLock> {
  const name = state.validation?.spec.name;
  if (!name) throw new ClusterLockedError("no validated spec names the cluster to lock");
  return acquire(deps, state.run, name, `create-cluster ${name}`);
}

export async function acquireDeleteLock(deps: LockDeps, state: DeleteState): Promise<CreateLock> {
  const name = state.request.cluster;
  if (!name) throw new ClusterLockedError("the request names no cluster to lock");
  return acquire(deps, state.run, name, `delete-cluster ${name}`);
}

async function acquire(deps: LockDeps, run: RunRef, cluster: string, operation: string): Promise<CreateLock> {
  const outcome = await acquireClusterLock(deps, { cluster, owner: run.executionId, operation });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return { acquired: true, cluster, ...(outcome.tookOverFrom ? { tookOverFrom: outcome.tookOverFrom.owner } : {}) };
}

/** Releases the lock if this run holds it; a run that never took it (refused, dry run) releases nothing. */
export async function releaseCreateLock(
  deps: Pick<LockDeps, "state">,
  state: { lock?: CreateLock; run: RunRef },
): Promise<{ released: boolean }> {
  if (!state.lock?.acquired) return { released: false };
  return releaseClusterLock(deps, state.lock.cluster, state.run.executionId);
}
