/** The first steps of a roll: validate the request, take the cluster lock, reconcile dead runs' leftovers. */
import { ClusterLockedError } from "../../errors";
import type { Deps } from "../../ports";
import { acquireClusterLock } from "../../replacement/lock";
import { reconcileDeadRuns } from "../../replacement/reconcile";
import { parseRollInput, type RollInput } from "../../roll/input";
import { NODEGROUP_TAG } from "../../roll/read-group";
import type { LockResult, ReconcileResult, RollState, RunRef } from "../../roll/state";

/** The tag EKS puts on the Auto Scaling group of a managed node group. */
const EKS_NODEGROUP_TAG = "eks:nodegroup-name";

export function validateRollInput(request: unknown): RollInput {
  return parseRollInput(request);
}

/** Takes the cluster lock, or throws ClusterLockedError when another live execution holds it. */
export async function acquireRollLock(deps: Deps, state: { input: RollInput; run: RunRef }): Promise<LockResult> {
  const parent = state.input.parentExecutionId;
  if (parent) {
    const holder = await deps.state.getLock(state.input.cluster);
    if (holder?.owner === parent) return { acquired: true, inherited: true };
    throw new ClusterLockedError(
      `this roll runs on behalf of execution ${parent}, which does not hold the lock of cluster ${state.input.cluster}${holder ? ` (held by ${holder.owner}, ${holder.operation})` : ""}`,
    );
  }
  const outcome = await acquireClusterLock(deps, {
    cluster: state.input.cluster,
    owner: state.run.executionId,
    operation: `roll-node-group ${state.input.nodeGroup}`,
  });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return outcome.tookOverFrom ? { acquired: true, tookOverFrom: outcome.tookOverFrom.owner } : { acquired: true };
}

/**
 * Safety invariant 6: what runs that ended without their way out left behind (cordons, taints, raised
 * sizes, suspended processes, instances that never joined) is undone from their journals before
 * planning, whatever workflow wrote them (core/replacement/reconcile.ts). Holding the lock proves no
 * other operation is live; a run whose execution still runs (a sibling child roll of the same
 * upgrade, a reaction draining a node) is left alone.
 */
export async function reconcileLeftovers(deps: Deps, state: RollState): Promise<ReconcileResult> {
  const dead = await reconcileDeadRuns(deps, { cluster: state.input.cluster, runId: state.run.runId });
  const result: ReconcileResult = { reconciledRuns: dead.reconciledRuns, actions: dead.actions };
  // A dead run's sizes of this node group's group: this run restores the group to them, and reuses its
  // Ready replacements. Sizes of other groups were restored above and are none of this run's business.
  for (const [asgName, sizes] of Object.entries(dead.originalSizes)) {
    const group = await deps.autoScaling.describeGroup(asgName);
    const nodeGroup = group?.tags[NODEGROUP_TAG] ?? group?.tags[EKS_NODEGROUP_TAG];
    if (group && nodeGroup === state.input.nodeGroup) {
      result.original = { ...sizes, suspendedProcesses: group.suspendedProcesses };
      break;
    }
  }
  return result;
}
