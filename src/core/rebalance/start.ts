/** The first steps of a rebalance: validate the request, take the cluster lock, repair dead runs' leftovers. */
import { InvalidInputError } from "../errors";
import type { Deps } from "../ports";
import { CLUSTER_TAG } from "../roll/read-group";
import type { LockResult, ReconcileResult, RunRef } from "../roll/state";
import { reconcileDeadRuns, takeClusterLock } from "./blocks";
import { parseRebalanceRequest, type RebalanceInput } from "./input";
import type { RebalanceRunData, RebalanceState } from "./state";

/** Parses the request and names the cluster (a failed launch names only its group, whose tags name the cluster). */
export async function validateRebalanceInput(deps: Deps, state: { request?: unknown }): Promise<RebalanceInput> {
  const request = parseRebalanceRequest(state.request);
  let cluster = request.cluster;
  if (!cluster && request.autoScalingGroupName) {
    const group = await deps.autoScaling.describeGroup(request.autoScalingGroupName);
    cluster = group?.tags[CLUSTER_TAG];
    if (!cluster) {
      throw new InvalidInputError(
        `autoScalingGroupName: group ${request.autoScalingGroupName} ${group ? `has no ${CLUSTER_TAG} tag` : "does not exist"}; Tugboat manages only groups tagged with their cluster`,
      );
    }
  }
  const zone = request.zone ?? (request.statusMessage ? zoneInCapacityMessage(request.statusMessage) : undefined);
  return { ...request, cluster: cluster as string, ...(zone ? { zone } : {}) };
}

/** Takes the cluster lock (ClusterLockedError when another live execution holds it) and opens the run record. */
export async function acquireRebalanceLock(
  deps: Deps,
  state: { input: RebalanceInput; run: RunRef },
): Promise<LockResult> {
  const { input } = state;
  const lock = await takeClusterLock(deps, input.cluster, state.run.executionId);
  const now = deps.clock.now().toISOString();
  const data: RebalanceRunData = {
    workflow: "rebalance-azs",
    trigger: input.trigger,
    moves: 0,
    launched: 0,
    removed: 0,
    capacityFailures: {},
    suspensions: {},
    notes: [],
  };
  const existing = await deps.state.getRun(state.run.runId);
  if (!existing) {
    await deps.state.putRun({
      runId: state.run.runId,
      cluster: input.cluster,
      nodeGroup: input.nodeGroups?.join(",") ?? "*",
      workflow: "rebalance-azs",
      status: "running",
      startedAt: state.run.startedAt,
      updatedAt: now,
      data: data as unknown as Record<string, unknown>,
    });
  }
  return lock;
}

/** Safety invariant 6: what runs that died left behind (cordons, raised sizes) is put back first. */
export function reconcileRebalanceLeftovers(deps: Deps, state: RebalanceState): Promise<ReconcileResult> {
  return reconcileDeadRuns(deps, state.input.cluster, state.run);
}

/** The zone EC2's InsufficientInstanceCapacity message names: "… in the Availability Zone you requested (us-east-1c)." */
export function zoneInCapacityMessage(message: string): string | undefined {
  return /Availability Zone you requested \(([a-z0-9-]+)\)/.exec(message)?.[1];
}
