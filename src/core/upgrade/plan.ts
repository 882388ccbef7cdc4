/**
 * Plans an upgrade: the control plane one minor at a time, the add-ons that must move at each step,
 * and as few node-group rolls as the rules allow. Pure: everything it needs is read beforehand.
 *
 * - EKS managed node groups must match the control plane before its next update, so they follow
 *   every step.
 * - Self-managed groups may lag within the version-skew policy, so they roll once, at the end, unless
 *   the next step would take them past the allowed skew; then they roll first, to the control plane's
 *   current minor, which keeps them valid for as many later steps as possible.
 * - An add-on moves when its installed version is not compatible with the new minor, to EKS's default
 *   for it; the VPC CNI one minor at a time, as its documentation requires.
 */
import { groupEstimates, type UpgradeEstimates, upgradeEstimates } from "../estimates/upgrade-estimates";
import type { EksAddonVersion } from "../model/aws";
import type { UpgradeInput } from "./input";
import type { AddonHop, ClusterSnapshot, GroupRoll, NodeGroupInfo, Phase, UpgradePlan } from "./state";
import {
  addonMinor,
  compareAddonVersions,
  compareMinors,
  kubeletSkewAllowed,
  maxKubeletSkew,
  minorNumber,
  upgradePath,
} from "./versions";

/** Add-on name → Kubernetes minor → versions compatible with it, newest first. */
export type AddonCompatibility = Record<string, Record<string, EksAddonVersion[]>>;

/** Add-ons EKS documents as needing one minor version at a time. */
export const ONE_MINOR_AT_A_TIME = new Set(["vpc-cni"]);

/** A step of an add-on's path; undefined with a reason when there is none. */
export function addonHops(
  addon: string,
  installed: string,
  compatible: EksAddonVersion[],
  minor: string,
): { hops: AddonHop[]; problem?: string } {
  if (compatible.some((v) => v.version === installed)) return { hops: [] };
  if (compatible.length === 0) {
    return { hops: [], problem: `add-on ${addon}: no version is compatible with Kubernetes ${minor}` };
  }
  const sorted = [...compatible].sort((a, b) => compareAddonVersions(b.version, a.version));
  const target = (sorted.find((v) => v.defaultVersion) ?? sorted[0])?.version as string;
  const reason = `${installed} is not compatible with Kubernetes ${minor}`;
  if (!ONE_MINOR_AT_A_TIME.has(addon)) return { hops: [{ addon, from: installed, version: target, reason }] };

  const hops: AddonHop[] = [];
  let current = installed;
  const minorParts = (v: string) => addonMinor(v).split(".").map(Number) as [number, number];
  const [targetMajor, targetMinor] = minorParts(target);
  while (addonMinor(current) !== addonMinor(target)) {
    const [major, minorOfCurrent] = minorParts(current);
    if (major !== targetMajor || minorOfCurrent > targetMinor) break;
    const nextMinor = `${major}.${minorOfCurrent + 1}`;
    const candidate =
      nextMinor === addonMinor(target) ? target : sorted.find((v) => addonMinor(v.version) === nextMinor)?.version;
    if (!candidate) {
      return {
        hops,
        problem: `add-on ${addon}: going from ${installed} to ${target} one minor at a time needs a v${nextMinor}.x version compatible with Kubernetes ${minor}, and EKS offers none`,
      };
    }
    hops.push({
      addon,
      from: current,
      version: candidate,
      reason:
        candidate === target ? reason : `${reason}; ${addon} moves one minor at a time (${current} → ${candidate})`,
    });
    current = candidate;
  }
  if (current !== target) hops.push({ addon, from: current, version: target, reason });
  return { hops };
}

/** The observation scope of a self-managed control plane's nodes (a node group of its own). */
export const CONTROL_PLANE_SCOPE = "control-plane";

/** Seconds of a drain per batch when the group has no history: a default grace period and some slack. */
const DRAIN_GUESS_SECONDS = 60;

function groupRollSeconds(group: NodeGroupInfo, estimates: UpgradeEstimates): number {
  const mine = groupEstimates(estimates, group.name);
  if (group.mode === "eks-managed" && mine.managedNode) return Math.round(mine.managedNode.median * group.nodes);
  // EKS replaces managed nodes a few at a time; Tugboat surges about 10% (at least one per zone) per batch.
  const batches =
    group.mode === "eks-managed" ? group.nodes : Math.ceil(group.nodes / Math.max(3, Math.ceil(group.nodes / 10)));
  const perBatch =
    mine.batch?.median ?? mine.replacementReady.median + (mine.batchDrain?.median ?? DRAIN_GUESS_SECONDS);
  return Math.round(Math.max(1, batches) * perBatch + 30);
}

function phaseSeconds(
  groups: GroupRoll[],
  byName: Map<string, NodeGroupInfo>,
  input: UpgradeInput,
  estimates: UpgradeEstimates,
): number {
  const durations = groups
    .map((g) => groupRollSeconds(byName.get(g.name) as NodeGroupInfo, estimates))
    .sort((a, b) => b - a);
  // Greedy assignment to `maxParallelRolls` lanes: the phase lasts as long as its busiest lane.
  const lanes = new Array<number>(Math.min(input.maxParallelRolls, Math.max(1, durations.length))).fill(0);
  for (const d of durations) {
    const lane = lanes.indexOf(Math.min(...lanes));
    lanes[lane] = (lanes[lane] ?? 0) + d;
  }
  return Math.max(0, ...lanes);
}

