/** EKS output shapes as SDK v3 returns them (camelCase members, Date times). */
import type { SimCluster, SimEksUpdate, SimNodegroup } from "./model";
import { SANDBOX_ACCOUNT_ID } from "./world";

/** Where one cluster's simulated API server listens, and the CA its serving certificate chains to. */
export interface KubeServer {
  endpoint: string;
  /** base64 PEM, as EKS returns certificateAuthority.data; absent: the placeholder bundle. */
  caData?: string;
}

/** The simulated API servers of the region's clusters: one per cluster, as in EKS. */
export interface KubeAccess {
  /** Bearer token of the kubeconfigs handed out for self-managed clusters (their API server accepts it). */
  token: string;
  /** The API server serving a cluster; undefined while none does (the sandbox has not started it). */
  serverOf(clusterName: string): KubeServer | undefined;
  /** The cluster whose API server listens at an endpoint: what a kubelet given that endpoint reaches. */
  clusterAt(endpoint: string): string | undefined;
  /** EKS-style hostname reported while a cluster has no API server. */
  placeholderEndpoint(clusterName: string): string;
}

/** A self-signed placeholder certificate bundle, base64 as EKS returns certificateAuthority.data. */
export const PLACEHOLDER_CA_DATA = Buffer.from(
  "-----BEGIN CERTIFICATE-----\nTUGBOAT-SANDBOX-CLUSTER-CA\n-----END CERTIFICATE-----\n",
  "utf8",
).toString("base64");

export function clusterShape(
  cluster: SimCluster,
  kube: KubeAccess,
  regionName: string,
  authenticationMode = "API_AND_CONFIG_MAP",
) {
  const server = kube.serverOf(cluster.name);
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: new Date(cluster.createdMs),
    version: cluster.version,
    endpoint: server?.endpoint ?? kube.placeholderEndpoint(cluster.name),
    roleArn: cluster.created?.roleArn ?? `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/${cluster.name}-cluster-role`,
    resourcesVpcConfig: {
      subnetIds: [...cluster.subnetIds],
      securityGroupIds: [],
      clusterSecurityGroupId: cluster.securityGroupId,
      vpcId: cluster.vpcId,
      endpointPublicAccess: cluster.created?.endpointPublicAccess ?? true,
      endpointPrivateAccess: cluster.created?.endpointPrivateAccess ?? true,
      publicAccessCidrs: [...(cluster.created?.publicAccessCidrs ?? ["0.0.0.0/0"])],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: cluster.created?.serviceIpv4Cidr ?? "172.20.0.0/16", ipFamily: "ipv4" },
    identity: { oidc: { issuer: `https://oidc.eks.${regionName}.amazonaws.com/id/${cluster.oidcId}` } },
    status: cluster.status,
    certificateAuthority: { data: server?.caData ?? PLACEHOLDER_CA_DATA },
    platformVersion: cluster.platformVersion,
    tags: { ...cluster.tags },
    health: { issues: (cluster.created?.healthIssues ?? []).map((i) => ({ ...i, resourceIds: [...i.resourceIds] })) },
    accessConfig: { authenticationMode },
  };
}

export function nodegroupShape(nodegroup: SimNodegroup) {
  return {
    nodegroupName: nodegroup.name,
    nodegroupArn: nodegroup.arn,
    clusterName: nodegroup.clusterName,
    version: nodegroup.version,
    releaseVersion: nodegroup.releaseVersion,
    createdAt: new Date(nodegroup.createdMs),
    modifiedAt: new Date(nodegroup.modifiedMs),
    status: nodegroup.status,
    capacityType: nodegroup.capacityType,
    scalingConfig: { ...nodegroup.scalingConfig },
    instanceTypes: [...nodegroup.instanceTypes],
    subnets: [...nodegroup.subnets],
    amiType: nodegroup.created?.amiType ?? "AL2023_x86_64_STANDARD",
    nodeRole: nodegroup.nodeRole,
    labels: { ...nodegroup.labels },
    taints: [...(nodegroup.created?.taints ?? [])],
    resources: { autoScalingGroups: [{ name: nodegroup.asgName }] },
    health: { issues: (nodegroup.created?.healthIssues ?? []).map((i) => ({ ...i, resourceIds: [...i.resourceIds] })) },
    updateConfig: { ...nodegroup.updateConfig },
    // A group created without a launch template of the caller's has none in its description (EKS owns its own).
    ...(nodegroup.created ? {} : { launchTemplate: { ...nodegroup.launchTemplate } }),
    tags: { ...(nodegroup.created?.tags ?? {}) },
  };
}

export function updateShape(update: SimEksUpdate) {
  return {
    id: update.id,
    status: update.status,
    type: update.type,
    params: update.params.map((p) => ({ ...p })),
    createdAt: new Date(update.createdMs),
    errors: update.errors.map((e) => ({ ...e, resourceIds: [...e.resourceIds] })),
  };
}
