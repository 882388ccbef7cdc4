/** EKS output shapes as SDK v3 returns them (camelCase members, Date times). */
import type { SimCluster, SimEksUpdate, SimNodegroup } from "./model";
import { SANDBOX_ACCOUNT_ID } from "./world";

export interface KubeAccess {
  /** Where the simulated API server listens; undefined until the runner starts it. */
  endpoint?: string;
  caData?: string;
  /** Bearer token accepted by the simulated API server, written into kubeconfigs. */
  token: string;
  /** EKS-style hostname used while no endpoint is set. */
  placeholderEndpoint: string;
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
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: new Date(cluster.createdMs),
    version: cluster.version,
    endpoint: kube.endpoint ?? kube.placeholderEndpoint,
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
    certificateAuthority: { data: kube.caData ?? PLACEHOLDER_CA_DATA },
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
