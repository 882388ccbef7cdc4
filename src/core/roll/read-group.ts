/**
 * Reads a node group's live state through the ports: EKS (managed groups) or tags (self-managed
 * ASGs), the Auto Scaling group, EC2 images and the Kubernetes nodes, joined on instance id.
 */
import { TerminalError } from "../errors";
import type { AutoScalingGroupState } from "../model/aws";
import type { Deps } from "../ports";
import { instanceFacts } from "./instance-facts";
import type { GroupMember, GroupSnapshot, GroupTarget, NodeGroupMode } from "./snapshot-types";
import { kubeletMinor } from "./snapshot-types";

export const NODEGROUP_TAG = "tugboat:nodegroup";
export const CLUSTER_TAG = "tugboat:cluster";

export interface ReadGroupOptions {
  launchTemplateVersion?: string;
  kubernetesVersion?: string;
  /** Already resolved by an earlier step: skip the EKS and tag lookups. */
  resolved?: { asgName: string; mode: NodeGroupMode };
  /** Resolve the target template and read instance AMIs (needed to tell outdated nodes; not to count Ready ones). */
  withTarget?: boolean;
}

export interface ResolvedGroup {
  mode: NodeGroupMode;
  asg: AutoScalingGroupState;
  /** Managed groups: the launch template version EKS is configured with. */
  managedTemplateVersion?: string;
}

/** Finds the Auto Scaling group behind a node group name, or refuses naming what exists. */
export async function resolveGroup(deps: Deps, cluster: string, nodeGroup: string): Promise<ResolvedGroup> {
  const eksCluster = await deps.eks.describeCluster(cluster);
  if (eksCluster) {
    const managed = await deps.eks.describeNodegroup(cluster, nodeGroup);
    if (managed) {
      const asgName = managed.autoScalingGroups[0];
      const asg = asgName ? await deps.autoScaling.describeGroup(asgName) : undefined;
      if (!asg) throw new TerminalError(`EKS node group ${cluster}/${nodeGroup} has no Auto Scaling group yet`);
      return {
        mode: "eks-managed",
        asg,
        ...(managed.launchTemplate?.version ? { managedTemplateVersion: managed.launchTemplate.version } : {}),
      };
    }
  }
  const tagged = await deps.autoScaling.findGroupsByTags({ [CLUSTER_TAG]: cluster, [NODEGROUP_TAG]: nodeGroup });
  const [asg, ...others] = tagged;
  if (asg && others.length === 0) return { mode: "self-managed-asg", asg };
  if (others.length > 0) {
    throw new TerminalError(
      `node group ${nodeGroup} of cluster ${cluster} matches ${tagged.length} Auto Scaling groups (${tagged
        .map((g) => g.name)
        .join(", ")}): tag exactly one with ${NODEGROUP_TAG}=${nodeGroup}`,
    );
  }
  const known = await deps.autoScaling.findGroupsByTags({ [CLUSTER_TAG]: cluster });
  const names = [...new Set(known.map((g) => g.tags[NODEGROUP_TAG] ?? g.name))].sort();
  throw new TerminalError(
    `node group ${nodeGroup} not found in cluster ${cluster}: no EKS managed node group of that name and no Auto Scaling group tagged ${CLUSTER_TAG}=${cluster}, ${NODEGROUP_TAG}=${nodeGroup}` +
      (names.length > 0 ? ` (node groups found: ${names.join(", ")})` : " (no node groups found for this cluster)"),
  );
}

async function describeResolved(
  deps: Deps,
  cluster: string,
  nodeGroup: string,
  resolved: { asgName: string; mode: NodeGroupMode },
  withTarget: boolean,
): Promise<ResolvedGroup> {
  const asg = await deps.autoScaling.describeGroup(resolved.asgName);
  if (!asg)
    throw new TerminalError(`Auto Scaling group ${resolved.asgName} of node group ${cluster}/${nodeGroup} is gone`);
  if (resolved.mode !== "eks-managed" || !withTarget) return { mode: resolved.mode, asg };
  const managed = await deps.eks.describeNodegroup(cluster, nodeGroup);
  return {
    mode: resolved.mode,
    asg,
    ...(managed?.launchTemplate?.version ? { managedTemplateVersion: managed.launchTemplate.version } : {}),
  };
}

