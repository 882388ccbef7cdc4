/**
 * The first step of a reaction: validate the request, then re-read live state before acting (DESIGN §9,
 * "re-validate before destroying"). Events arrive late, twice, or out of order; the instance may be gone,
 * its node may never have joined, or a running roll may already be draining it. The decided action is
 * kept, or turned into the one that still makes sense, with a note saying why.
 */
import type { Deps } from "../../ports";
import type { RunRef } from "../../roll/state";
import type { EventAction } from "../decision";
import { findInstanceHolder } from "./holder";
import { ASG_NAME_TAG, matchNode } from "./identity";
import { parseReactionRequest, type ReactionRequest } from "./request";
import { recordReactionRun } from "./run-record";
import type { InstanceHolder, TargetResult } from "./state";

const NODEGROUP_TAGS = ["tugboat:nodegroup", "eks:nodegroup-name"];

interface LiveFacts {
  instanceState: string | null;
  nodeName: string | null;
  holder: InstanceHolder | null;
}

function isGone(state: string | null): boolean {
  return state === null || state === "terminated";
}

/** The action that still makes sense, and why it changed (empty when it did not). */
export function effectiveAction(request: ReactionRequest, facts: LiveFacts): { action: EventAction; note: string } {
  const { instanceId } = request;
  const { instanceState, nodeName, holder } = facts;
  const gone = isGone(instanceState);
  const leftover = (why: string): { action: EventAction; note: string } =>
    nodeName
      ? { action: "cleanup", note: `${why}; its node ${nodeName} is left behind, so clean up instead` }
      : { action: "ignore", note: `${why} and has no node: nothing left to do` };

  switch (request.action) {
    case "drain":
      if (gone) return leftover(`${instanceId} is already ${instanceState ?? "gone from EC2"}`);
      if (holder?.terminated)
        return { action: "ignore", note: `already drained and terminated by ${holder.description}` };
      if (!nodeName) return { action: "ignore", note: `${instanceId} has no node in the cluster: nothing to drain` };
      return { action: "drain", note: holder ? `held by ${holder.description}: watching, not draining twice` : "" };
    case "replace":
      if (gone || instanceState === "shutting-down") {
        return leftover(`${instanceId} is already ${instanceState ?? "gone from EC2"}, so there is nothing to replace`);
      }
      if (holder) return { action: "ignore", note: `${instanceId} is already being replaced by ${holder.description}` };
      return { action: "replace", note: "" };
    case "drain-and-complete-lifecycle":
      if (holder?.terminated) {
        return { action: "complete-lifecycle", note: `its termination is ${holder.description}: completing at once` };
      }
      if (!nodeName) {
        return {
          action: "complete-lifecycle",
          note: `${instanceId} has no node (it never joined, or its node is already gone): completing at once`,
        };
      }
      return { action: "drain-and-complete-lifecycle", note: holder ? `held by ${holder.description}: watching` : "" };
    default:
      return { action: request.action, note: "" };
  }
}

export async function lookAtTarget(deps: Deps, state: { request: unknown; run: RunRef }): Promise<TargetResult> {
  const request = parseReactionRequest(state.request);
  // EC2 lists a terminated instance for about an hour, then not at all: both read as gone.
  const [instance] = await deps.ec2.describeInstances([request.instanceId]);
  const privateDnsName = instance?.privateDnsName || request.privateDnsName;
  const kube = await deps.kube(request.cluster);
  const node = matchNode(await kube.listNodes(), request.instanceId, privateDnsName);
  const holder = await findInstanceHolder(deps, request.cluster, request.instanceId, state.run.executionId);
  const facts: LiveFacts = { instanceState: instance?.state ?? null, nodeName: node?.name ?? null, holder };
  const { action, note } = effectiveAction(request, facts);

  const groupName = instance?.tags[ASG_NAME_TAG] ?? request.groupName;
  const nodeGroup = NODEGROUP_TAGS.map((tag) => instance?.tags[tag]).find(Boolean) ?? groupName ?? "-";
  await recordReactionRun(deps, state.run, request, { nodeGroup, nodeName: facts.nodeName, action });
  deps.log.info(`reaction to ${request.eventKind} for ${request.instanceId}: ${action}${note ? ` (${note})` : ""}`, {
    runId: state.run.runId,
    eventId: request.eventId,
    instanceId: request.instanceId,
    node: facts.nodeName,
    decided: request.action,
    action,
  });
  return {
    action,
    note,
    nodeName: facts.nodeName,
    nodeReady: node?.ready ?? false,
    instanceState: facts.instanceState,
    availabilityZone: instance?.availabilityZone || request.availabilityZone,
    groupName,
    privateDnsName: privateDnsName ?? null,
    holder,
  };
}
