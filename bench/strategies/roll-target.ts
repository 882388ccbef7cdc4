/**
 * What every strategy reads before it starts, and re-reads while it waits: the Auto Scaling group
 * behind the node group, its outdated members, and the Kubernetes nodes joined to them by instance
 * id. Everything goes through the production ports, so each read is an API call that is counted.
 */

import type { AsgInstance, AutoScalingGroupState } from "../../src/core/model/aws";
import type { KubeNode } from "../../src/core/model/kube";
import type { KubePort } from "../../src/core/ports";
import { findOutdated } from "../../src/core/roll/outdated";
import { readGroup } from "../../src/core/roll/read-group";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { type BenchGroup, StrategyFailed } from "./types";

export interface OutdatedMember {
  instanceId: string;
  availabilityZone: string;
  nodeName?: string;
}

export interface RollTarget {
  group: BenchGroup;
  asgName: string;
  kube: KubePort;
  /** The group's sizes before the roll. */
  original: { minSize: number; maxSize: number; desiredCapacity: number };
  zones: string[];
  /** Launch template version new instances get; members on another version are outdated. */
  targetVersion?: string;
  /** Outdated members at the start, by AZ then instance id. */
  outdated: OutdatedMember[];
}

export async function openRollTarget(sandbox: Sandbox, group: BenchGroup): Promise<RollTarget> {
  const snapshot = await readGroup(sandbox.deps, group.cluster, group.nodeGroup);
  const kube = await sandbox.deps.kube(group.cluster);
  const outdated = findOutdated(snapshot.members, snapshot.target).map((m) => ({
    instanceId: m.instanceId,
    availabilityZone: m.availabilityZone,
    ...(m.nodeName ? { nodeName: m.nodeName } : {}),
  }));
  return {
    group,
    asgName: snapshot.asg.name,
    kube,
    original: {
      minSize: snapshot.asg.minSize,
      maxSize: snapshot.asg.maxSize,
      desiredCapacity: snapshot.asg.desiredCapacity,
    },
    zones: snapshot.asg.availabilityZones,
    ...(snapshot.target.launchTemplateVersion ? { targetVersion: snapshot.target.launchTemplateVersion } : {}),
    outdated,
  };
}

/** A fresh DescribeAutoScalingGroups of the target's group. */
export async function describeAsg(sandbox: Sandbox, target: RollTarget): Promise<AutoScalingGroupState> {
  const asg = await sandbox.deps.autoScaling.describeGroup(target.asgName);
  if (!asg) throw new StrategyFailed(`Auto Scaling group ${target.asgName} disappeared during the roll`);
  return asg;
}

/** Members that count toward the desired capacity (Auto Scaling excludes those on their way out). */
export function capacityMembers(asg: AutoScalingGroupState): AsgInstance[] {
  return asg.instances.filter((i) => !i.lifecycleState.startsWith("Terminating"));
}

export function isCurrent(target: RollTarget, member: AsgInstance): boolean {
  return target.targetVersion === undefined || member.launchTemplateVersion === target.targetVersion;
}

export async function nodesByInstance(kube: KubePort): Promise<Map<string, KubeNode>> {
  const nodes = await kube.listNodes();
  return new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
}

/**
 * True when the group has launched every instance its desired capacity asks for and each member on
 * the target version runs a Ready node: replacements are in and have joined.
 */
export async function replacementsReady(sandbox: Sandbox, target: RollTarget): Promise<true | undefined> {
  const asg = await describeAsg(sandbox, target);
  const live = capacityMembers(asg);
  if (live.length < asg.desiredCapacity) return undefined;
  const nodes = await nodesByInstance(target.kube);
  const allReady = live.filter((m) => isCurrent(target, m)).every((m) => nodes.get(m.instanceId)?.ready === true);
  return allReady ? true : undefined;
}

/** Node names of these instances as the API server knows them now (instances without a node are left out). */
export async function nodeNamesOf(target: RollTarget, instanceIds: string[]): Promise<Map<string, string>> {
  const nodes = await nodesByInstance(target.kube);
  const names = new Map<string, string>();
  for (const id of instanceIds) {
    const node = nodes.get(id);
    if (node) names.set(id, node.name);
  }
  return names;
}
