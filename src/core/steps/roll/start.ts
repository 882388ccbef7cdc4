/** The first steps of a roll: validate the request, take the cluster lock, reconcile dead runs' leftovers. */
import { ClusterLockedError } from "../../errors";
import { acquireClusterLock } from "../../lock";
import type { Deps } from "../../ports";
import { parseRollInput, type RollInput } from "../../roll/input";
import {
  batchKey,
  type LockResult,
  type ReconcileResult,
  type RollRunData,
  type RollState,
  type RunRef,
  type StoredBatch,
} from "../../roll/state";
import { removeOutdatedTaints } from "./untaint";

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
 * Safety invariant 6: leftovers of runs that ended without cleaning up (cordoned nodes, raised sizes,
 * suspended processes) are put back before planning. Holding the lock proves no other run is live.
 */
export async function reconcileLeftovers(deps: Deps, state: RollState): Promise<ReconcileResult> {
  const result: ReconcileResult = { reconciledRuns: [], actions: [] };
  const runs = await deps.state.listRuns(state.input.cluster, 20);
  const kube = await deps.kube(state.input.cluster);
  for (const run of runs) {
    if (run.status !== "running" || run.runId === state.run.runId) continue;
    const data = run.data as unknown as RollRunData;
    // Rolls of other node groups under the same live upgrade hold the same lock: they are not dead.
    const parent = state.input.parentExecutionId;
    if (parent && data.parentExecutionId === parent) continue;
    if (!data.original || !data.asgName) continue;
    for (let index = 0; index < (data.batchesStarted ?? 0); index++) {
      const batch = await deps.state.getItem<StoredBatch>(run.runId, batchKey(index));
      for (const name of batch?.cordoned ?? []) {
        const victim = batch?.victims.find((v) => v.nodeName === name);
        if (victim && batch?.terminated.includes(victim.instanceId)) continue;
        const change = await kube.setUnschedulable(name, false);
        if (change === "changed") result.actions.push(`uncordoned ${name} (cordoned by ${run.runId})`);
      }
    }
    const group = await deps.autoScaling.describeGroup(data.asgName);
    if (group) {
      const toResume = (data.suspendedByRun ?? []).filter((p) => group.suspendedProcesses.includes(p));
      if (toResume.length > 0) {
        await deps.autoScaling.resumeProcesses(data.asgName, toResume);
        result.actions.push(`resumed ${toResume.join(", ")} on ${data.asgName}`);
      }
      const maxSize = Math.max(data.original.maxSize, group.desiredCapacity);
      if (group.maxSize !== maxSize || group.minSize !== data.original.minSize) {
        await deps.autoScaling.updateSizes(data.asgName, { minSize: data.original.minSize, maxSize });
        result.actions.push(`restored ${data.asgName} min ${data.original.minSize}, max ${maxSize}`);
      }
      result.original = data.original;
    }
    run.status = "failed";
    run.updatedAt = deps.clock.now().toISOString();
    run.data = { ...run.data, reconciledBy: state.run.runId };
    await deps.state.putRun(run);
    result.reconciledRuns.push(run.runId);
  }
  if (result.reconciledRuns.length > 0) {
    const untainted = await removeOutdatedTaints(kube);
    if (untainted.length > 0) result.actions.push(`removed stale outdated-node taints from ${untainted.length} nodes`);
  }
  for (const action of result.actions) deps.log.info(action, { runId: state.run.runId });
  return result;
}
