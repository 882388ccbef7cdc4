/**
 * Narrow ports between the core and the outside world. The core imports no SDK: adapters in
 * src/adapters implement these with AWS SDK v3 and @kubernetes/client-node, and the sandbox plugs a
 * simulated region and API server behind those same adapters.
 */

import type { LoadBalancerPort } from "./create/self-managed/ports";
import type { Observation, ObservationScope } from "./estimates/observations";
import type {
  AsgSizes,
  AutoScalingGroupState,
  Ec2Instance,
  EksAddonState,
  EksAddonVersion,
  EksClusterState,
  EksClusterVersion,
  EksInsight,
  EksNodegroupState,
  EksUpdateState,
  LaunchTemplateVersion,
  SubnetState,
} from "./model/aws";
import type {
  EvictionResult,
  KubeEventRecord,
  KubeNode,
  KubePdb,
  KubePod,
  KubeTaint,
  KubeZonalVolume,
  NodeChange,
} from "./model/kube";
import type { ExecutionStatusPort, LockRecord, RunRecord } from "./model/state";
import type { AmiFamily, ImageFacts } from "./upgrade/ami-family";

export interface AutoScalingPort {
  describeGroup(name: string): Promise<AutoScalingGroupState | undefined>;
  /** The group's instance refresh under way (Pending, InProgress, Baking, Cancelling, RollbackInProgress), if any. */
  activeInstanceRefresh(name: string): Promise<{ id: string; status: string } | undefined>;
  /** Groups carrying every one of these tags. */
  findGroupsByTags(tags: Record<string, string>): Promise<AutoScalingGroupState[]>;
  updateSizes(name: string, sizes: AsgSizes): Promise<void>;
  /** Points the group at a launch template version (UpdateAutoScalingGroup LaunchTemplate). */
  setLaunchTemplate(name: string, template: { id: string; version: string }): Promise<void>;
  suspendProcesses(name: string, processes: string[]): Promise<void>;
  resumeProcesses(name: string, processes: string[]): Promise<void>;
  /**
   * Launches `count` instances (at most 100) into one AZ of the group and raises its desired capacity
   * by as many (LaunchInstances). The client token makes a retried call launch nothing twice.
   */
  launchInstances(
    name: string,
    request: { availabilityZone: string; count: number; clientToken: string },
  ): Promise<{ instanceIds: string[]; errors: string[] }>;
  /** "already-gone" when the instance is not (or no longer) in a group: an expected outcome. */
  terminateInstance(instanceId: string, decrementDesiredCapacity: boolean): Promise<"terminating" | "already-gone">;
  completeLifecycleAction(action: {
    groupName: string;
    hookName: string;
    instanceId: string;
    token?: string;
    result: "CONTINUE" | "ABANDON";
  }): Promise<"completed" | "not-found">;
  recordLifecycleActionHeartbeat(action: {
    groupName: string;
    hookName: string;
    instanceId: string;
    token?: string;
  }): Promise<"recorded" | "not-found">;
}

export interface Ec2Port {
  describeInstances(instanceIds: string[]): Promise<Ec2Instance[]>;
  /** Resolves "$Latest", "$Default" or a number to the concrete version and its AMI. */
  describeLaunchTemplateVersion(templateId: string, version: string): Promise<LaunchTemplateVersion>;
  /** A new version copied from `sourceVersion` with only the AMI changed; returns it resolved. */
  createLaunchTemplateVersion(request: {
    templateId: string;
    sourceVersion: string;
    imageId: string;
    description: string;
  }): Promise<LaunchTemplateVersion>;
  describeSubnets(subnetIds: string[]): Promise<SubnetState[]>;
  /** An image's architecture, name and description (DescribeImages); undefined when it no longer exists. */
  describeImage(imageId: string): Promise<ImageFacts | undefined>;
}