export async function readGroup(
  deps: Deps,
  cluster: string,
  nodeGroup: string,
  options: ReadGroupOptions = {},
): Promise<GroupSnapshot> {
  const withTarget = options.withTarget ?? true;
  const { mode, asg, managedTemplateVersion } = options.resolved
    ? await describeResolved(deps, cluster, nodeGroup, options.resolved, withTarget)
    : await resolveGroup(deps, cluster, nodeGroup);
  const target: GroupTarget = {};
  if (options.kubernetesVersion) target.kubernetesMinor = options.kubernetesVersion;
  const requestedVersion = options.launchTemplateVersion ?? managedTemplateVersion ?? asg.launchTemplate?.version;
  const instanceIds = asg.instances.map((i) => i.instanceId);
  // The target version, the instances and the nodes are independent reads: side by side.
  const [resolved, facts, nodes] = await Promise.all([
    withTarget && asg.launchTemplate && requestedVersion
      ? deps.ec2.describeLaunchTemplateVersion(asg.launchTemplate.id, requestedVersion)
      : undefined,
    withTarget && instanceIds.length > 0 ? instanceFacts(deps.ec2, instanceIds) : Promise.resolve(undefined),
    deps.kube(cluster).then((kube) => kube.listNodes()),
  ]);
  if (resolved) {
    target.launchTemplateId = resolved.templateId;
    target.launchTemplateVersion = resolved.versionNumber;
    if (resolved.imageId) target.imageId = resolved.imageId;
  }
  const nodeByInstance = new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));

  const members: GroupMember[] = asg.instances.map((instance) => {
    // providerID first; the private DNS name is the fallback when a node was registered without one.
    const node =
      nodeByInstance.get(instance.instanceId) ??
      nodeByName.get(facts?.get(instance.instanceId)?.privateDnsName ?? "\u0000");
    const member: GroupMember = {
      instanceId: instance.instanceId,
      availabilityZone: instance.availabilityZone,
      lifecycleState: instance.lifecycleState,
      nodeReady: node?.ready ?? false,
      unschedulable: node?.unschedulable ?? false,
    };
    if (instance.launchTemplateVersion) member.launchTemplateVersion = instance.launchTemplateVersion;
    const imageId = facts?.get(instance.instanceId)?.imageId;
    if (imageId) member.imageId = imageId;
    if (node) {
      member.nodeName = node.name;
      if (node.ready && node.readySince) member.nodeReadySince = node.readySince.toISOString();
      const minor = kubeletMinor(node.kubeletVersion);
      if (minor) member.kubeletMinor = minor;
    }
    return member;
  });
  members.sort(
    (a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.instanceId.localeCompare(b.instanceId),
  );

  return {
    cluster,
    nodeGroup,
    mode,
    asg: {
      name: asg.name,
      minSize: asg.minSize,
      maxSize: asg.maxSize,
      desiredCapacity: asg.desiredCapacity,
      availabilityZones: [...asg.availabilityZones].sort(),
      suspendedProcesses: [...asg.suspendedProcesses].sort(),
    },
    target,
    members,
    takenAt: deps.clock.now().toISOString(),
  };
}

/** The target options of a roll request. */
export function targetOptions(input: { launchTemplateVersion?: string; kubernetesVersion?: string }): ReadGroupOptions {
  return {
    ...(input.launchTemplateVersion ? { launchTemplateVersion: input.launchTemplateVersion } : {}),
    ...(input.kubernetesVersion ? { kubernetesVersion: input.kubernetesVersion } : {}),
  };
}
