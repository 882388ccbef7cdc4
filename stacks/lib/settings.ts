/**
 * The deployment settings of a stage, read from the environment of `sst deploy` (docs/deploy.md lists
 * them). They are validated here, before any construct exists, because each value ends up inside an
 * IAM ARN or condition: a stray "*" in a cluster name would silently widen a policy.
 */

export interface VpcSettings {
  vpcId: string;
  /** Private subnets with a route to the EKS endpoint and to the AWS APIs (NAT or VPC endpoints). */
  privateSubnetIds: string[];
}

export interface StackSettings {
  /**
   * Clusters this stage manages. Auto Scaling mutations, EKS calls and kubeconfig reads are limited to
   * them. Empty: any cluster, as long as its Auto Scaling groups carry Tugboat's (or EKS's) cluster tag.
   */
  clusters: string[];
  /** EKS clusters (a subset of `clusters` when that is set) where the stack creates access entries. */
  eksAccessEntryClusters: string[];
  /** Present when the step functions must run inside a VPC (private EKS endpoints). */
  vpc?: VpcSettings;
}

/** EKS's own rule for cluster names; it also keeps IAM wildcards and separators out. */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export const SETTING_NAMES = {
  clusters: "TUGBOAT_CLUSTERS",
  eksAccessEntryClusters: "TUGBOAT_EKS_ACCESS_ENTRIES",
  vpcId: "TUGBOAT_VPC_ID",
  privateSubnetIds: "TUGBOAT_PRIVATE_SUBNET_IDS",
} as const;

type Environment = Record<string, string | undefined>;

export function readStackSettings(env: Environment = process.env): StackSettings {
  const clusters = readList(env, SETTING_NAMES.clusters, CLUSTER_NAME, "an EKS-style cluster name");
  const eksAccessEntryClusters = readList(
    env,
    SETTING_NAMES.eksAccessEntryClusters,
    CLUSTER_NAME,
    "an EKS-style cluster name",
  );
  const outside = clusters.length > 0 ? eksAccessEntryClusters.filter((c) => !clusters.includes(c)) : [];
  if (outside.length > 0) {
    throw new Error(
      `${SETTING_NAMES.eksAccessEntryClusters} names ${outside.join(", ")}, which ${SETTING_NAMES.clusters} ` +
        `(${clusters.join(", ")}) does not: the step functions could reach those clusters' API but not their node groups`,
    );
  }
  const vpc = readVpc(env);
  return { clusters, eksAccessEntryClusters, ...(vpc ? { vpc } : {}) };
}

function readVpc(env: Environment): VpcSettings | undefined {
  const vpcId = env[SETTING_NAMES.vpcId]?.trim() ?? "";
  const privateSubnetIds = readList(env, SETTING_NAMES.privateSubnetIds, SUBNET_ID, "a subnet id (subnet-…)");
  if (vpcId === "") {
    if (privateSubnetIds.length > 0) {
      throw new Error(
        `${SETTING_NAMES.privateSubnetIds} is set but ${SETTING_NAMES.vpcId} is not: name the VPC the subnets belong to`,
      );
    }
    return undefined;
  }
  if (!VPC_ID.test(vpcId)) {
    throw new Error(`${SETTING_NAMES.vpcId}="${vpcId}" is not a VPC id (vpc- followed by 8 or 17 hex digits)`);
  }
  if (privateSubnetIds.length === 0) {
    throw new Error(
      `${SETTING_NAMES.vpcId}=${vpcId} needs ${SETTING_NAMES.privateSubnetIds}: the private subnets the step functions run in`,
    );
  }
  return { vpcId, privateSubnetIds };
}

/** A comma-separated list; blanks and duplicates dropped, order kept (it shows in the template). */
function readList(env: Environment, name: string, pattern: RegExp, what: string): string[] {
  const raw = env[name]?.trim() ?? "";
  if (raw === "") return [];
  const values = [
    ...new Set(
      raw
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== ""),
    ),
  ];
  const invalid = values.filter((v) => !pattern.test(v));
  if (invalid.length > 0) {
    throw new Error(`${name}: ${invalid.map((v) => `"${v}"`).join(", ")} is not ${what}`);
  }
  return values;
}
