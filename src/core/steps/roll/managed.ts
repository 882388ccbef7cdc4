/**
 * EKS managed node groups are updated by EKS itself (UpdateNodegroupVersion), after Tugboat's
 * preflight, and followed with DescribeUpdate to the end. When EKS gives up (PodEvictionFailure after
 * its 15-minute eviction window), Tugboat names the pod and the budget that blocked it.
 */

import { nextUpdateLookSeconds } from "../../estimates/poll";
import { observation, recordObservations } from "../../estimates/record";
import type { EksUpdateState } from "../../model/aws";
import type { Deps } from "../../ports";
import { coveredBy, isDrainable } from "../../roll/pods";
import type { ManagedUpdateResult, RollState } from "../../roll/state";
import { resolveSurge } from "../../roll/surge";

async function startVersionUpdate(deps: Deps, state: RollState): Promise<EksUpdateState> {
  const { input } = state;
  const managed = await deps.eks.describeNodegroup(input.cluster, input.nodeGroup);
  const launchTemplate = managed?.launchTemplate;
  return deps.eks.updateNodegroupVersion({
    cluster: input.cluster,
    nodegroup: input.nodeGroup,
    ...(launchTemplate?.id || launchTemplate?.name
      ? {
          launchTemplate: {
            ...(launchTemplate.id ? { id: launchTemplate.id } : { name: launchTemplate.name }),
            version: input.launchTemplateVersion ?? launchTemplate.version ?? "$Latest",
          },
        }
      : {}),
    ...(input.kubernetesVersion && !launchTemplate ? { version: input.kubernetesVersion } : {}),
    force: input.force,
  });
}

/** EKS updates a managed group in minutes: after the expected time, looks back off ×1.5 up to this. */
const LATE_POLL_MAX_SECONDS = 60;
/** A config update (updateConfig) takes seconds. */
const CONFIG_POLL_SECONDS = 10;

/** Looks from half the plan's prediction to 1.5× it, then backing off (core/estimates/poll.ts). */
function managedPoll(deps: Deps, state: RollState, startedAt: string): number {
  return nextUpdateLookSeconds(
    (deps.clock.now().getTime() - Date.parse(startedAt)) / 1000,
    state.plan?.predictedSeconds ?? 0,
    LATE_POLL_MAX_SECONDS,
  );
}

export async function startManagedUpdate(deps: Deps, state: RollState): Promise<ManagedUpdateResult> {
  const { input } = state;
  if (input.maxSurge !== undefined) {
    // EKS's knob for parallelism is updateConfig.maxUnavailable; Tugboat's surge maps onto it.
    const managed = await deps.eks.describeNodegroup(input.cluster, input.nodeGroup);
    const size = managed?.scalingConfig.desiredSize ?? 1;
    const maxUnavailable = Math.min(100, resolveSurge(input.maxSurge, size, 1));
    if (managed?.updateConfig.maxUnavailable !== maxUnavailable) {
      const update = await deps.eks.updateNodegroupConfig({
        cluster: input.cluster,
        nodegroup: input.nodeGroup,
        updateConfig: { maxUnavailable },
      });
      return {
        done: false,
        failed: false,
        attempts: 0,
        updateId: update.id,
        status: `config:${update.status}`,
        retryInSeconds: CONFIG_POLL_SECONDS,
      };
    }
  }
  const update = await startVersionUpdate(deps, state);
  const startedAt = deps.clock.now().toISOString();
  return {
    done: false,
    failed: false,
    attempts: 0,
    updateId: update.id,
    status: update.status,
    startedAt,
    retryInSeconds: managedPoll(deps, state, startedAt),
  };
}

export async function checkManagedUpdate(deps: Deps, state: RollState): Promise<ManagedUpdateResult> {
  const { input } = state;
  const previous = state.managed;
  if (!previous) throw new Error("managed update check without an update");
  const attempts = previous.attempts + 1;
  const isConfig = previous.status.startsWith("config:");
  const update = await deps.eks.describeUpdate({
    cluster: input.cluster,
    nodegroup: input.nodeGroup,
    updateId: previous.updateId,
  });
  if (update.status === "InProgress") {
    return {
      ...previous,
      attempts,
      status: isConfig ? `config:${update.status}` : update.status,
      retryInSeconds:
        isConfig || !previous.startedAt ? CONFIG_POLL_SECONDS : managedPoll(deps, state, previous.startedAt),
    };
  }
  if (update.status === "Successful") {
    if (!isConfig) {
      const outdated = state.plan?.outdated ?? 0;
      if (previous.startedAt && outdated > 0) {
        const seconds = (deps.clock.now().getTime() - Date.parse(previous.startedAt)) / 1000;
        await recordObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }, [
          observation(deps, state.run.runId, `managed-${previous.updateId}`, "managed-node", seconds / outdated),
        ]);
      }
      return { ...previous, attempts, done: true, status: update.status, retryInSeconds: 0 };
    }
    const next = await startVersionUpdate(deps, state);
    const startedAt = deps.clock.now().toISOString();
    return {
      done: false,
      failed: false,
      attempts,
      updateId: next.id,
      status: next.status,
      startedAt,
      retryInSeconds: managedPoll(deps, state, startedAt),
    };
  }
  const errors = update.errors.map((e) => `${e.code}: ${e.message}`).join("; ") || "no error details";
  const blocker = await describeBlocker(deps, state);
  return {
    ...previous,
    attempts,
    failed: true,
    status: update.status,
    retryInSeconds: 0,
    reason: `EKS update ${update.id} of node group ${input.nodeGroup} ${update.status.toLowerCase()}: ${errors}${blocker ? `; ${blocker}` : ""}`,
  };
}

/** Finds the pod and PDB that make evictions fail on the group's cordoned nodes. */
async function describeBlocker(deps: Deps, state: RollState): Promise<string | undefined> {
  const kube = await deps.kube(state.input.cluster);
  const [nodes, pods, pdbs] = await Promise.all([kube.listNodes(), kube.listPods(), kube.listPdbs()]);
  const cordoned = new Set(
    nodes
      .filter((n) => n.unschedulable && n.labels["eks.amazonaws.com/nodegroup"] === state.input.nodeGroup)
      .map((n) => n.name),
  );
  for (const pdb of pdbs) {
    if (pdb.disruptionsAllowed > 0) continue;
    const pod = pods.find((p) => p.nodeName && cordoned.has(p.nodeName) && isDrainable(p) && coveredBy(pdb, p));
    if (pod) {
      return `blocked by pod ${pod.namespace}/${pod.name} on ${pod.nodeName}: PodDisruptionBudget ${pdb.namespace}/${pdb.name} allows 0 disruptions (needs ${pdb.desiredHealthy} healthy, has ${pdb.currentHealthy})`;
    }
  }
  return undefined;
}
