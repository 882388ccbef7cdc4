/**
 * Creating and deleting Auto Scaling groups and launch templates: CreateLaunchTemplate,
 * DeleteLaunchTemplate, CreateAutoScalingGroup, DeleteAutoScalingGroup, in their services' words
 * (AlreadyExists, ResourceInUse while instances remain without ForceDelete, …). EKS managed node
 * groups build theirs through `createGroup` too.
 */

import type { AutoScalingEngine } from "./asg-engine";
import type { CommandHandler } from "./autoscaling";
import { awsError, ec2Error } from "./errors";
import { kubeadmNodeLabels } from "./self-managed-labels";

const autoScalingError = (code: string, message: string) => awsError("autoscaling", code, message);
/** How often a group being deleted checks whether its instances are gone. */
const DELETE_POLL_SECONDS = 15;

import { type CommandInput, optionalString, requireString } from "./input";
import type { GroupSubnet, LaunchTemplateData, SimGroup, SimLaunchTemplate } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

export interface NewGroup {
  name: string;
  clusterName: string;
  nodeGroup: string;
  kind: SimGroup["kind"];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  subnetIds: string[];
  launchTemplate: { id: string; name: string; version: string };
  tags: Record<string, string>;
  nodeLabels: Record<string, string>;
}

export function createGroup(ctx: RegionContext, engine: AutoScalingEngine, spec: NewGroup): SimGroup {
  const subnets: GroupSubnet[] = spec.subnetIds.map((id) => {
    const subnet = ctx.world.subnets.get(id);
    if (!subnet) throw autoScalingError("ValidationError", `The subnet ID '${id}' does not exist`);
    return { availabilityZone: subnet.availabilityZone, subnetId: id };
  });
  const group: SimGroup = {
    name: spec.name,
    arn: `arn:aws:autoscaling:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:autoScalingGroup:${ctx.tokens.uuid()}:autoScalingGroupName/${spec.name}`,
    clusterName: spec.clusterName,
    nodeGroup: spec.nodeGroup,
    kind: spec.kind,
    minSize: spec.minSize,
    maxSize: spec.maxSize,
    desiredCapacity: spec.desiredCapacity,
    defaultCooldownSeconds: 300,
    healthCheckGracePeriodSeconds: spec.kind === "eks-managed" ? 15 : 300,
    subnets,
    launchTemplate: { ...spec.launchTemplate },
    tags: { ...spec.tags },
    suspended: new Map(),
    members: new Map(),
    hooks: new Map(),
    actions: [],
    createdMs: ctx.clock.nowMs(),
    terminationPolicies: ["Default"],
    newInstancesProtectedFromScaleIn: false,
    nodeLabels: { ...spec.nodeLabels },
    capacityType: "ON_DEMAND",
  };
  ctx.world.groups.set(group.name, group);
  engine.scheduleReconcile(group);
  return group;
}

export function createTemplate(
  ctx: RegionContext,
  name: string,
  data: LaunchTemplateData,
  tags: Record<string, string>,
  createdBy: string,
): SimLaunchTemplate {
  const nowMs = ctx.clock.nowMs();
  const template: SimLaunchTemplate = {
    id: ctx.ids.resourceId("lt"),
    name,
    createdMs: nowMs,
    createdBy,
    defaultVersion: 1,
    versions: [{ versionNumber: 1, createdMs: nowMs, createdBy, data: { ...data } }],
    tags: { ...tags },
  };
  ctx.world.launchTemplates.set(template.id, template);
  return template;
}

