/**
 * Lays out the simulated region a scenario describes: one VPC with a subnet per zone, for every node
 * group a launch template and an Auto Scaling group with its instances already running, and for EKS
 * clusters the cluster and its managed node groups.
 *
 * - Launch templates: version 1 carries the previous AMI release of the group's Kubernetes minor and
 *   version 2 the current one when any node is outdated; otherwise version 1 is current.
 * - Outdated nodes are the first ones in an order that takes one node per zone in turn, so they
 *   spread across zones the way years of scale events leave them.
 * - Initial instances were launched a day before the run starts, a minute apart.
 * - A self-managed cluster with `controlPlane` gets a `<cluster>-control-plane` group too: its
 *   template carries the current AMI of the cluster's minor (a kubeadm image bakes the kubelet and
 *   the control-plane components of one minor), its instances register as control-plane nodes, and
 *   it has no `tugboat:nodegroup` tag, so worker discovery passes it by.
 */

import { CONTROL_PLANE_ROLE_LABEL } from "../kube/control-plane";
import type { ScenarioNodeGroup } from "../scenario/schema";
import type { AutoScalingEngine } from "./asg-engine";
import { nodeLabels } from "./asg-launch";
import { extendInstanceCatalog } from "./catalog";
import type { Ec2Fleet } from "./fleet";
import type { GroupSubnet, SimGroup, SimLaunchTemplate, SimNodegroup, SimSubnet } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

const SUBNET_PREFIX_BITS = 20;
/** A /20 holds 4096 addresses; AWS reserves five in every subnet. */
const USABLE_PER_SUBNET = 2 ** (32 - SUBNET_PREFIX_BITS) - 5;

export function buildFromScenario(ctx: RegionContext, engine: AutoScalingEngine, fleet: Ec2Fleet): void {
  const { scenario, world, ids, clock } = ctx;
  const cluster = scenario.cluster;
  if (cluster.instanceTypes) extendInstanceCatalog(cluster.instanceTypes);
  world.vpcId = ids.resourceId("vpc");
  createSubnets(ctx);

  if (cluster.kind === "eks") {
    world.clusters.set(cluster.name, {
      name: cluster.name,
      arn: `arn:aws:eks:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:cluster/${cluster.name}`,
      version: cluster.version,
      platformVersion: "eks.10",
      status: "ACTIVE",
      createdMs: clock.nowMs() - 90 * 86_400_000,
      vpcId: world.vpcId,
      subnetIds: [...world.subnets.keys()],
      securityGroupId: ids.resourceId("sg"),
      oidcId: ids.upperHex(32),
      tags: { "tugboat:cluster": cluster.name },
    });
  }

  for (const nodeGroup of cluster.nodeGroups) {
    if (nodeGroup.kind === "eks-managed" && cluster.kind !== "eks") {
      throw new Error(
        `Scenario node group ${nodeGroup.name} is eks-managed but cluster ${cluster.name} is self-managed; managed node groups need an EKS cluster`,
      );
    }
    if (nodeGroup.name === CONTROL_PLANE_GROUP) {
      throw new Error(`Scenario node group name "${CONTROL_PLANE_GROUP}" is taken by the control plane`);
    }
    buildNodeGroup(ctx, engine, fleet, nodeGroup);
  }
  if (cluster.kind === "self-managed" && cluster.controlPlane) {
    buildControlPlane(ctx, engine, fleet, cluster.controlPlane.zones);
  }
}

/** Name of the control plane where node groups are named (instance records, counts, the node-group label). */
export const CONTROL_PLANE_GROUP = "control-plane";

