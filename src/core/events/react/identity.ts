/**
 * Who an instance is: its cluster (EC2 tags, else its Auto Scaling group's tags) and its Kubernetes
 * node (providerID `aws:///<az>/<instance-id>`, else the private DNS name). One `IdentityLookup` serves
 * one invocation: answers are cached for that invocation only, never across invocations, because nodes
 * and instances change between events and a stale answer would drain the wrong node.
 */
import type { AutoScalingGroupState, Ec2Instance } from "../../model/aws";
import type { KubeNode } from "../../model/kube";
import type { Deps } from "../../ports";

/** Tugboat's tag on self-managed groups (and their instances, by tag propagation). */
export const TUGBOAT_CLUSTER_TAG = "tugboat:cluster";
/** The tag EKS puts on managed node groups' Auto Scaling groups and instances. */
export const EKS_CLUSTER_TAG = "eks:cluster-name";
/** EC2 Auto Scaling tags every instance it launches with its group's name. */
export const ASG_NAME_TAG = "aws:autoscaling:groupName";

const CLUSTER_TAGS = [TUGBOAT_CLUSTER_TAG, EKS_CLUSTER_TAG] as const;
const WELL_FORMED_INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export interface NodeMatch {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  /** How the node was found: providerID is exact; the DNS name is the fallback for nodes without one. */
  matchedBy: "providerID" | "private-dns-name";
}

export interface ManagedInstance {
  managed: true;
  instanceId: string;
  cluster: string;
  /** Which tag named the cluster, and where it was found. */
  clusterFrom: string;
  availabilityZone: string | null;
  groupName: string | null;
  privateDnsName: string | null;
  /** EC2 state, or null when EC2 no longer lists the instance. */
  instanceState: string | null;
}

export interface UnmanagedInstance {
  managed: false;
  instanceId: string;
  /** Why Tugboat leaves it alone, naming what was looked at. */
  reason: string;
}

export type InstanceIdentity = ManagedInstance | UnmanagedInstance;

function clusterFromTags(tags: Record<string, string>): { cluster: string; tag: string } | null {
  for (const tag of CLUSTER_TAGS) {
    const value = tags[tag];
    if (value) return { cluster: value, tag };
  }
  return null;
}

/** Finds a cluster's node for an instance: providerID first, then the private DNS name. */
export function matchNode(
  nodes: readonly KubeNode[],
  instanceId: string,
  privateDnsName: string | null,
): NodeMatch | null {
  const byProvider = nodes.find((node) => node.instanceId === instanceId);
  if (byProvider) return toMatch(byProvider, "providerID");
  if (!privateDnsName) return null;
  // A node with an AWS providerID naming another instance is that instance's node, whatever its name.
  const byDns = nodes.find(
    (node) =>
      (node.instanceId === undefined || node.instanceId === instanceId) &&
      (node.name === privateDnsName || node.internalDnsName === privateDnsName),
  );
  return byDns ? toMatch(byDns, "private-dns-name") : null;
}

function toMatch(node: KubeNode, matchedBy: NodeMatch["matchedBy"]): NodeMatch {
  return { name: node.name, ready: node.ready, unschedulable: node.unschedulable, matchedBy };
}

export interface IdentityOptions {
  /** Clusters this stage manages (TUGBOAT_CLUSTERS); empty: any cluster carrying a cluster tag. */
  managedClusters: readonly string[];
}

export class IdentityLookup {
  private readonly instanceCache = new Map<string, Ec2Instance | null>();
  private readonly groupCache = new Map<string, AutoScalingGroupState | null>();
  private readonly nodeCache = new Map<string, Promise<KubeNode[]>>();

  constructor(
    private readonly deps: Pick<Deps, "ec2" | "autoScaling" | "kube">,
    private readonly options: IdentityOptions,
  ) {}

