/**
 * What creating and deleting a cluster needs from AWS, in Tugboat's words (src/adapters/aws/creation.ts
 * implements it with the SDK). Reads return undefined for what does not exist; creates are idempotent
 * through the client request token where the API has one.
 */
import type { SubnetFacts } from "./preflight";

export interface HealthIssueView {
  code: string;
  message: string;
  resourceIds: string[];
}

export interface CreatedClusterView {
  name: string;
  status: string;
  version: string;
  endpoint: string;
  certificateAuthority: string;
  serviceIpv4Cidr: string;
  authenticationMode: string;
  subnetIds: string[];
  tags: Record<string, string>;
  healthIssues: HealthIssueView[];
}

export interface NodegroupView {
  name: string;
  status: string;
  asgNames: string[];
  tags: Record<string, string>;
  healthIssues: HealthIssueView[];
}

export interface AddonView {
  name: string;
  status: string;
  version: string;
}

export interface GroupView {
  name: string;
  tags: Record<string, string>;
  instanceIds: string[];
  zones: string[];
  desired: number;
  suspended: string[];
}

export interface CreateClusterRequest {
  name: string;
  version: string;
  roleArn: string;
  subnetIds: string[];
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  publicAccessCidrs: string[];
  logging: string[];
  tags: Record<string, string>;
  clientRequestToken: string;
}

export interface CreateNodegroupRequest {
  cluster: string;
  name: string;
  nodeRole: string;
  subnetIds: string[];
  instanceType: string;
  amiType: string;
  size: number;
  maxUnavailable: number;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: string }[];
  tags: Record<string, string>;
  clientRequestToken: string;
}

export interface CreateGroupRequest {
  name: string;
  launchTemplateName: string;
  subnetIds: string[];
  size: number;
  tags: Record<string, string>;
}

/** EKS said the zones of these subnets cannot host a control plane now; it named the ones that can. */
export class UnsupportedZonesError extends Error {
  constructor(
    message: string,
    readonly validZones: string[],
  ) {
    super(message);
    this.name = "UnsupportedZonesError";
  }
}

export interface CreationPort {
  subnets(): Promise<SubnetFacts[]>;
  clusterVersions(): Promise<string[]>;
  describeCluster(name: string): Promise<CreatedClusterView | undefined>;
  /** Throws UnsupportedZonesError when EKS cannot place the control plane in a zone of the subnets. */
  createCluster(request: CreateClusterRequest): Promise<void>;
  deleteCluster(name: string): Promise<void>;
  /** The entry's type and groups, or undefined. */
  describeAccessEntry(cluster: string, principalArn: string): Promise<{ type: string; groups: string[] } | undefined>;
  createAccessEntry(
    cluster: string,
    principalArn: string,
    type: "STANDARD" | "EC2_LINUX",
    groups: string[],
  ): Promise<void>;
  updateAccessEntryGroups(cluster: string, principalArn: string, groups: string[]): Promise<void>;
  describeAddon(cluster: string, name: string): Promise<AddonView | undefined>;
  createAddon(cluster: string, name: string, version: string | undefined, clientRequestToken: string): Promise<void>;
  deleteAddon(cluster: string, name: string): Promise<void>;
  listAddons(cluster: string): Promise<string[]>;
  listNodegroups(cluster: string): Promise<string[]>;
  describeNodegroup(cluster: string, name: string): Promise<NodegroupView | undefined>;
  createNodegroup(request: CreateNodegroupRequest): Promise<void>;
  deleteNodegroup(cluster: string, name: string): Promise<void>;
  /** The AMI of the SSM parameter for a minor and architecture (AL2023 standard). */
  recommendedAmi(minor: string, architecture: "x86_64" | "arm64"): Promise<string | undefined>;
  launchTemplateId(name: string): Promise<string | undefined>;
  createLaunchTemplate(request: {
    name: string;
    imageId: string;
    instanceType: string;
    instanceProfile: string;
    userData: string;
    tags: Record<string, string>;
  }): Promise<string>;
  deleteLaunchTemplate(name: string): Promise<void>;
  /** Names of the launch templates tagged tugboat:cluster=<cluster> and tugboat:created-by-run. */
  launchTemplatesTagged(cluster: string): Promise<string[]>;
  describeGroups(names: string[]): Promise<GroupView[]>;
  groupsTagged(cluster: string): Promise<GroupView[]>;
  /** Throws GroupExistsError when the name is taken. */
  createGroup(request: CreateGroupRequest): Promise<void>;
  suspendProcesses(name: string, processes: string[]): Promise<void>;
  deleteGroup(name: string): Promise<void>;
}

export class GroupExistsError extends Error {
  constructor(name: string) {
    super(`Auto Scaling group ${name} already exists`);
    this.name = "GroupExistsError";
  }
}
