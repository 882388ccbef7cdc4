/**
 * A plain-data picture of the region at one instant, for tests and the HTML report: groups and
 * their members, every EC2 instance (terminated ones included), EKS node groups and updates.
 */
import type { GroupMember } from "./model";
import type { RegionWorld } from "./world";

export interface GroupSnapshot {
  name: string;
  nodeGroup: string;
  kind: "self-managed-asg" | "eks-managed";
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  suspendedProcesses: string[];
  launchTemplate: { id: string; name: string; version: string };
  lifecycleHooks: string[];
  members: Pick<
    GroupMember,
    | "instanceId"
    | "availabilityZone"
    | "lifecycleState"
    | "healthStatus"
    | "launchTemplateVersion"
    | "protectedFromScaleIn"
  >[];
}

export interface InstanceSnapshot {
  instanceId: string;
  /** The cluster its group belongs to (tugboat:cluster). */
  cluster: string;
  nodeGroup: string;
  groupName?: string;
  availabilityZone: string;
  state: string;
  imageId: string;
  instanceType: string;
  launchTemplateVersion?: number;
  privateDnsName: string;
  launchTime: string;
  terminateTime?: string;
  initial: boolean;
  neverJoins: boolean;
}

export interface RegionSnapshot {
  at: string;
  groups: GroupSnapshot[];
  instances: InstanceSnapshot[];
  nodegroups: {
    cluster: string;
    name: string;
    status: string;
    version: string;
    releaseVersion: string;
    autoScalingGroup: string;
  }[];
  updates: {
    id: string;
    cluster: string;
    nodegroup?: string;
    type: string;
    status: string;
    createdAt: string;
    errors: { errorCode: string; errorMessage: string; resourceIds: string[] }[];
  }[];
  activities: number;
}

export function takeSnapshot(world: RegionWorld, nowMs: number): RegionSnapshot {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    at: iso(nowMs),
    groups: [...world.groups.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((group) => ({
        name: group.name,
        nodeGroup: group.nodeGroup,
        kind: group.kind,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredCapacity: group.desiredCapacity,
        availabilityZones: group.subnets.map((s) => s.availabilityZone),
        suspendedProcesses: [...group.suspended.keys()].sort(),
        launchTemplate: { ...group.launchTemplate },
        lifecycleHooks: [...group.hooks.keys()].sort(),
        members: [...group.members.values()]
          .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
          .map((m) => ({
            instanceId: m.instanceId,
            availabilityZone: m.availabilityZone,
            lifecycleState: m.lifecycleState,
            healthStatus: m.healthStatus,
            launchTemplateVersion: m.launchTemplateVersion,
            protectedFromScaleIn: m.protectedFromScaleIn,
          })),
      })),
    instances: [...world.instances.values()]
      .sort((a, b) => a.launchTimeMs - b.launchTimeMs || a.instanceId.localeCompare(b.instanceId))
      .map((instance) => ({
        instanceId: instance.instanceId,
        cluster: instance.clusterName,
        nodeGroup: instance.nodeGroup,
        groupName: instance.groupName,
        availabilityZone: instance.availabilityZone,
        state: instance.state,
        imageId: instance.imageId,
        instanceType: instance.instanceType,
        launchTemplateVersion: instance.launchTemplate?.version,
        privateDnsName: instance.privateDnsName,
        launchTime: iso(instance.launchTimeMs),
        terminateTime: instance.terminatedAtMs === undefined ? undefined : iso(instance.terminatedAtMs),
        initial: instance.initial,
        neverJoins: instance.neverJoins,
      })),
    nodegroups: [...world.nodegroups.values()].map((ng) => ({
      cluster: ng.clusterName,
      name: ng.name,
      status: ng.status,
      version: ng.version,
      releaseVersion: ng.releaseVersion,
      autoScalingGroup: ng.asgName,
    })),
    updates: [...world.updates.values()].map((u) => ({
      id: u.id,
      cluster: u.clusterName,
      nodegroup: u.nodegroupName,
      type: u.type,
      status: u.status,
      createdAt: iso(u.createdMs),
      errors: u.errors.map((e) => ({ ...e, resourceIds: [...e.resourceIds] })),
    })),
    activities: world.activities.length,
  };
}