export function planUpgrade(
  snapshot: ClusterSnapshot,
  input: UpgradeInput,
  compatibility: AddonCompatibility,
  /** The cluster's and its node groups' observations, else published defaults (core/estimates). */
  estimates: UpgradeEstimates = upgradeEstimates([], {}),
): { plan: UpgradePlan; problems: string[] } {
  const from = snapshot.version;
  const to = input.toVersion;
  const path = compareMinors(to, from) > 0 ? upgradePath(from, to) : [];
  // A rerun after the control plane reached the target finishes what is left behind: no control-plane step.
  const steps = compareMinors(to, from) === 0 ? [to] : path;
  const phases: Phase[] = [];
  const problems: string[] = [];
  const explanation: string[] = [];
  const nodeGroupRolls: Record<string, number> = {};
  const byName = new Map(snapshot.nodeGroups.map((g) => [g.name, g]));
  // The kubelet minor each group will have as the plan unfolds (the oldest node counts).
  const kubelet = new Map(snapshot.nodeGroups.map((g) => [g.name, g.oldestKubelet ?? g.managedVersion ?? from]));
  const addonVersion = new Map(snapshot.addons.map((a) => [a.name, a.version]));
  let addonUpdates = 0;

  const rollPhase = (toVersion: string, groups: GroupRoll[]) => {
    if (groups.length === 0) return;
    for (const g of groups) {
      nodeGroupRolls[g.name] = (nodeGroupRolls[g.name] ?? 0) + 1;
      kubelet.set(g.name, toVersion);
    }
    phases.push({
      kind: "node-groups",
      toVersion,
      groups,
      predictedSeconds: phaseSeconds(groups, byName, input, estimates),
    });
  };

  steps.forEach((minor, index) => {
    const previous = index === 0 ? from : (steps[index - 1] as string);
    const last = index === steps.length - 1;
    const movesControlPlane = minor !== from;

    const mustRollFirst: GroupRoll[] = [];
    for (const group of snapshot.nodeGroups) {
      const current = kubelet.get(group.name) as string;
      if (group.mode === "self-managed-asg" && group.nodes > 0 && !kubeletSkewAllowed(minor, current)) {
        mustRollFirst.push({
          name: group.name,
          mode: group.mode,
          toVersion: previous,
          nodes: group.nodes,
          reason: `its kubelets on ${current} would be ${minorNumber(minor) - minorNumber(current)} minors behind API server ${minor}; the skew policy allows ${maxKubeletSkew(minor)}`,
        });
      }
    }
    rollPhase(previous, mustRollFirst);

    if (movesControlPlane)
      phases.push({
        kind: "control-plane",
        mode: snapshot.kind,
        toVersion: minor,
        predictedSeconds:
          snapshot.kind === "eks"
            ? Math.round(estimates.controlPlaneUpdate.median)
            : (snapshot.controlPlane?.nodes ?? 3) *
              Math.round(groupEstimates(estimates, CONTROL_PLANE_SCOPE).replacementReady.median + DRAIN_GUESS_SECONDS),
      });
    explanation.push(
      `control plane ${previous} → ${minor}${snapshot.kind === "eks" ? " (EKS UpdateClusterVersion)" : " (one control-plane node at a time, etcd quorum kept)"}`,
    );

    const hops: AddonHop[] = [];
    for (const [addon, installed] of addonVersion) {
      // Not read: the version itself is unknown, which preflight reports once.
      const compatible = compatibility[addon]?.[minor];
      if (!compatible) continue;
      const result = addonHops(addon, installed, compatible, minor);
      if (result.problem) problems.push(result.problem);
      hops.push(...result.hops);
      const lastHop = result.hops[result.hops.length - 1];
      if (lastHop) addonVersion.set(addon, lastHop.version);
    }
    if (hops.length > 0) {
      addonUpdates += hops.length;
      phases.push({
        kind: "addons",
        toVersion: minor,
        hops,
        predictedSeconds: Math.round(hops.length * estimates.addonUpdate.median),
      });
      for (const hop of hops) explanation.push(`  add-on ${hop.addon} ${hop.from} → ${hop.version}: ${hop.reason}`);
    }

    const follow: GroupRoll[] = [];
    for (const group of snapshot.nodeGroups) {
      const current = kubelet.get(group.name) as string;
      if (compareMinors(current, minor) >= 0) continue;
      if (group.mode === "eks-managed") {
        follow.push({
          name: group.name,
          mode: group.mode,
          toVersion: minor,
          nodes: group.nodes,
          reason: last
            ? "to the target version"
            : "EKS requires managed node groups to match the control plane before its next update",
        });
      } else if (last && group.nodes > 0) {
        follow.push({
          name: group.name,
          mode: group.mode,
          toVersion: minor,
          nodes: group.nodes,
          reason: "to the target version, once: self-managed nodes may lag within the skew policy until then",
        });
      }
    }
    rollPhase(minor, follow);
    for (const g of [...mustRollFirst, ...follow])
      explanation.push(`  node group ${g.name} → ${g.toVersion}: ${g.reason}`);
  });

  for (const group of snapshot.nodeGroups) {
    if (group.mode === "self-managed-asg" && (nodeGroupRolls[group.name] ?? 0) === 1 && path.length > 1) {
      explanation.push(
        `node group ${group.name} rolls once: within the skew policy at every step, so it waits for the target`,
      );
    }
  }

  const controlPlaneUpdates = path.length;
  return {
    plan: {
      fromVersion: from,
      toVersion: to,
      path,
      phases,
      controlPlaneUpdates,
      nodeGroupRolls,
      addonUpdates,
      predictedSeconds: phases.reduce((sum, p) => sum + p.predictedSeconds, 0),
      estimateSource: estimates.source,
      explanation,
    },
    problems,
  };
}
