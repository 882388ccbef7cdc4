/**
 * The simulated region's own state, in AWS's words. The API handlers turn these records into SDK
 * output shapes; the engines (Auto Scaling, EC2 fleet, EKS updates) change them on the virtual clock.
 */
import type { LaunchedInstance } from "../links";

export type Ec2StateName = "pending" | "running" | "shutting-down" | "terminated";

/** EC2's numeric state codes (the low byte of State.Code). */
export const EC2_STATE_CODES: Record<Ec2StateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
};

export type CapacityType = "ON_DEMAND" | "SPOT";

export interface SimInstance {
  instanceId: string;
  reservationId: string;
  availabilityZone: string;
  subnetId: string;
  privateIp: string;
  privateDnsName: string;
  imageId: string;
  instanceType: string;
  capacityType: CapacityType;
  launchTemplate?: { id: string; name: string; version: number };
  state: Ec2StateName;
  launchTimeMs: number;
  /** When EC2 reported `terminated`; the instance stays visible in DescribeInstances for an hour after. */
  terminatedAtMs?: number;
  /** EC2's StateTransitionReason, e.g. "User initiated (2026-01-01 00:10:00 GMT)". */
  stateTransitionReason: string;
  tags: Record<string, string>;
  /** The Auto Scaling group that launched it (also in the aws:autoscaling:groupName tag). */
  groupName?: string;
  clusterName: string;
  /** The cluster whose API server the kubelet registers with (its bootstrap names it), when not clusterName. */
  joins?: string;
  nodeGroup: string;
  kubernetesMinor: string;
  labels: Record<string, string>;
  neverJoins: boolean;
  registerTaints?: LaunchedInstance["registerTaints"];
  initial: boolean;
  /** The kubelet side has been told the instance is running (so it must also hear that it went away). */
  announcedRunning: boolean;
}

export type AsgLifecycleState =
  | "Pending"
  | "Pending:Wait"
  | "Pending:Proceed"
  | "InService"
  | "Terminating"
  | "Terminating:Wait"
  | "Terminating:Proceed";

export interface GroupMember {
  instanceId: string;
  availabilityZone: string;
  lifecycleState: AsgLifecycleState;
  healthStatus: "Healthy" | "Unhealthy";
  protectedFromScaleIn: boolean;
  launchTemplateVersion: number;
  launchActivityId?: string;
  terminateActivityId?: string;
  /** Launched by AZRebalance: once it is in service, an instance in the fullest zone goes. */
  launchedForRebalance: boolean;
}

export type LifecycleTransition = "autoscaling:EC2_INSTANCE_LAUNCHING" | "autoscaling:EC2_INSTANCE_TERMINATING";
export type LifecycleResult = "CONTINUE" | "ABANDON";

export interface LifecycleHook {
  name: string;
  transition: LifecycleTransition;
  heartbeatTimeoutSeconds: number;
  defaultResult: LifecycleResult;
  notificationMetadata?: string;
  notificationTargetArn?: string;
  roleArn?: string;
}

export interface LifecycleAction {
  token: string;
  hookName: string;
  instanceId: string;
  transition: LifecycleTransition;
  /** The hook's settings when the action began (a later PutLifecycleHook does not change it). */
  heartbeatTimeoutSeconds: number;
  defaultResult: LifecycleResult;
  startedMs: number;
  /** Heartbeat deadline: the hook's default result applies when it passes. */
  deadlineMs: number;
  /** 100 × heartbeat timeout or 48 hours, whichever is smaller: heartbeats cannot extend past it. */
  globalDeadlineMs: number;
  timerId: number;
}

export interface ScalingActivity {
  activityId: string;
  groupName: string;
  description: string;
  cause: string;
  startMs: number;
  endMs?: number;
  statusCode: "InProgress" | "Successful" | "Failed" | "Cancelled" | "WaitingForInstanceWarmup";
  statusMessage?: string;
  progress: number;
  details: Record<string, string>;
  instanceId?: string;
}

export interface GroupSubnet {
  availabilityZone: string;
  subnetId: string;
}

export interface SimGroup {
  name: string;
  arn: string;
  clusterName: string;
  nodeGroup: string;
  kind: "self-managed-asg" | "eks-managed";
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldownSeconds: number;
  healthCheckGracePeriodSeconds: number;
  /** In the order the scenario lists them; ties in AZ balancing go to the earlier zone. */
  subnets: GroupSubnet[];
  /** The template new instances launch from; `version` is "$Latest", "$Default" or a number string. */
  launchTemplate: { id: string; name: string; version: string };
  tags: Record<string, string>;
  /** Process name → SuspensionReason. */
  suspended: Map<string, string>;
  members: Map<string, GroupMember>;
  hooks: Map<string, LifecycleHook>;
  actions: LifecycleAction[];
  createdMs: number;
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  lastScalingActivityMs?: number;
  /** Why the desired capacity last changed, prefixed to the cause of the launches it leads to. */
  lastCapacityCause?: string;
  reconcileTimerId?: number;
  /** Labels the kubelet of this group's nodes registers with. */
  nodeLabels: Record<string, string>;
  capacityType: CapacityType;
}