  /** Describes every instance not yet known in one call; ids EC2 does not know are remembered as gone. */
  async describe(instanceIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(instanceIds)].filter((id) => !this.instanceCache.has(id));
    // EC2 refuses a malformed id for the whole call: documentation placeholders never reach it.
    const askable = wanted.filter((id) => WELL_FORMED_INSTANCE_ID.test(id));
    for (const id of wanted) if (!askable.includes(id)) this.instanceCache.set(id, null);
    if (askable.length === 0) return;
    const found = await this.deps.ec2.describeInstances(askable);
    for (const id of askable) this.instanceCache.set(id, found.find((i) => i.instanceId === id) ?? null);
  }

  async instance(instanceId: string): Promise<Ec2Instance | null> {
    await this.describe([instanceId]);
    return this.instanceCache.get(instanceId) ?? null;
  }

  async group(name: string): Promise<AutoScalingGroupState | null> {
    if (!this.groupCache.has(name))
      this.groupCache.set(name, (await this.deps.autoScaling.describeGroup(name)) ?? null);
    return this.groupCache.get(name) ?? null;
  }

  /** The cluster's nodes, listed once per invocation. */
  nodes(cluster: string): Promise<KubeNode[]> {
    let listed = this.nodeCache.get(cluster);
    if (!listed) {
      listed = this.deps.kube(cluster).then((kube) => kube.listNodes());
      // A failed listing is not cached: the next record of the batch may try again.
      listed.catch(() => this.nodeCache.delete(cluster));
      this.nodeCache.set(cluster, listed);
    }
    return listed;
  }

  /** Instance → cluster, through the instance's tags or, failing those, its Auto Scaling group's. */
  async resolve(instanceId: string, hint: { groupName?: string | null } = {}): Promise<InstanceIdentity> {
    const instance = await this.instance(instanceId);
    const groupName = hint.groupName ?? instance?.tags[ASG_NAME_TAG] ?? null;
    let found = instance ? clusterFromTags(instance.tags) : null;
    let clusterFrom = found ? `instance tag ${found.tag}` : "";
    const group = groupName ? await this.group(groupName) : null;
    if (!found && group) {
      found = clusterFromTags(group.tags);
      clusterFrom = found ? `tag ${found.tag} of Auto Scaling group ${group.name}` : "";
    }
    if (!found) return { managed: false, instanceId, reason: unmanagedReason(instanceId, instance, groupName, group) };
    const { managedClusters } = this.options;
    if (managedClusters.length > 0 && !managedClusters.includes(found.cluster)) {
      return {
        managed: false,
        instanceId,
        reason: `${instanceId} belongs to cluster ${found.cluster} (${clusterFrom}), which this deployment does not manage (it manages ${managedClusters.join(", ")})`,
      };
    }
    return {
      managed: true,
      instanceId,
      cluster: found.cluster,
      clusterFrom,
      availabilityZone: instance?.availabilityZone || null,
      groupName,
      privateDnsName: instance?.privateDnsName || null,
      instanceState: instance?.state || null,
    };
  }

  /** The instance's node in its cluster, or null when it has none (never joined, or already gone). */
  async node(identity: ManagedInstance): Promise<NodeMatch | null> {
    return matchNode(await this.nodes(identity.cluster), identity.instanceId, identity.privateDnsName);
  }
}

function unmanagedReason(
  instanceId: string,
  instance: Ec2Instance | null,
  groupName: string | null,
  group: AutoScalingGroupState | null,
): string {
  const tags = CLUSTER_TAGS.join(" or ");
  if (!instance && !groupName) {
    return WELL_FORMED_INSTANCE_ID.test(instanceId)
      ? `${instanceId} is not an instance of this account and region (EC2 does not list it)`
      : `"${instanceId}" is not a well-formed instance id`;
  }
  if (groupName && !group) {
    return `${instanceId} has no ${tags} tag and its Auto Scaling group ${groupName} does not exist`;
  }
  if (group) return `neither ${instanceId} nor its Auto Scaling group ${group.name} carries a ${tags} tag`;
  return `${instanceId} carries no ${tags} tag and belongs to no Auto Scaling group: not a node of a cluster Tugboat manages`;
}