function buildControlPlane(
  ctx: RegionContext,
  engine: AutoScalingEngine,
  fleet: Ec2Fleet,
  zoneCounts: Record<string, number>,
): void {
  const { scenario, world, ids, clock, catalog } = ctx;
  const clusterName = scenario.cluster.name;
  const image = catalog.current(scenario.cluster.version);
  const zones = Object.keys(zoneCounts);
  const count = zones.reduce((sum, zone) => sum + (zoneCounts[zone] ?? 0), 0);
  const name = `${clusterName}-${CONTROL_PLANE_GROUP}`;
  const nowMs = clock.nowMs();
  const createdBy = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/tugboat-sandbox`;
  const instanceType = "m6i.xlarge";
  const template: SimLaunchTemplate = {
    id: ids.resourceId("lt"),
    name,
    createdMs: nowMs - 30 * 86_400_000,
    createdBy,
    defaultVersion: 1,
    versions: [],
    tags: { "tugboat:cluster": clusterName, "tugboat:role": "control-plane" },
  };
  template.versions.push({
    versionNumber: 1,
    createdMs: template.createdMs,
    createdBy,
    data: { ImageId: image.imageId, InstanceType: instanceType },
  });
  world.launchTemplates.set(template.id, template);
  const tags: Record<string, string> = {
    [`kubernetes.io/cluster/${clusterName}`]: "owned",
    "tugboat:cluster": clusterName,
    "tugboat:role": "control-plane",
  };
  const subnets = groupSubnets(ctx, zones);
  const group: SimGroup = {
    name,
    arn: `arn:aws:autoscaling:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:autoScalingGroup:${ctx.tokens.uuid()}:autoScalingGroupName/${name}`,
    clusterName,
    nodeGroup: CONTROL_PLANE_GROUP,
    kind: "self-managed-asg",
    minSize: count,
    maxSize: count,
    desiredCapacity: count,
    defaultCooldownSeconds: 300,
    healthCheckGracePeriodSeconds: 300,
    subnets,
    launchTemplate: { id: template.id, name: template.name, version: "$Latest" },
    tags,
    suspended: new Map(),
    members: new Map(),
    hooks: new Map(),
    actions: [],
    createdMs: template.createdMs,
    terminationPolicies: ["Default"],
    newInstancesProtectedFromScaleIn: false,
    // kubeadm labels control-plane nodes with their role; the kube side adds the taint and static pods.
    nodeLabels: { [CONTROL_PLANE_ROLE_LABEL]: "" },
    capacityType: "ON_DEMAND",
  };
  world.groups.set(name, group);
  let index = 0;
  for (const zone of zones) {
    const subnet = world.subnets.get(subnets.find((s) => s.availabilityZone === zone)?.subnetId ?? "");
    if (!subnet) throw new Error(`No subnet for zone ${zone}`);
    for (let n = 0; n < (zoneCounts[zone] ?? 0); n++) {
      const instance = fleet.launch({
        subnet,
        image,
        instanceType,
        capacityType: "ON_DEMAND",
        launchTemplate: { id: template.id, name: template.name, version: 1 },
        tags,
        groupName: name,
        clusterName,
        nodeGroup: CONTROL_PLANE_GROUP,
        labels: nodeLabels(group, image, template.id, 1),
        initial: true,
      });
      instance.launchTimeMs = nowMs - 86_400_000 + index++ * 60_000;
      engine.adoptInitial(group, instance, 1);
    }
  }
}

function createSubnets(ctx: RegionContext): void {
  const zones: string[] = [];
  for (const group of ctx.scenario.cluster.nodeGroups) {
    for (const zone of Object.keys(group.zones)) if (!zones.includes(zone)) zones.push(zone);
  }
  for (const zone of Object.keys(ctx.scenario.cluster.controlPlane?.zones ?? {}))
    if (!zones.includes(zone)) zones.push(zone);
  zones.forEach((zone, index) => {
    const baseOctet = index * 16;
    const subnet: SimSubnet = {
      subnetId: ctx.ids.resourceId("subnet"),
      availabilityZone: zone,
      availabilityZoneId: `${zoneIdPrefix(ctx.regionName)}-az${index + 1}`,
      cidrBlock: `10.0.${baseOctet}.0/${SUBNET_PREFIX_BITS}`,
      vpcId: ctx.world.vpcId,
      usableAddresses: USABLE_PER_SUBNET,
      baseOctet,
      nextHost: 10,
    };
    ctx.world.subnets.set(subnet.subnetId, subnet);
  });
}

function buildNodeGroup(ctx: RegionContext, engine: AutoScalingEngine, fleet: Ec2Fleet, spec: ScenarioNodeGroup): void {
  const { scenario, world, ids, clock, catalog } = ctx;
  const clusterName = scenario.cluster.name;
  const minor = spec.kubernetesVersion ?? scenario.cluster.version;
  const current = catalog.current(minor);
  const previous = catalog.previous(minor);
  const zones = Object.keys(spec.zones);
  const nodeCount = zones.reduce((sum, zone) => sum + (spec.zones[zone] ?? 0), 0);
  const outdated = spec.outdated === "all" ? nodeCount : Math.min(spec.outdated, nodeCount);
  const minSize = spec.minSize ?? 0;
  const maxSize = spec.maxSize ?? nodeCount;
  if (minSize > nodeCount || maxSize < nodeCount) {
    throw new Error(
      `Scenario node group ${spec.name}: ${nodeCount} nodes do not fit minSize ${minSize} and maxSize ${maxSize}`,
    );
  }

  const name = `${clusterName}-${spec.name}`;
  const nowMs = clock.nowMs();
  const template: SimLaunchTemplate = {
    id: ids.resourceId("lt"),
    name,
    createdMs: nowMs - 30 * 86_400_000,
    createdBy: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/tugboat-sandbox`,
    defaultVersion: 1,
    versions: [],
    tags: tugboatTags(ctx, { "tugboat:cluster": clusterName, "tugboat:nodegroup": spec.name }),
  };
  const versionData = (imageId: string) => ({ ImageId: imageId, InstanceType: spec.instanceType });
  const created = template.createdMs;
  template.versions.push({
    versionNumber: 1,
    createdMs: created,
    createdBy: template.createdBy,
    data: versionData(outdated > 0 ? previous.imageId : current.imageId),
  });
  if (outdated > 0) {
    template.versions.push({
      versionNumber: 2,
      createdMs: created + 86_400_000,
      createdBy: template.createdBy,
      data: versionData(current.imageId),
    });
  }
  world.launchTemplates.set(template.id, template);
  const latest = template.versions.length;
  const managed = spec.kind === "eks-managed";
  // EKS pins a managed group to a version number; a fully outdated managed group is still on version 1.
  const groupVersion = managed ? String(outdated === nodeCount && outdated > 0 ? 1 : latest) : "$Latest";

  const tags: Record<string, string> = {
    [`kubernetes.io/cluster/${clusterName}`]: "owned",
    ...tugboatTags(ctx, { "tugboat:cluster": clusterName, "tugboat:nodegroup": spec.name }),
    ...(managed ? { "eks:cluster-name": clusterName, "eks:nodegroup-name": spec.name } : {}),
  };
  const subnets = groupSubnets(ctx, zones);
  const group: SimGroup = {
    name,
    arn: `arn:aws:autoscaling:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:autoScalingGroup:${ctx.tokens.uuid()}:autoScalingGroupName/${name}`,
    clusterName,
    nodeGroup: spec.name,
    kind: spec.kind,
    minSize,
    maxSize,
    desiredCapacity: nodeCount,
    defaultCooldownSeconds: 300,
    healthCheckGracePeriodSeconds: managed ? 15 : 300,
    subnets,
    launchTemplate: { id: template.id, name: template.name, version: groupVersion },
    tags,
    suspended: new Map(),
    members: new Map(),
    hooks: new Map(),
    actions: [],
    createdMs: template.createdMs,
    terminationPolicies: ["Default"],
    newInstancesProtectedFromScaleIn: false,
    nodeLabels: { ...spec.labels },
    capacityType: spec.capacityType,
  };
  world.groups.set(name, group);

  // One node per zone in turn, so the outdated ones (taken first) spread across zones.
  const order: string[] = [];
  const remaining = new Map(zones.map((zone) => [zone, spec.zones[zone] ?? 0]));
  while (order.length < nodeCount) {
    for (const zone of zones) {
      const left = remaining.get(zone) ?? 0;
      if (left > 0) {
        order.push(zone);
        remaining.set(zone, left - 1);
      }
    }
  }
  order.forEach((zone, index) => {
    const versionNumber = index < outdated ? 1 : latest;
    const image = versionNumber === 1 && outdated > 0 ? previous : current;
    const subnet = world.subnets.get(subnets.find((s) => s.availabilityZone === zone)?.subnetId ?? "");
    if (!subnet) throw new Error(`No subnet for zone ${zone}`);
    const instance = fleet.launch({
      subnet,
      image,
      instanceType: spec.instanceType,
      capacityType: spec.capacityType,
      launchTemplate: { id: template.id, name: template.name, version: versionNumber },
      tags,
      groupName: name,
      clusterName,
      nodeGroup: spec.name,
      labels: nodeLabels(group, image, template.id, versionNumber),
      initial: true,
    });
    instance.launchTimeMs = nowMs - 86_400_000 + index * 60_000;
    engine.adoptInitial(group, instance, versionNumber);
  });

  if (managed) {
    const nodegroup: SimNodegroup = {
      clusterName,
      name: spec.name,
      arn: `arn:aws:eks:${ctx.regionName}:${SANDBOX_ACCOUNT_ID}:nodegroup/${clusterName}/${spec.name}/${ctx.tokens.uuid()}`,
      status: "ACTIVE",
      version: minor,
      releaseVersion: groupVersion === "1" && outdated > 0 ? previous.releaseVersion : current.releaseVersion,
      createdMs: template.createdMs,
      modifiedMs: template.createdMs,
      asgName: name,
      scalingConfig: { minSize, maxSize, desiredSize: nodeCount },
      updateConfig: { maxUnavailable: spec.maxUnavailable ?? 1 },
      labels: { ...spec.labels },
      instanceTypes: [spec.instanceType],
      capacityType: spec.capacityType,
      subnets: subnets.map((s) => s.subnetId),
      launchTemplate: { id: template.id, name: template.name, version: groupVersion },
      nodeRole: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${clusterName}-node-role`,
    };
    world.nodegroups.set(`${clusterName}/${spec.name}`, nodegroup);
  }
}

/** Tugboat's own tags, which a cluster it has never seen (`cluster.access: "none"`) does not carry yet. */
function tugboatTags(ctx: RegionContext, tags: Record<string, string>): Record<string, string> {
  return ctx.scenario.cluster.access === "none" ? {} : tags;
}

/** The region's subnet in each zone, in the order given (ties in AZ balancing go to the earlier zone). */
function groupSubnets(ctx: RegionContext, zones: string[]): GroupSubnet[] {
  return zones.map((zone) => {
    const subnet = [...ctx.world.subnets.values()].find((s) => s.availabilityZone === zone);
    if (!subnet) throw new Error(`No subnet for zone ${zone}`);
    return { availabilityZone: zone, subnetId: subnet.subnetId };
  });
}

/** "us-east-1" → "use1", "eu-west-2" → "euw2": the prefix of AWS zone ids. */
function zoneIdPrefix(region: string): string {
  const [area = "", direction = "", number = ""] = region.split("-");
  return `${area}${direction.charAt(0)}${number}`;
}
