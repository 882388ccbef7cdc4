/**
 * One Auto Scaling launch: resolve the group's launch template version, try the zones in the order
 * given, skip (and record as a Failed activity) a zone short of capacity, start the EC2 instance and
 * the member's launch activity, and hold it in Pending:Wait when the group has launch hooks.
 */
import { type ActivityLog, insufficientCapacityReason } from "./asg-activities";
import { LAUNCHING, type LifecycleActions } from "./asg-lifecycle";
import type { Ec2Fleet } from "./fleet";
import { resolveVersion } from "./launch-templates";
import type { GroupMember, SimGroup, SimImage } from "./model";
import type { RegionContext } from "./world";

export interface LaunchDeps {
  ctx: RegionContext;
  fleet: Ec2Fleet;
  activities: ActivityLog;
  lifecycle: LifecycleActions;
}

export function launchInstance(
  deps: LaunchDeps,
  group: SimGroup,
  zoneOrder: string[],
  cause: string,
  forRebalance: boolean,
): GroupMember | undefined {
  const { ctx, fleet, activities, lifecycle } = deps;
  const template = ctx.world.launchTemplates.get(group.launchTemplate.id);
  const version = template ? resolveVersion(template, group.launchTemplate.version) : undefined;
  const firstSubnet = group.subnets[0];
  if (!template || !version) {
    const reason = `The specified launch template, with template ID ${group.launchTemplate.id}, version ${group.launchTemplate.version}, does not exist.`;
    activities.failedLaunch(group, firstSubnet?.availabilityZone ?? "", firstSubnet?.subnetId ?? "", reason, cause);
    return undefined;
  }
  const imageId = String(version.data.ImageId ?? "");
  const image = ctx.catalog.image(imageId);
  const instanceType = String(version.data.InstanceType ?? "m6i.large");
  if (!image) {
    const reason = `The image id '[${imageId}]' does not exist.`;
    activities.failedLaunch(group, firstSubnet?.availabilityZone ?? "", firstSubnet?.subnetId ?? "", reason, cause);
    return undefined;
  }
  const usable = group.subnets.map((s) => s.availabilityZone).filter((zone) => !ctx.faults.isCapacityShort(zone));
  for (const zone of zoneOrder) {
    const subnet = group.subnets.find((s) => s.availabilityZone === zone);
    const subnetRecord = subnet ? ctx.world.subnets.get(subnet.subnetId) : undefined;
    if (!subnet || !subnetRecord) continue;
    if (ctx.faults.isCapacityShort(zone)) {
      const reason = insufficientCapacityReason(instanceType, zone, usable);
      activities.failedLaunch(group, zone, subnet.subnetId, reason, cause);
      continue;
    }
    const instance = fleet.launch({
      subnet: subnetRecord,
      image,
      instanceType,
      capacityType: group.capacityType,
      launchTemplate: { id: template.id, name: template.name, version: version.versionNumber },
      tags: group.tags,
      groupName: group.name,
      clusterName: group.clusterName,
      nodeGroup: group.nodeGroup,
      labels: nodeLabels(group, image, template.id, version.versionNumber),
      initial: false,
    });
    const member: GroupMember = {
      instanceId: instance.instanceId,
      availabilityZone: zone,
      lifecycleState: "Pending",
      healthStatus: "Healthy",
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchTemplateVersion: version.versionNumber,
      launchedForRebalance: forRebalance,
    };
    group.members.set(instance.instanceId, member);
    ctx.world.groupOfInstance.set(instance.instanceId, group.name);
    member.launchActivityId = activities.start(group, {
      description: `Launching a new EC2 instance: ${instance.instanceId}`,
      cause,
      details: { "Subnet ID": subnet.subnetId, "Availability Zone": zone },
      instanceId: instance.instanceId,
    }).activityId;
    if (lifecycle.begin(group, instance.instanceId, LAUNCHING)) member.lifecycleState = "Pending:Wait";
    return member;
  }
  return undefined;
}

/** Labels the kubelet registers with: the group's, plus those EKS applies on managed node groups. */
export function nodeLabels(
  group: SimGroup,
  image: SimImage,
  templateId: string,
  version: number,
): Record<string, string> {
  if (group.kind !== "eks-managed") return { ...group.nodeLabels };
  return {
    ...group.nodeLabels,
    "eks.amazonaws.com/nodegroup": group.nodeGroup,
    "eks.amazonaws.com/nodegroup-image": image.imageId,
    "eks.amazonaws.com/capacityType": group.capacityType,
    "eks.amazonaws.com/sourceLaunchTemplateId": templateId,
    "eks.amazonaws.com/sourceLaunchTemplateVersion": String(version),
  };
}
