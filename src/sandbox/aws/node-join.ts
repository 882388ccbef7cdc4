/**
 * Which cluster a new instance's kubelet registers with, and whether it can, checked as a real node
 * would find out. A managed node group's nodes are bootstrapped by EKS for the group's cluster. A
 * self-managed node reads its AL2023 nodeadm user data (a NodeConfig): the kubelet reaches the API
 * server at `apiServerEndpoint` (none listening there: it never registers), trusts only the
 * `certificateAuthority` given (another cluster's CA: the TLS handshake fails), authenticates with
 * an EKS token for the cluster `name` (another cluster's name: 401), and that cluster must be ACTIVE
 * with an EC2_LINUX access entry for the role of the instance's profile and the `cidr` its services
 * use. Nodes of a cluster a scenario lays out (no user data) join the cluster their group is tagged
 * with. The scenario's `nodes-never-join` fault stops every join of a node group of a created cluster.
 * An instance that cannot join boots and never registers.
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

export type JoinOutcome = { cluster: string } | { refusal: string };

export function kubeletJoin(
  ctx: RegionContext,
  access: EksAccessEntries,
  kube: KubeAccess,
  attempt: JoinAttempt,
): JoinOutcome {
  const tagged = ctx.world.clusters.get(attempt.clusterName);
  const fault = ctx.scenario.account?.faults.find(
    (f) => f.kind === "nodes-never-join" && (f.nodeGroup === undefined || f.nodeGroup === attempt.nodeGroup),
  );
  if (tagged?.created && fault) return { refusal: "the scenario's nodes-never-join fault" };
  const group = attempt.groupName ? ctx.world.groups.get(attempt.groupName) : undefined;
  if (group?.kind === "eks-managed") {
    if (tagged && tagged.status !== "ACTIVE") return { refusal: `cluster ${tagged.name} is ${tagged.status}` };
    return { cluster: attempt.clusterName };
  }
  const template = attempt.launchTemplate ? ctx.world.launchTemplates.get(attempt.launchTemplate.id) : undefined;
  const data = template ? resolveVersion(template, String(attempt.launchTemplate?.version))?.data : undefined;
  const userData = typeof data?.UserData === "string" ? Buffer.from(data.UserData, "base64").toString("utf8") : "";
  const config = nodeConfigOf(userData);
  // A scenario's nodes were bootstrapped before the run, for the cluster the scenario gives them.
  if (!config && !tagged?.created) return { cluster: attempt.clusterName };
  if (!config) return { refusal: "nodeadm user data lacks kind: NodeConfig" };
  if (!config.apiServerEndpoint) return { refusal: "nodeadm user data lacks apiServerEndpoint" };
  const target = kube.clusterAt(config.apiServerEndpoint);
  const cluster = target === undefined ? undefined : ctx.world.clusters.get(target);
  if (!cluster) return { refusal: `no Kubernetes API server answers at ${config.apiServerEndpoint}` };
  const shape = clusterShape(cluster, kube, ctx.regionName);
  if (config.certificateAuthority !== shape.certificateAuthority.data) {
    return {
      refusal: `the API server at ${config.apiServerEndpoint} presents a certificate its certificateAuthority does not sign (x509: certificate signed by unknown authority)`,
    };
  }
  if (config.name !== cluster.name) {
    return {
      refusal: `the kubelet's token names cluster ${config.name}, the API server serves ${cluster.name} (Unauthorized)`,
    };
  }
  if (cluster.status !== "ACTIVE") return { refusal: `cluster ${cluster.name} is ${cluster.status}` };
  const profile = data?.IamInstanceProfile as { Name?: string; Arn?: string } | undefined;
  const roleName = profile?.Name ?? profile?.Arn?.split("/").pop();
  if (!roleName) return { refusal: "the launch template names no instance profile" };
  if (access.entryType(cluster.name, roleArn(roleName)) !== "EC2_LINUX") {
    return { refusal: `role ${roleName} has no EC2_LINUX access entry in ${cluster.name} (Unauthorized)` };
  }
  const serviceCidr = shape.kubernetesNetworkConfig.serviceIpv4Cidr;
  if (config.cidr !== serviceCidr) return { refusal: `nodeadm user data lacks cidr: ${serviceCidr}` };
  return { cluster: cluster.name };
}

interface NodeConfigFields {
  name?: string;
  apiServerEndpoint?: string;
  certificateAuthority?: string;
  cidr?: string;
}

/** The fields of a nodeadm NodeConfig in user data (a MIME part or the document alone); undefined without one. */
function nodeConfigOf(userData: string): NodeConfigFields | undefined {
  if (!/^\s*kind:\s*"?NodeConfig"?\s*$/m.test(userData)) return undefined;
  const field = (key: string) => new RegExp(`^\\s*${key}:\\s*"?([^"\\s]+)"?\\s*$`, "m").exec(userData)?.[1];
  return {
    name: field("name"),
    apiServerEndpoint: field("apiServerEndpoint"),
    certificateAuthority: field("certificateAuthority"),
    cidr: field("cidr"),
  };
}
