/**
 * `cleanup` (instance terminated or stopped) and `ignore`. Cleanup removes the Node object a gone
 * instance leaves behind, so pods stop being scheduled to it and the node list stays true, and releases
 * a cluster lock still held by a dead reaction about the same instance. It re-checks the instance first:
 * events arrive out of order, and a node whose instance is running again is never deleted.
 */
import type { Deps } from "../../ports";
import { findInstanceHolder, replacementOperation } from "./holder";
import { matchNode } from "./identity";
import { finishedReaction, type ReactionProgress, type ReactionState } from "./state";

const STILL_THERE = new Set(["pending", "running"]);

export async function cleanUpAfterInstance(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  const { request, run } = state;
  const actions: string[] = [];
  const [instance] = await deps.ec2.describeInstances([request.instanceId]);
  if (instance && STILL_THERE.has(instance.state)) {
    return finishedReaction(`${request.instanceId} is ${instance.state} again: its node is left alone`);
  }
  const kube = await deps.kube(request.cluster);
  const node = matchNode(await kube.listNodes(), request.instanceId, request.privateDnsName);
  if (node) {
    const deleted = await kube.deleteNode(node.name);
    if (deleted === "deleted") {
      actions.push(`deleted node ${node.name}`);
      deps.log.info(`deleted node ${node.name}: its instance ${request.instanceId} is ${instance?.state ?? "gone"}`, {
        runId: run.runId,
        node: node.name,
        instanceId: request.instanceId,
        action: "cleanup",
      });
    }
  }
  const lock = await deps.state.getLock(request.cluster);
  if (lock && lock.operation === replacementOperation(request.instanceId)) {
    const live = await findInstanceHolder(deps, request.cluster, request.instanceId, run.executionId);
    if (!live && (await deps.state.releaseLock(request.cluster, lock.owner))) {
      actions.push(`released the cluster lock left by ${lock.owner}`);
      deps.log.warn(`released the cluster lock of a dead replacement of ${request.instanceId}`, {
        runId: run.runId,
        staleOwner: lock.owner,
      });
    }
  }
  return finishedReaction(actions.length > 0 ? actions.join("; ") : `nothing left behind by ${request.instanceId}`);
}

export function ignoreEvent(_deps: Deps, state: ReactionState): ReactionProgress {
  return finishedReaction(state.target?.note || state.request.reason);
}
