/**
 * Whether a new instance's kubelet can join a cluster created in the sandbox, checked as a real node
 * would find out: the cluster must be ACTIVE; a self-managed node needs an EC2_LINUX access entry
 * for the role of its instance profile and AL2023 nodeadm user data (a NodeConfig) naming the
 * cluster, its API server endpoint, CA and service CIDR. The scenario's `nodes-never-join` fault
 * stops every join of a node group. An instance that cannot join boots and never registers.
 */
import type { EksAccessEntries } from "./eks-access";
import { clusterShape, type KubeAccess } from "./eks-shapes";
import { roleArn } from "./identities";
import { resolveVersion } from "./launch-templates";
import type { RegionContext } from "./world";

export interface JoinAttempt {
  clusterName: string;
  nodeGroup: string;
  groupName?: string;
  launchTemplate?: { id: string; version: number };
}

export function joinRefusal(
  ctx: RegionContext,
  access: EksAccessEntries,
  kube: KubeAccess,
  attempt: JoinAttempt,
): string | undefined {
  const cluster = ctx.world.clusters.get(attempt.clusterName);
  if (!cluster?.created) return undefined;
  const fault = ctx.scenario.account?.faults.find(
    (f) => f.kind === "nodes-never-join" && (f.nodeGroup === undefined || f.nodeGroup === attempt.nodeGroup),
  );
  if (fault) return "the scenario's nodes-never-join fault";
  if (cluster.status !== "ACTIVE") return `cluster ${cluster.name} is ${cluster.status}`;
  const group = attempt.groupName ? ctx.world.groups.get(attempt.groupName) : undefined;
  if (group?.kind === "eks-managed") return undefined;
  const template = attempt.launchTemplate ? ctx.world.launchTemplates.get(attempt.launchTemplate.id) : undefined;
  const data = template ? resolveVersion(template, String(attempt.launchTemplate?.version))?.data : undefined;
  const profile = data?.IamInstanceProfile as { Name?: string; Arn?: string } | undefined;
  const roleName = profile?.Name ?? profile?.Arn?.split("/").pop();
  if (!roleName) return "the launch template names no instance profile";
  if (access.entryType(cluster.name, roleArn(roleName)) !== "EC2_LINUX") {
    return `role ${roleName} has no EC2_LINUX access entry in ${cluster.name} (Unauthorized)`;
  }
  const userData = typeof data?.UserData === "string" ? Buffer.from(data.UserData, "base64").toString("utf8") : "";
  const shape = clusterShape(cluster, kube, ctx.regionName);
  const wanted: [string, string][] = [
    ["kind", "NodeConfig"],
    ["name", cluster.name],
    ["apiServerEndpoint", shape.endpoint],
    ["certificateAuthority", shape.certificateAuthority.data],
    ["cidr", shape.kubernetesNetworkConfig.serviceIpv4Cidr],
  ];
  for (const [key, value] of wanted) {
    if (!new RegExp(`^\\s*${key}:\\s*"?${escapeRegExp(value)}"?\\s*$`, "m").test(userData)) {
      return `nodeadm user data lacks ${key}: ${value}`;
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
