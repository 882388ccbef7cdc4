/**
 * What a rebalance sees, read through the ports: the cluster's multi-AZ worker groups, their Ready
 * nodes and instances per zone, the pods whose zonal volumes pin them to a zone, and the Pending ones
 * among those (a volume node affinity conflict: no node in their zone has room).
 */
import type { AutoScalingGroupState } from "../model/aws";
import type { KubeNode, KubePod } from "../model/kube";
import type { Deps, KubePort } from "../ports";
import { CLUSTER_TAG, NODEGROUP_TAG } from "../roll/read-group";
import { LEAVING_STATES } from "../roll/snapshot-types";
import { floorFor, type GroupFacts } from "./target";

/** Groups tagged with this role (the control plane of a self-managed cluster) are never rebalanced. */
const ROLE_TAG = "tugboat:role";

export interface ZoneObservation {
  zone: string;
  readyNodes: number;
  /** Instances Auto Scaling counts in the zone (launching ones included, leaving ones not). */
  instances: number;
  pinnedPods: number;
  pendingPinnedPods: number;
}

export interface GroupObservation {
  group: string;
  asgName: string;
  /** Every instance of the group, leaving ones included. */
  instanceIds: string[];
  zones: ZoneObservation[];
  /** Non-DaemonSet pods on the busiest node: a lower bound of what a node holds, for the floors. */
  podsPerNode: number;
  suspendedProcesses: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

export interface ClusterObservation {
  groups: GroupObservation[];
  pendingZonalPods: number;
  /** Pinned pods Pending in a zone that no observed group spans: nothing a rebalance can fix. */
  unplacedZonalPods: number;
}

export function groupNameOf(asg: AutoScalingGroupState): string {
  return asg.tags[NODEGROUP_TAG] ?? asg.name;
}

/** The cluster's worker groups spanning two zones or more (optionally only those named). */
export async function findRebalanceGroups(
  deps: Pick<Deps, "autoScaling">,
  cluster: string,
  only?: string[],
): Promise<AutoScalingGroupState[]> {
  const groups = await deps.autoScaling.findGroupsByTags({ [CLUSTER_TAG]: cluster });
  return groups
    .filter((g) => g.tags[ROLE_TAG] !== "control-plane" && g.availabilityZones.length >= 2)
    .filter((g) => !only || only.includes(groupNameOf(g)))
    .sort((a, b) => groupNameOf(a).localeCompare(groupNameOf(b)));
}

function podZone(pod: KubePod, zoneOfClaim: Map<string, string>): string | undefined {
  for (const claim of pod.claims ?? []) {
    const zone = zoneOfClaim.get(`${pod.namespace}/${claim}`);
    if (zone) return zone;
  }
  return undefined;
}

const isWorkloadPod = (pod: KubePod) =>
  pod.ownerKind !== "DaemonSet" && !pod.mirror && pod.phase !== "Succeeded" && pod.phase !== "Failed";

export async function observeCluster(
  deps: Pick<Deps, "autoScaling">,
  kube: KubePort,
  cluster: string,
  only?: string[],
): Promise<ClusterObservation> {
  const [groups, nodes, pods, volumes] = await Promise.all([
    findRebalanceGroups(deps, cluster, only),
    kube.listNodes(),
    kube.listPods(),
    kube.listZonalVolumes(),
  ]);
  const zoneOfClaim = new Map(volumes.flatMap((v) => (v.claim ? [[v.claim, v.zone] as const] : [])));
  const nodeByInstance = new Map<string, KubeNode>();
  for (const node of nodes) if (node.instanceId) nodeByInstance.set(node.instanceId, node);
  const groupOfNode = new Map<string, string>();
  for (const asg of groups) {
    for (const member of asg.instances) {
      const node = nodeByInstance.get(member.instanceId);
      if (node) groupOfNode.set(node.name, asg.name);
    }
  }
  const podsByNode = new Map<string, number>();
  const pinned = new Map<string, Map<string, number>>(); // asg → zone → pods
  const pendingByZone = new Map<string, number>();
  let pendingZonalPods = 0;
  for (const pod of pods) {
    if (!isWorkloadPod(pod) || pod.deleting) continue;
    if (pod.nodeName) podsByNode.set(pod.nodeName, (podsByNode.get(pod.nodeName) ?? 0) + 1);
    const zone = podZone(pod, zoneOfClaim);
    if (!zone) continue;
    if (!pod.nodeName) {
      pendingZonalPods++;
      pendingByZone.set(zone, (pendingByZone.get(zone) ?? 0) + 1);
      continue;
    }
    const asg = groupOfNode.get(pod.nodeName);
    if (!asg) continue;
    const perZone = pinned.get(asg) ?? new Map<string, number>();
    perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    pinned.set(asg, perZone);
  }
  // A Pending pinned pod is counted for the first group (by name) spanning its zone: the group whose
  // node will bring it back. Pods of a zone no group spans cannot be helped here.
  let unplacedZonalPods = 0;
  const pendingFor = new Map<string, Map<string, number>>();
  for (const [zone, count] of pendingByZone) {
    const asg = groups.find((g) => g.availabilityZones.includes(zone));
    if (!asg) {
      unplacedZonalPods += count;
      continue;
    }
    const perZone = pendingFor.get(asg.name) ?? new Map<string, number>();
    perZone.set(zone, count);
    pendingFor.set(asg.name, perZone);
  }
  const observed = groups.map((asg): GroupObservation => {
    const live = asg.instances.filter((m) => !LEAVING_STATES.has(m.lifecycleState));
    let podsPerNode = 1;
    for (const member of live) {
      const node = nodeByInstance.get(member.instanceId);
      if (node) podsPerNode = Math.max(podsPerNode, podsByNode.get(node.name) ?? 0);
    }
    const zones = asg.availabilityZones.map((zone): ZoneObservation => {
      const inZone = live.filter((m) => m.availabilityZone === zone);
      const readyNodes = inZone.filter((m) => {
        const node = nodeByInstance.get(m.instanceId);
        return node?.ready === true && !node.unschedulable;
      }).length;
      const pending = pendingFor.get(asg.name)?.get(zone) ?? 0;
      return {
        zone,
        readyNodes,
        instances: inZone.length,
        pinnedPods: (pinned.get(asg.name)?.get(zone) ?? 0) + pending,
        pendingPinnedPods: pending,
      };
    });
    return {
      group: groupNameOf(asg),
      asgName: asg.name,
      instanceIds: asg.instances.map((i) => i.instanceId),
      zones,
      podsPerNode,
      suspendedProcesses: asg.suspendedProcesses,
      minSize: asg.minSize,
      maxSize: asg.maxSize,
      desiredCapacity: asg.desiredCapacity,
    };
  });
  return { groups: observed, pendingZonalPods, unplacedZonalPods };
}

/** The planner's view of a group: Ready nodes, floors from the pinned pods, zones it may launch in. */
export function factsOf(group: GroupObservation, unlaunchable: ReadonlySet<string>): GroupFacts {
  return {
    group: group.group,
    zones: group.zones.map((z) => ({
      zone: z.zone,
      nodes: z.readyNodes,
      floor: floorFor(z.pinnedPods, group.podsPerNode),
      launchable: !unlaunchable.has(z.zone),
    })),
  };
}

export function nodesByZone(group: GroupObservation): Record<string, number> {
  return Object.fromEntries(group.zones.map((z) => [z.zone, z.readyNodes]));
}
