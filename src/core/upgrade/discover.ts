/**
 * Reads what an upgrade starts from: the control plane (EKS, or the API servers of a self-managed
 * cluster), every node group with the kubelet minors its nodes run, the control-plane Auto Scaling
 * group of a self-managed cluster, and the installed EKS add-ons.
 */
import { API_CONCURRENCY, mapPool } from "../concurrency";
import { TerminalError } from "../errors";
import type { AutoScalingGroupState } from "../model/aws";
import type { KubeNode } from "../model/kube";
import type { Deps } from "../ports";
import { CLUSTER_TAG, NODEGROUP_TAG } from "../roll/read-group";
import { kubeletMinor } from "../roll/snapshot-types";
import type { ClusterSnapshot, ControlPlaneInfo, NodeGroupInfo } from "./state";
import { compareMinors } from "./versions";

/** Tag of a self-managed cluster's control-plane Auto Scaling group. */
export const ROLE_TAG = "tugboat:role";
export const CONTROL_PLANE_ROLE = "control-plane";
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

function kubeletRange(nodes: KubeNode[]): { oldest?: string; newest?: string } {
  const minors = nodes
    .map((n) => kubeletMinor(n.kubeletVersion))
    .filter((m): m is string => m !== undefined)
    .sort(compareMinors);
  return {
    ...(minors[0] ? { oldest: minors[0] } : {}),
    ...(minors.length > 0 ? { newest: minors[minors.length - 1] as string } : {}),
  };
}

function nodesOf(asg: AutoScalingGroupState, byInstance: Map<string, KubeNode>): KubeNode[] {
  return asg.instances.map((i) => byInstance.get(i.instanceId)).filter((n): n is KubeNode => n !== undefined);
}

export async function discoverCluster(deps: Deps, cluster: string): Promise<ClusterSnapshot> {
  const kube = await deps.kube(cluster);
  const [eks, nodes, tagged] = await Promise.all([
    deps.eks.describeCluster(cluster),
    kube.listNodes(),
    deps.autoScaling.findGroupsByTags({ [CLUSTER_TAG]: cluster }),
  ]);
  const byInstance = new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
  const nodeGroups: NodeGroupInfo[] = [];

  const managedNames = eks ? await deps.eks.listNodegroups(cluster) : [];
  const managed = await mapPool(managedNames, API_CONCURRENCY, (name) => deps.eks.describeNodegroup(cluster, name));
  const managedAsgs = new Set<string>();
  for (const group of managed) {
    if (!group) continue;
    const asgName = group.autoScalingGroups[0];
    const asg =
      tagged.find((g) => g.name === asgName) ?? (asgName ? await deps.autoScaling.describeGroup(asgName) : undefined);
    if (asgName) managedAsgs.add(asgName);
    const range = asg ? kubeletRange(nodesOf(asg, byInstance)) : {};
    nodeGroups.push({
      name: group.name,
      mode: "eks-managed",
      asgName: asgName ?? "",
      nodes: asg?.instances.length ?? 0,
      ...(range.oldest ? { oldestKubelet: range.oldest } : {}),
      ...(range.newest ? { newestKubelet: range.newest } : {}),
      ...(group.version ? { managedVersion: group.version } : {}),
      managedStatus: group.status,
    });
  }

  let controlPlane: ControlPlaneInfo | undefined;
  for (const asg of tagged) {
    if (managedAsgs.has(asg.name) || asg.tags["eks:nodegroup-name"]) continue;
    if (asg.tags[ROLE_TAG] === CONTROL_PLANE_ROLE) {
      const range = kubeletRange(nodesOf(asg, byInstance));
      controlPlane = {
        asgName: asg.name,
        nodes: asg.instances.length,
        ...(range.oldest ? { oldestKubelet: range.oldest } : {}),
      };
      continue;
    }
    const name = asg.tags[NODEGROUP_TAG];
    if (!name) continue;
    const range = kubeletRange(nodesOf(asg, byInstance));
    nodeGroups.push({
      name,
      mode: "self-managed-asg",
      asgName: asg.name,
      nodes: asg.instances.length,
      ...(range.oldest ? { oldestKubelet: range.oldest } : {}),
      ...(range.newest ? { newestKubelet: range.newest } : {}),
    });
  }
  nodeGroups.sort((a, b) => a.name.localeCompare(b.name));

  let version: string;
  if (eks) {
    version = eks.version;
  } else {
    const server = await kube.serverVersion();
    version = server.minor;
    if (!controlPlane) {
      throw new TerminalError(
        `cluster ${cluster} is not an EKS cluster and has no control-plane Auto Scaling group tagged ${CLUSTER_TAG}=${cluster}, ${ROLE_TAG}=${CONTROL_PLANE_ROLE}: Tugboat cannot upgrade a control plane it cannot find`,
      );
    }
  }
  const addons = eks ? await deps.eks.listAddons(cluster) : [];
  return {
    cluster,
    kind: eks ? "eks" : "self-managed",
    version,
    status: eks?.status ?? "ACTIVE",
    subnetIds: eks?.subnetIds ?? [],
    nodeGroups,
    ...(controlPlane ? { controlPlane } : {}),
    addons: addons.sort((a, b) => a.name.localeCompare(b.name)),
    nodesNotReady: nodes
      .filter((n) => !n.ready)
      .map((n) => n.name)
      .sort(),
    nodes: nodes.length,
  };
}
