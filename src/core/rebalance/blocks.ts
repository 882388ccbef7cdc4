/**
 * The node-replacement building blocks a rebalance uses, each reached through one function here: the
 * cluster lock, the one-node drain pass, and the reconciler of dead runs' leftovers. They live with
 * the roll and the event reactions today; when they move into one shared block, only this file changes.
 */
import { ClusterLockedError } from "../errors";
import { type DrainPassResult, drainPass } from "../events/react/drain-node";
import { acquireClusterLock, releaseClusterLock } from "../lock";
import type { Deps, KubePort } from "../ports";
import type { ReconcileResult, RollState } from "../roll/state";
import { reconcileLeftovers } from "../steps/roll/start";

export const REBALANCE_OPERATION = "rebalance-azs";

/** Takes the cluster lock for this execution, or throws ClusterLockedError naming the holder. */
export async function takeClusterLock(
  deps: Deps,
  cluster: string,
  executionId: string,
): Promise<{ acquired: true; tookOverFrom?: string }> {
  const outcome = await acquireClusterLock(deps, { cluster, owner: executionId, operation: REBALANCE_OPERATION });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return outcome.tookOverFrom ? { acquired: true, tookOverFrom: outcome.tookOverFrom.owner } : { acquired: true };
}

export function releaseLock(deps: Deps, cluster: string, executionId: string): Promise<{ released: boolean }> {
  return releaseClusterLock(deps, cluster, executionId);
}

/**
 * Repairs what dead runs left behind, whatever workflow wrote them: a rebalance journals its moves in
 * the same run-record shape the reconciler reads (group, original sizes, per-move cordons and terminations).
 */
export function reconcileDeadRuns(
  deps: Deps,
  cluster: string,
  run: { executionId: string; runId: string; startedAt: string },
): Promise<ReconcileResult> {
  const state = { input: { cluster }, run } as unknown as RollState;
  return reconcileLeftovers(deps, state);
}

/** One pass of draining one node: cordon (idempotent), then evict through the Eviction API only. */
export function drainNodePass(
  deps: Deps,
  kube: KubePort,
  node: { runId: string; nodeName: string; instanceId: string; why: string },
): Promise<DrainPassResult> {
  return drainPass(deps, kube, { ...node, watchOnly: false });
}
