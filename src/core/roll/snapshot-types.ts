/** A read of one node group's live state: its Auto Scaling group joined with EC2 and Kubernetes. */

export type NodeGroupMode = "self-managed-asg" | "eks-managed";

export interface GroupMember {
  instanceId: string;
  availabilityZone: string;
  /** Auto Scaling lifecycle state (InService, Pending, Terminating, …). */
  lifecycleState: string;
  launchTemplateVersion?: string;
  imageId?: string;
  nodeName?: string;
  /** "1.30" from a kubelet version such as "v1.30.4-eks-a5565ad". */
  kubeletMinor?: string;
  nodeReady: boolean;
  /** When the node last turned Ready (ISO 8601), as the API server says. */
  nodeReadySince?: string;
  unschedulable: boolean;
}

export interface GroupTarget {
  launchTemplateId?: string;
  launchTemplateVersion?: string;
  imageId?: string;
  kubernetesMinor?: string;
}

export interface AsgSummary {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  suspendedProcesses: string[];
}

export interface GroupSnapshot {
  cluster: string;
  nodeGroup: string;
  mode: NodeGroupMode;
  asg: AsgSummary;
  target: GroupTarget;
  members: GroupMember[];
  takenAt: string;
}

/** Auto Scaling states in which an instance is on its way out and must not be counted or chosen. */
export const LEAVING_STATES = new Set([
  "Terminating",
  "Terminating:Wait",
  "Terminating:Proceed",
  "Terminated",
  "Detaching",
  "Detached",
  "Standby",
  "EnteringStandby",
]);

export function isLeaving(member: GroupMember): boolean {
  return LEAVING_STATES.has(member.lifecycleState);
}

export function kubeletMinor(kubeletVersion: string | undefined): string | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(kubeletVersion ?? "");
  return match ? `${match[1]}.${match[2]}` : undefined;
}
