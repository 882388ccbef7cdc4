/** What Tugboat reads of AWS, in its own words: the adapters translate SDK shapes into these. */

export interface AsgInstance {
  instanceId: string;
  availabilityZone: string;
  /** InService, Pending, Pending:Wait, Terminating, Terminating:Wait, Standby, … as Auto Scaling reports it. */
  lifecycleState: string;
  healthStatus: string;
  /** The launch template version this instance was launched from, as a number string ("3"). */
  launchTemplateVersion?: string;
  protectedFromScaleIn: boolean;
}

export interface AutoScalingGroupState {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  /** Names of suspended processes (Launch, Terminate, AZRebalance, …). */
  suspendedProcesses: string[];
  /** The template new instances are launched from; `version` may be "$Latest" or "$Default". */
  launchTemplate?: { id: string; name: string; version: string };
  tags: Record<string, string>;
  instances: AsgInstance[];
}

export interface AsgSizes {
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

export interface Ec2Instance {
  instanceId: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  privateDnsName: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  launchTime: Date;
  tags: Record<string, string>;
}

export interface LaunchTemplateVersion {
  templateId: string;
  templateName: string;
  versionNumber: string;
  imageId?: string;
  instanceType?: string;
}

export interface EksClusterState {
  name: string;
  version: string;
  status: string;
  endpoint?: string;
  certificateAuthorityData?: string;
  arn?: string;
  /** resourcesVpcConfig.subnetIds: where EKS places the control plane's network interfaces. */
  subnetIds?: string[];
}

/** A Kubernetes version EKS offers (DescribeClusterVersions). */
export interface EksClusterVersion {
  /** "1.33" */
  version: string;
  /** STANDARD_SUPPORT | EXTENDED_SUPPORT | UNSUPPORTED */
  status: string;
  defaultVersion: boolean;
}

/** An installed EKS add-on (ListAddons + DescribeAddon). */
export interface EksAddonState {
  name: string;
  /** "v1.18.1-eksbuild.1" */
  version: string;
  /** ACTIVE | CREATING | UPDATING | DEGRADED | UPDATE_FAILED | … */
  status: string;
  /** The user's configuration (JSON or YAML string), preserved across updates. */
  configurationValues?: string;
}

/** An add-on version compatible with one Kubernetes version (DescribeAddonVersions). */
export interface EksAddonVersion {
  version: string;
  /** EKS's default version for that Kubernetes version. */
  defaultVersion: boolean;
}

/** An EKS upgrade insight (ListInsights, category UPGRADE_READINESS). */
export interface EksInsight {
  id: string;
  name: string;
  /** PASSING | WARNING | ERROR | UNKNOWN */
  status: string;
  reason: string;
  description: string;
  /** The Kubernetes version the insight judges readiness for. */
  kubernetesVersion?: string;
}

export interface SubnetState {
  subnetId: string;
  availabilityZone: string;
  availableIpAddressCount: number;
}

export interface EksNodegroupState {
  clusterName: string;
  name: string;
  status: string;
  version?: string;
  releaseVersion?: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  /** AL2023_x86_64_STANDARD, BOTTLEROCKET_ARM_64, CUSTOM, … (which public image family it boots). */
  amiType?: string;
  autoScalingGroups: string[];
  scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
  updateConfig: { maxUnavailable?: number; maxUnavailablePercentage?: number };
  labels: Record<string, string>;
}

export type EksUpdateStatus = "InProgress" | "Failed" | "Cancelled" | "Successful";

export interface EksUpdateState {
  id: string;
  type: string;
  status: EksUpdateStatus;
  errors: { code: string; message: string; resourceIds: string[] }[];
  createdAt?: Date;
}
