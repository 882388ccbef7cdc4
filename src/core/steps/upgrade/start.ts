/** The first steps of an upgrade: validate the request, take the cluster lock, refresh upgrade insights. */
import { ClusterLockedError } from "../../errors";
import type { Deps } from "../../ports";
import { acquireClusterLock } from "../../replacement/lock";
import type { LockResult } from "../../roll/state";
import { parseUpgradeInput, type UpgradeInput } from "../../upgrade/input";
import type { PhaseProgress, UpgradeState } from "../../upgrade/state";

export function validateUpgradeInput(request: unknown): UpgradeInput {
  return parseUpgradeInput(request);
}

/** Takes the cluster lock, or throws ClusterLockedError when another live execution holds it. */
export async function acquireUpgradeLock(deps: Deps, state: UpgradeState): Promise<LockResult> {
  if (state.input.dryRun) return { acquired: true, inherited: true }; // a plan changes nothing: no lock
  const outcome = await acquireClusterLock(deps, {
    cluster: state.input.cluster,
    owner: state.run.executionId,
    operation: `upgrade-cluster to ${state.input.toVersion}`,
  });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return outcome.tookOverFrom ? { acquired: true, tookOverFrom: outcome.tookOverFrom.owner } : { acquired: true };
}

/** How long a refresh may take before preflight goes on with the insights EKS last computed. */
const INSIGHTS_REFRESH_LIMIT_SECONDS = 600;

/**
 * EKS recomputes upgrade insights on a schedule; a refresh makes them judge the cluster as it is now.
 * Polled by the workflow; self-managed clusters have none.
 */
export async function refreshInsights(deps: Deps, state: UpgradeState): Promise<PhaseProgress> {
  const previous = state.insightsRefresh;
  const attempts = (previous?.attempts ?? 0) + 1;
  const cluster = await deps.eks.describeCluster(state.input.cluster);
  if (!cluster)
    return {
      done: true,
      failed: false,
      waitSeconds: 0,
      attempts,
      activity: "no EKS insights for a self-managed cluster",
    };
  const now = deps.clock.now();
  if (!previous) {
    await deps.eks.startInsightsRefresh(state.input.cluster);
    return {
      done: false,
      failed: false,
      waitSeconds: 15,
      attempts,
      activity: "refreshing EKS upgrade insights",
      deadline: new Date(now.getTime() + INSIGHTS_REFRESH_LIMIT_SECONDS * 1000).toISOString(),
    };
  }
  const status = await deps.eks.describeInsightsRefresh(state.input.cluster);
  if (status === "IN_PROGRESS" && previous.deadline && now.toISOString() < previous.deadline) {
    return { ...previous, attempts, waitSeconds: 15 };
  }
  const activity =
    status === "COMPLETED"
      ? "upgrade insights refreshed"
      : `upgrade insights refresh ${status === "IN_PROGRESS" ? "still running" : status.toLowerCase()}: judging the insights EKS computed last`;
  return { done: true, failed: false, waitSeconds: 0, attempts, activity };
}
