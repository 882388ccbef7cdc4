/** What Tugboat reads of Kubernetes, in its own words: the kube adapter translates API objects into these. */

export interface KubeTaint {
  key: string;
  value?: string;
  effect: string;
}

export interface KubeNode {
  name: string;
  /** aws:///us-east-1a/i-0123… */
  providerId?: string;
  /** Parsed from providerId when it is an AWS one. */
  instanceId?: string;
  availabilityZone?: string;
  ready: boolean;
  unschedulable: boolean;
  kubeletVersion: string;
  labels: Record<string, string>;
  taints: KubeTaint[];
  internalDnsName?: string;
  createdAt: Date;
  /** When the Ready condition last turned True (unset while not Ready). */
  readySince?: Date;
  /** status.allocatable.pods: the kubelet's max pods, DaemonSet pods included. */
  allocatablePods?: number;
}

export type PodOwnerKind = "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "Node" | "Other" | "None";

export interface KubePod {
  namespace: string;
  name: string;
  nodeName?: string;
  /** Pending | Running | Succeeded | Failed | Unknown */
  phase: string;
  ready: boolean;
  labels: Record<string, string>;
  ownerKind: PodOwnerKind;
  ownerName?: string;
  /** A static pod mirrored by the kubelet (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  /** Has a deletionTimestamp: already terminating. */
  deleting: boolean;
  terminationGracePeriodSeconds: number;
  priorityClassName?: string;
  createdAt: Date;
  /** When the Ready condition last turned True (unset while not Ready). */
  readySince?: Date;
  /** PersistentVolumeClaims the pod mounts (names in its namespace). */
  claims?: string[];
  /** Requests of the pod's first container, as the API writes quantities ("250m", "128Mi"). */
  requests?: { cpu?: string; memory?: string };
  nodeSelector?: Record<string, string>;
}

/** A zonal PersistentVolume (EBS): the zone its node affinity pins it to, and the claim bound to it. */
export interface KubeZonalVolume {
  name: string;
  zone: string;
  /** "namespace/name" of the bound PersistentVolumeClaim. */
  claim?: string;
}

export interface KubePdb {
  namespace: string;
  name: string;
  matchLabels: Record<string, string>;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
}

export type EvictionResult =
  | { outcome: "evicted" }
  | { outcome: "not-found" }
  /** 429: a PDB refuses for now. The message is the API server's, naming the budget. */
  | { outcome: "blocked"; message: string; pdbName?: string; retryAfterSeconds?: number }
  /** 403/500: a PDB misconfiguration (negative budget, several PDBs) that waiting will not fix. */
  | { outcome: "refused"; status: number; message: string };

export type NodeChange = "changed" | "unchanged" | "not-found";

export interface KubeEventRecord {
  nodeName: string;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}