/** SSM public parameters Tugboat reads: the EKS-optimized AMI recommended for a Kubernetes minor. */
export interface ParametersPort {
  /**
   * The image of a family (upgrade/ami-family.ts; AL2023 x86_64 standard when not given), from its public
   * parameters (`amiParameterNames`); undefined when AWS publishes none for that minor.
   */
  recommendedEksAmi(
    minor: string,
    family?: AmiFamily,
  ): Promise<{ imageId: string; releaseVersion?: string } | undefined>;
}

export interface EksPort {
  describeCluster(name: string): Promise<EksClusterState | undefined>;
  describeNodegroup(cluster: string, nodegroup: string): Promise<EksNodegroupState | undefined>;
  updateNodegroupVersion(request: {
    cluster: string;
    nodegroup: string;
    version?: string;
    releaseVersion?: string;
    launchTemplate?: { id?: string; name?: string; version?: string };
    force?: boolean;
  }): Promise<EksUpdateState>;
  updateNodegroupConfig(request: {
    cluster: string;
    nodegroup: string;
    updateConfig?: { maxUnavailable?: number; maxUnavailablePercentage?: number };
    scalingConfig?: { minSize?: number; maxSize?: number; desiredSize?: number };
  }): Promise<EksUpdateState>;
  describeUpdate(request: {
    cluster: string;
    nodegroup?: string;
    addonName?: string;
    updateId: string;
  }): Promise<EksUpdateState>;
  /** Names of the cluster's managed node groups (every page). */
  listNodegroups(cluster: string): Promise<string[]>;
  /** Kubernetes versions EKS offers (every page). */
  describeClusterVersions(): Promise<EksClusterVersion[]>;
  /** One minor version up; EKS refuses anything else. */
  updateClusterVersion(request: { cluster: string; version: string }): Promise<EksUpdateState>;
  /** Installed add-ons with their versions and configuration values. */
  listAddons(cluster: string): Promise<EksAddonState[]>;
  /** Versions of an add-on compatible with a Kubernetes version, newest first. */
  describeAddonVersions(request: { addonName: string; kubernetesVersion: string }): Promise<EksAddonVersion[]>;
  /** UpdateAddon with resolveConflicts PRESERVE and the configuration values passed through. */
  updateAddon(request: {
    cluster: string;
    addonName: string;
    version: string;
    configurationValues?: string;
  }): Promise<EksUpdateState>;
  /** StartInsightsRefresh; insights are then read with listInsights once the refresh completes. */
  startInsightsRefresh(cluster: string): Promise<void>;
  /** DescribeInsightsRefresh: IN_PROGRESS | COMPLETED | FAILED. */
  describeInsightsRefresh(cluster: string): Promise<string>;
  /** Upgrade-readiness insights (every page), with each insight's reason. */
  listInsights(cluster: string): Promise<EksInsight[]>;
}

/** An etcd member as the v3 Cluster API reports it, with the health of its client endpoint. */
/** An ARC zonal shift: traffic of a resource (an EKS cluster, an Auto Scaling group) moved away from one zone. */
export interface ZonalShift {
  resourceIdentifier: string;
  /** The Availability Zone ID ("use1-az1") traffic is moved away from. */
  awayFrom: string;
  status: string;
  expiryTime?: Date;
  comment?: string;
}

export interface ZonalShiftPort {
  /** Active zonal shifts in the account and region (ARC ListZonalShifts, status ACTIVE). */
  listActiveZonalShifts(): Promise<ZonalShift[]>;
}

export interface EtcdMember {
  /** Decimal string of the uint64 member id. */
  id: string;
  /** kubeadm names a member after its node; empty until the member has started. */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
  /** GET <clientUrl>/health answered {"health":"true"}. */
  healthy: boolean;
}

/** etcd of a self-managed control plane (v3 JSON gateway: /v3/cluster/member/list, /member/remove, /health). */
/** MemberPromote's answers: a learner not yet caught up with the leader is told to wait. */
export type PromoteOutcome = "promoted" | "not-in-sync" | "not-learner" | "not-found";

