/**
 * Creation holds the cluster lock (safety invariant 5), the same lease lock as the roll, the upgrade
 * and the rebalance (core/replacement/lock.ts), named by the spec's cluster: a roll or an upgrade of a
 * cluster being created is refused until the creation ends, and a second creation of the same name
 * while the first runs ends refused, naming the execution that holds it. Taken after validation (a
 * dry run changes nothing and takes none), released on the way out whatever the outcome.
 */
import { ClusterLockedError } from "../errors";
import { acquireClusterLock, type LockDeps, releaseClusterLock } from "../replacement/lock";
import type { CreateState } from "./state";

export interface CreateLock {
  acquired: true;
  cluster: string;
  /** A dead execution's lock taken over (it was no longer running). */
  tookOverFrom?: string;
}

export async function acquireCreateLock(deps: LockDeps, state: CreateState): Promise<CreateLock> {
  const spec = state.validation?.spec;
  if (!spec) throw new ClusterLockedError("no validated spec names the cluster to lock");
  const outcome = await acquireClusterLock(deps, {
    cluster: spec.name,
    owner: state.run.executionId,
    operation: `create-cluster ${spec.name}`,
  });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return {
    acquired: true,
    cluster: spec.name,
    ...(outcome.tookOverFrom ? { tookOverFrom: outcome.tookOverFrom.owner } : {}),
  };
}

/** Releases the lock if this run holds it; a run that never took it (refused, dry run) releases nothing. */
export async function releaseCreateLock(
  deps: Pick<LockDeps, "state">,
  state: CreateState,
): Promise<{ released: boolean }> {
  if (!state.lock?.acquired) return { released: false };
  return releaseClusterLock(deps, state.lock.cluster, state.run.executionId);
}
