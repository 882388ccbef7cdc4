/**
 * After every phase: count what was done, and look at the cluster the way the skew policy does
 * (API server minor against the oldest kubelet). A phase that failed, or a cluster found outside the
 * policy, stops the upgrade here.
 */
import type { Deps } from "../../ports";
import { kubeletMinor } from "../../roll/snapshot-types";
import { emptyDone, type Observation, type UpgradeState } from "../../upgrade/state";
import { compareMinors, kubeletSkewAllowed, maxKubeletSkew, minorNumber } from "../../upgrade/versions";
import { currentPhase } from "./phases";

export async function readSkew(
  deps: Deps,
  cluster: string,
): Promise<Omit<Observation, "done" | "maxKubeletSkew"> & { skew: number }> {
  const kube = await deps.kube(cluster);
  const [eks, nodes] = await Promise.all([deps.eks.describeCluster(cluster), kube.listNodes()]);
  const controlPlaneVersion = eks?.version ?? (await kube.serverVersion()).minor;
  // A Node outlives its instance by the time the cloud controller takes to notice: kubelets of
  // instances already shutting down are not part of the cluster any more.
  const behind = nodes.filter((n) => n.instanceId && kubeletMinor(n.kubeletVersion) !== controlPlaneVersion);
  const leaving = new Set(
    behind.length > 0
      ? (await deps.ec2.describeInstances(behind.map((n) => n.instanceId as string)))
          .filter((i) => i.state === "shutting-down" || i.state === "terminated")
          .map((i) => i.instanceId)
      : [],
  );
  const minors = nodes
    .filter((n) => !n.instanceId || !leaving.has(n.instanceId))
    .map((n) => kubeletMinor(n.kubeletVersion))
    .filter((m): m is string => m !== undefined);
  const oldest = [...minors].sort(compareMinors)[0];
  return {
    controlPlaneVersion,
    ...(oldest ? { oldestKubelet: oldest } : {}),
    nodesNotReady: nodes.filter((n) => !n.ready).length,
    skew: oldest ? minorNumber(controlPlaneVersion) - minorNumber(oldest) : 0,
  };
}

export async function observePhase(deps: Deps, state: UpgradeState): Promise<Observation> {
  const previous = state.observed;
  const done = structuredClone(previous?.done ?? emptyDone());
  const seen = await readSkew(deps, state.input.cluster);
  const { skew, ...view } = seen;
  const observation: Observation = { ...view, maxKubeletSkew: Math.max(previous?.maxKubeletSkew ?? 0, skew), done };

  if (state.cursor && !state.cursor.finished && state.progress) {
    const phase = currentPhase(state);
    const progress = state.progress;
    if (phase.kind === "control-plane" && progress.done) done.controlPlaneUpdates++;
    if (phase.kind === "addons") done.addonUpdates += progress.hopsDone ?? 0;
    if (phase.kind === "node-groups") {
      for (const result of state.rollResults ?? []) {
        if (result.output?.summary?.outcome === "succeeded") {
          done.nodeGroupRolls[result.nodeGroup] = (done.nodeGroupRolls[result.nodeGroup] ?? 0) + 1;
        }
      }
    }
    if (progress.failed) observation.halt = progress.reason ?? `phase ${state.cursor.index + 1} failed`;
  }
  if (!observation.halt && seen.oldestKubelet && !kubeletSkewAllowed(seen.controlPlaneVersion, seen.oldestKubelet)) {
    observation.halt = `kubelets on ${seen.oldestKubelet} are ${skew} minors behind API server ${seen.controlPlaneVersion}, beyond the policy's ${maxKubeletSkew(seen.controlPlaneVersion)}: stopping before anything moves further; roll the oldest node group to ${seen.controlPlaneVersion}, then rerun`;
  }
  deps.log.info(
    `observed: API server ${seen.controlPlaneVersion}, oldest kubelet ${seen.oldestKubelet ?? "none"}, skew ${skew}`,
    { runId: state.run.runId },
  );
  return observation;
}