export interface EtcdPort {
  listMembers(): Promise<EtcdMember[]>;
  removeMember(id: string): Promise<"removed" | "not-found">;
  /** MemberPromote: a learner becomes a voting member once it is in sync with the leader. */
  promoteMember(id: string): Promise<PromoteOutcome>;
}

export interface KubePort {
  listNodes(): Promise<KubeNode[]>;
  /** GET /version: the API server's minor ("1.30") and gitVersion. */
  serverVersion(): Promise<{ minor: string; gitVersion: string }>;
  listPods(filter?: { nodeName?: string }): Promise<KubePod[]>;
  listPdbs(): Promise<KubePdb[]>;
  /** PersistentVolumes pinned to one zone by node affinity (EBS), with their claims. */
  listZonalVolumes(): Promise<KubeZonalVolume[]>;
  setUnschedulable(nodeName: string, unschedulable: boolean): Promise<NodeChange>;
  /** Adds (present) or removes a taint by key and effect; "unchanged" when already so. */
  setTaint(nodeName: string, taint: KubeTaint, present: boolean): Promise<NodeChange>;
  /** Eviction API only (policy/v1 Eviction). A 429 is a result ("blocked"), not an error. */
  evictPod(namespace: string, name: string): Promise<EvictionResult>;
  /** Used only when the operator asked for force. */
  deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<"deleted" | "not-found">;
  deleteNode(nodeName: string): Promise<"deleted" | "not-found">;
  recordEvent(event: KubeEventRecord): Promise<void>;
}

/** Tugboat's own store: locks, runs and per-batch plans (DynamoDB in AWS). */
export interface StatePort {
  getLock(cluster: string): Promise<LockRecord | undefined>;
  /** Creates the lock only if none exists. */
  putLockIfAbsent(lock: LockRecord): Promise<{ ok: true } | { ok: false; holder: LockRecord }>;
  /** Replaces a lock only if it is still held by `expectedOwner` (stale-lock takeover). */
  replaceLock(expectedOwner: string, lock: LockRecord): Promise<boolean>;
  /** Deletes the lock only if `owner` holds it. */
  releaseLock(cluster: string, owner: string): Promise<boolean>;
  requestAbort(cluster: string, requestedBy: string): Promise<LockRecord | undefined>;
  putRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Runs of a cluster, newest first. */
  listRuns(cluster: string, limit?: number): Promise<RunRecord[]>;
  putItem(runId: string, key: string, value: unknown): Promise<void>;
  getItem<T>(runId: string, key: string): Promise<T | undefined>;
  /** Tugboat's own observations of a node group (or of the cluster itself), oldest first. */
  listObservations(scope: ObservationScope): Promise<Observation[]>;
  /** Records observations: ids already kept are ignored (a retried step), each kind keeps its newest. */
  recordObservations(scope: ObservationScope, observations: Observation[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type { ExecutionStatusPort };

/** Everything a step may touch, built once per cold start (or per sandbox run). */
export interface Deps {
  autoScaling: AutoScalingPort;
  ec2: Ec2Port;
  eks: EksPort;
  /** Kubernetes access for a cluster: EKS token or a kubeconfig from SSM/Secrets Manager. */
  kube(cluster: string): Promise<KubePort>;
  /** etcd access of a self-managed cluster (endpoints and client certificates from Secrets Manager). */
  etcd(cluster: string): Promise<EtcdPort>;
  parameters: ParametersPort;
  /** Elastic Load Balancing v2: a self-managed cluster's API server load balancer (absent in unit fakes). */
  loadBalancers?: LoadBalancerPort;
  /** ARC zonal shifts (absent where no step reads them). */
  zonalShifts?: ZonalShiftPort;
  state: StatePort;
  executions: ExecutionStatusPort;
  clock: Clock;
  log: Log;
}