export interface LaunchTemplateData {
  ImageId?: string;
  InstanceType?: string;
  UserData?: string;
  [key: string]: unknown;
}

export interface LaunchTemplateVersionRecord {
  versionNumber: number;
  description?: string;
  createdMs: number;
  createdBy: string;
  data: LaunchTemplateData;
}

export interface SimLaunchTemplate {
  id: string;
  name: string;
  createdMs: number;
  createdBy: string;
  defaultVersion: number;
  versions: LaunchTemplateVersionRecord[];
  tags: Record<string, string>;
}

export interface SimImage {
  imageId: string;
  name: string;
  description: string;
  /** Kubernetes minor the image's kubelet runs, e.g. "1.30". */
  kubernetesMinor: string;
  /** EKS managed node group release version, e.g. "1.30.8-20251210". */
  releaseVersion: string;
  creationDate: string;
  architecture: "x86_64" | "arm64";
  ownerId: string;
}

export interface SimSubnet {
  subnetId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidrBlock: string;
  vpcId: string;
  /** Usable addresses of the CIDR (AWS reserves five per subnet). */
  usableAddresses: number;
  /** Third octet of the subnet's first address, for handing out private IPs. */
  baseOctet: number;
  nextHost: number;
}

export interface SimCluster {
  name: string;
  arn: string;
  version: string;
  platformVersion: string;
  status: "ACTIVE" | "UPDATING" | "CREATING" | "DELETING" | "FAILED";
  createdMs: number;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  oidcId: string;
  tags: Record<string, string>;
  /** What CreateCluster was asked for (eks-create.ts); absent on clusters a scenario lays out. */
  created?: ClusterCreation;
}

export interface HealthIssue {
  code: string;
  message: string;
  resourceIds: string[];
}

export interface ClusterCreation {
  clientRequestToken?: string;
  roleArn: string;
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  publicAccessCidrs: string[];
  logging: string[];
  serviceIpv4Cidr: string;
  healthIssues: HealthIssue[];
}

export interface SimNodegroup {
  clusterName: string;
  name: string;
  arn: string;
  status: "ACTIVE" | "UPDATING" | "DEGRADED" | "CREATING" | "DELETING" | "CREATE_FAILED";
  version: string;
  releaseVersion: string;
  createdMs: number;
  modifiedMs: number;
  asgName: string;
  scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
  updateConfig: { maxUnavailable?: number; maxUnavailablePercentage?: number };
  labels: Record<string, string>;
  instanceTypes: string[];
  capacityType: CapacityType;
  subnets: string[];
  launchTemplate: { id: string; name: string; version: string };
  nodeRole: string;
  /** Set on node groups made by CreateNodegroup (eks-create-nodegroups.ts). */
  created?: {
    clientRequestToken?: string;
    tags: Record<string, string>;
    healthIssues: HealthIssue[];
    taints: unknown[];
    amiType: string;
  };
}

export type EksUpdateStatus = "InProgress" | "Failed" | "Cancelled" | "Successful";

export interface SimEksUpdate {
  id: string;
  clusterName: string;
  nodegroupName?: string;
  addonName?: string;
  type: "VersionUpdate" | "ConfigUpdate" | "AddonUpdate";
  status: EksUpdateStatus;
  params: { type: string; value: string }[];
  createdMs: number;
  errors: { errorCode: string; errorMessage: string; resourceIds: string[] }[];
}

export interface SimAddon {
  clusterName: string;
  name: string;
  arn: string;
  version: string;
  status: "ACTIVE" | "UPDATING" | "CREATING" | "DEGRADED" | "UPDATE_FAILED";
  /** The user's configuration as given (JSON or YAML), kept until an update replaces it. */
  configurationValues?: string;
  createdMs: number;
  modifiedMs: number;
}

export type InsightStatusValue = "PASSING" | "WARNING" | "ERROR" | "UNKNOWN";

export interface SimInsight {
  id: string;
  name: string;
  /** The Kubernetes version whose readiness it judges (the cluster's next minor). */
  kubernetesVersion: string;
  description: string;
  status: InsightStatusValue;
  reason: string;
  lastRefreshMs: number;
  /** When the status last changed. */
  lastTransitionMs: number;
}

export interface SimInsightsRefresh {
  status: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  startedMs: number;
  endedMs?: number;
}