/** Tags of a TagSpecifications list for one resource type. */
export function specifiedTags(input: CommandInput, resourceType: string): Record<string, string> {
  const specs = (input.TagSpecifications ?? []) as {
    ResourceType?: string;
    Tags?: { Key?: string; Value?: string }[];
  }[];
  const tags: Record<string, string> = {};
  for (const spec of specs) {
    if (spec.ResourceType !== resourceType) continue;
    for (const tag of spec.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
  }
  return tags;
}

export function creationCommands(ctx: RegionContext, engine: AutoScalingEngine) {
  const ec2: Record<string, CommandHandler> = {
    CreateLaunchTemplate: (input) => {
      const name = requireString("ec2", input, "LaunchTemplateName");
      if (ctx.world.launchTemplateByName(name)) {
        throw ec2Error("InvalidLaunchTemplateName.AlreadyExistsException", `Launch template name already in use.`);
      }
      const data = (input.LaunchTemplateData ?? {}) as LaunchTemplateData;
      if (data.ImageId && !ctx.catalog.image(String(data.ImageId))) {
        throw ec2Error("InvalidAMIID.NotFound", `The image id '[${String(data.ImageId)}]' does not exist`);
      }
      const template = createTemplate(
        ctx,
        name,
        data,
        specifiedTags(input, "launch-template"),
        `arn:aws:sts::${SANDBOX_ACCOUNT_ID}:assumed-role/tugboat-sandbox/tugboat-sandbox`,
      );
      return {
        LaunchTemplate: {
          LaunchTemplateId: template.id,
          LaunchTemplateName: template.name,
          CreateTime: new Date(template.createdMs),
          CreatedBy: template.createdBy,
          DefaultVersionNumber: 1,
          LatestVersionNumber: 1,
          Tags: Object.entries(template.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      };
    },
    DeleteLaunchTemplate: (input) => {
      const id = optionalString(input, "LaunchTemplateId");
      const name = optionalString(input, "LaunchTemplateName");
      const template = id ? ctx.world.launchTemplates.get(id) : name ? ctx.world.launchTemplateByName(name) : undefined;
      if (!template) {
        throw ec2Error(
          id ? "InvalidLaunchTemplateId.NotFound" : "InvalidLaunchTemplateName.NotFoundException",
          `The specified launch template, with template ${id ? `ID ${id}` : `name ${name}`}, does not exist.`,
        );
      }
      ctx.world.launchTemplates.delete(template.id);
      return { LaunchTemplate: { LaunchTemplateId: template.id, LaunchTemplateName: template.name } };
    },
  };
  const autoscaling: Record<string, CommandHandler> = {
    CreateAutoScalingGroup: (input) => {
      const name = requireString("autoscaling", input, "AutoScalingGroupName");
      if (ctx.world.groups.has(name)) {
        throw autoScalingError(
          "AlreadyExists",
          `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
        );
      }
      const ref = (input.LaunchTemplate ?? {}) as {
        LaunchTemplateId?: string;
        LaunchTemplateName?: string;
        Version?: string;
      };
      const template = ref.LaunchTemplateId
        ? ctx.world.launchTemplates.get(ref.LaunchTemplateId)
        : ref.LaunchTemplateName
          ? ctx.world.launchTemplateByName(ref.LaunchTemplateName)
          : undefined;
      if (!template) throw autoScalingError("ValidationError", "You must use a valid fully-formed launch template.");
      const minSize = Number(input.MinSize);
      const maxSize = Number(input.MaxSize);
      const desired = input.DesiredCapacity === undefined ? minSize : Number(input.DesiredCapacity);
      if (minSize > maxSize || desired < minSize || desired > maxSize) {
        throw autoScalingError(
          "ValidationError",
          `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
        );
      }
      const subnetIds = String(input.VPCZoneIdentifier ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      if (subnetIds.length === 0) throw autoScalingError("ValidationError", "No subnets (VPCZoneIdentifier) given");
      const tags: Record<string, string> = {};
      for (const tag of (input.Tags ?? []) as { Key?: string; Value?: string }[])
        if (tag.Key) tags[tag.Key] = tag.Value ?? "";
      const clusterName =
        tags["tugboat:cluster"] ??
        Object.keys(tags)
          .find((k) => k.startsWith("kubernetes.io/cluster/"))
          ?.slice(22) ??
        "";
      const nodeGroup = tags["tugboat:nodegroup"] ?? name;
      createGroup(ctx, engine, {
        name,
        clusterName,
        nodeGroup,
        kind: "self-managed-asg",
        minSize,
        maxSize,
        desiredCapacity: desired,
        subnetIds,
        launchTemplate: { id: template.id, name: template.name, version: ref.Version ?? "$Default" },
        tags,
        // kubeadm labels the nodes it makes control-plane nodes (self-managed-kubeadm.ts reads the user data).
        nodeLabels: kubeadmNodeLabels(ctx, template),
      });
      return {};
    },
    DeleteAutoScalingGroup: (input) => {
      const name = requireString("autoscaling", input, "AutoScalingGroupName");
      const group = ctx.world.groups.get(name);
      if (!group)
        throw autoScalingError(
          "ValidationError",
          `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`,
        );
      const alive = [...group.members.keys()];
      if (alive.length > 0 && input.ForceDelete !== true) {
        throw autoScalingError(
          "ResourceInUse",
          "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
        );
      }
      // ForceDelete: the group scales to nothing, then goes once its instances have terminated.
      engine.applySizes(group, { minSize: 0, maxSize: 0, desiredCapacity: 0 }, "the group is being deleted");
      const poll = () => {
        if (group.members.size === 0) ctx.world.groups.delete(name);
        else ctx.clock.after(DELETE_POLL_SECONDS, `asg delete ${name}`, poll);
      };
      poll();
      return {};
    },
  };
  return { ec2, autoscaling };
}
