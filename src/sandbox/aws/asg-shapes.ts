/**
 * Auto Scaling output shapes as SDK v3 returns them (PascalCase members, Date times), and the
 * DescribeAutoScalingGroups filters (`tag:<key>`, `tag-key`, `tag-value`; values of one filter are
 * ORed, filters are ANDed).
 */
import { asgValidation } from "./errors";
import type { GroupMember, LifecycleHook, ScalingActivity, SimGroup } from "./model";
import type { RegionWorld } from "./world";

export interface AsgFilter {
  Name?: string;
  Values?: string[];
}

export function groupMatchesFilters(group: SimGroup, filters: AsgFilter[]): boolean {
  return filters.every((filter) => {
    const name = filter.Name ?? "";
    const values = filter.Values ?? [];
    const tags = Object.entries(group.tags);
    if (name.startsWith("tag:")) {
      const key = name.slice(4);
      return values.some((value) => group.tags[key] === value);
    }
    if (name === "tag-key") return values.some((value) => value in group.tags);
    if (name === "tag-value") return values.some((value) => tags.some(([, v]) => v === value));
    throw asgValidation(`Filter name '${name}' is not valid. Valid filter names are tag-key, tag-value and tag:<key>.`);
  });
}

export function groupShape(group: SimGroup, world: RegionWorld) {
  const members = [...group.members.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchTemplate: {
      LaunchTemplateId: group.launchTemplate.id,
      LaunchTemplateName: group.launchTemplate.name,
      Version: group.launchTemplate.version,
    },
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldownSeconds,
    AvailabilityZones: group.subnets.map((s) => s.availabilityZone),
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    HealthCheckType: "EC2",
    HealthCheckGracePeriod: group.healthCheckGracePeriodSeconds,
    Instances: members.map((member) => memberShape(group, member, world)),
    CreatedTime: new Date(group.createdMs),
    SuspendedProcesses: [...group.suspended.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ProcessName, SuspensionReason]) => ({ ProcessName, SuspensionReason })),
    VPCZoneIdentifier: group.subnets.map((s) => s.subnetId).join(","),
    EnabledMetrics: [],
    Tags: Object.entries(group.tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, Value]) => ({
        ResourceId: group.name,
        ResourceType: "auto-scaling-group",
        Key,
        Value,
        PropagateAtLaunch: true,
      })),
    TerminationPolicies: [...group.terminationPolicies],
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${group.arn.split(":")[4]}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
    TrafficSources: [],
  };
}

function memberShape(group: SimGroup, member: GroupMember, world: RegionWorld) {
  const instance = world.instances.get(member.instanceId);
  return {
    InstanceId: member.instanceId,
    InstanceType: instance?.instanceType ?? "",
    AvailabilityZone: member.availabilityZone,
    LifecycleState: member.lifecycleState,
    HealthStatus: member.healthStatus,
    LaunchTemplate: {
      LaunchTemplateId: group.launchTemplate.id,
      LaunchTemplateName: group.launchTemplate.name,
      Version: String(member.launchTemplateVersion),
    },
    ProtectedFromScaleIn: member.protectedFromScaleIn,
  };
}

/** DescribeAutoScalingInstances spells health in capitals ("HEALTHY"), unlike DescribeAutoScalingGroups. */
export function autoScalingInstanceShape(group: SimGroup, member: GroupMember, world: RegionWorld) {
  const shape = memberShape(group, member, world);
  return {
    ...shape,
    AutoScalingGroupName: group.name,
    HealthStatus: member.healthStatus.toUpperCase(),
  };
}

export function activityShape(activity: ScalingActivity, group: SimGroup | undefined) {
  return {
    ActivityId: activity.activityId,
    AutoScalingGroupName: activity.groupName,
    AutoScalingGroupARN: group?.arn,
    Description: activity.description,
    Cause: activity.cause,
    StartTime: new Date(activity.startMs),
    EndTime: activity.endMs === undefined ? undefined : new Date(activity.endMs),
    StatusCode: activity.statusCode,
    StatusMessage: activity.statusMessage,
    Progress: activity.progress,
    Details: JSON.stringify(activity.details),
  };
}

export function hookShape(groupName: string, hook: LifecycleHook) {
  return {
    LifecycleHookName: hook.name,
    AutoScalingGroupName: groupName,
    LifecycleTransition: hook.transition,
    NotificationTargetARN: hook.notificationTargetArn,
    RoleARN: hook.roleArn,
    NotificationMetadata: hook.notificationMetadata,
    HeartbeatTimeout: hook.heartbeatTimeoutSeconds,
    GlobalTimeout: Math.min(100 * hook.heartbeatTimeoutSeconds, 172800),
    DefaultResult: hook.defaultResult,
  };
}
