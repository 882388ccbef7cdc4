/**
 * What `tug connect` and `tug doctor` need from AWS and from the cluster's Kubernetes API (as an admin:
 * the caller's own identity), kept apart from the workflows' ports because no step may do any of it.
 */
import type { RbacObject } from "./rbac";

export type AuthenticationMode = "API" | "API_AND_CONFIG_MAP" | "CONFIG_MAP" | string;

export interface ClusterAccessConfig {
  name: string;
  authenticationMode: AuthenticationMode;
  vpcId?: string;
  endpointPublicAccess: boolean;
  endpointPrivateAccess: boolean;
  publicAccessCidrs: string[];
}

export interface AccessEntryView {
  principalArn: string;
  kubernetesGroups: string[];
  username?: string;
}

/** A node group Tugboat may manage: its Auto Scaling group and launch template, with their tags. */
export interface ManagedGroupView {
  nodeGroup: string;
  kind: "eks-managed" | "self-managed-asg";
  asgName: string;
  asgTags: Record<string, string>;
  launchTemplate?: { id: string; name: string; tags: Record<string, string> };
}

export interface ConnectPort {
  /** Undefined when the cluster is not an EKS cluster in this account and region. */
  describeCluster(cluster: string): Promise<ClusterAccessConfig | undefined>;
  describeAccessEntry(cluster: string, principalArn: string): Promise<AccessEntryView | undefined>;
  createAccessEntry(cluster: string, principalArn: string, kubernetesGroups: string[]): Promise<void>;
  updateAccessEntry(cluster: string, principalArn: string, kubernetesGroups: string[]): Promise<void>;
  readRbac(cluster: string, object: RbacObject): Promise<RbacObject | undefined>;
  /** Creates the object, or replaces the live one (create-or-update). */
  applyRbac(cluster: string, object: RbacObject): Promise<void>;
  /** The cluster's node groups: EKS managed ones and Auto Scaling groups tagged kubernetes.io/cluster/<cluster>. */
  listNodeGroups(cluster: string): Promise<ManagedGroupView[]>;
  tagAutoScalingGroup(asgName: string, tags: Record<string, string>): Promise<void>;
  tagLaunchTemplate(launchTemplateId: string, tags: Record<string, string>): Promise<void>;
}
