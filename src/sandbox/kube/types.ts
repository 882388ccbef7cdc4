/**
 * Types of the simulated Kubernetes cluster: the public views (what tests, reports and benchmarks
 * read) and the records the simulation keeps. Records are plain data; the behaviour lives in the
 * modules that own each concept (nodes, pods, controllers, scheduler, disruption, eviction).
 */

import type { LaunchedInstance } from "../links";
import type { ScenarioWorkload } from "../scenario/schema";
import type { Requirement } from "./selectors";

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet";

/** Figures a run is judged by. Counters only grow; integrals are in virtual seconds. */
export interface ClusterMetrics {
  /** Evictions granted (HTTP eviction subresource and ClusterControl.evict). */
  podsEvicted: number;
  /** Evictions refused with 429 because a PodDisruptionBudget allowed no disruption. */
  evictionsRefusedByPdb: number;
  /** Times a budgeted pod stopped being healthy other than by a granted eviction and left its PDB below desiredHealthy. */
  pdbViolations: number;
  /** Workload pods killed without graceful termination (their node died under them); DaemonSet pods excluded. */
  podsLost: number;
  /** Integral over time of, per Deployment/StatefulSet, desired − Ready replicas when positive. */
  podUnavailableSeconds: number;
  /** Integral over time of unscheduled pods that mount a zonal volume. */
  zonalPodPendingSeconds: number;
  /** Pods not bound to any node right now (not counting pods being deleted). */
  pendingPods: number;
  /** Per PDB ("namespace/name"), the integral over time of desiredHealthy − currentHealthy when positive (pod-seconds). */
  pdbDeficitPodSeconds: Record<string, number>;
  pdbDeficitPodSecondsTotal: number;
  /** Minimum since t0 of the capacity ratios (metrics.ts): what Ready schedulable nodes offer ÷ what the wanted pods request. */
  minCapacityRatio: CapacityRatios;
}

/** Allocatable CPU and memory ÷ requests of the wanted pods (the smaller of the two); null where nothing is wanted. */
export interface CapacityRatios {
  /** The worst AZ. */
  az: number | null;
  /** The whole cluster. */
  cluster: number | null;
}

export interface NodeView {
  name: string;
  instanceId: string;
  availabilityZone: string;
  nodeGroup: string;
  instanceType: string;
  kubeletVersion: string;
  ready: boolean;
  unschedulable: boolean;
  /** The machine is shutting down or gone; the Node object lingers until the instance is terminated. */
  shuttingDown: boolean;
  taints: { key: string; value?: string; effect: string }[];
  labels: Record<string, string>;
  registeredAtMs: number;
  readyAtMs?: number;
  /** Pods bound to the node, DaemonSet pods excluded (what podCapacity limits). */
  workloadPods: number;
  podCapacity: number;
}

export interface PodView {
  namespace: string;
  name: string;
  workloadKind: WorkloadKind;
  workload: string;
  nodeName?: string;
  availabilityZone?: string;
  phase: "Pending" | "Running";
  ready: boolean;
  deleting: boolean;
  createdAtMs: number;
  /** The zone the pod's volume is pinned to, when it mounts a zonal volume that has been provisioned. */
  volumeZone?: string;
  claimName?: string;
}

export interface EventView {
  namespace: string;
  name: string;
  involvedKind: string;
  involvedName: string;
  type: string;
  reason: string;
  message: string;
  source: string;
  atMs: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export type ReadyStatus = "True" | "False" | "Unknown";

export interface NodeRecord {
  name: string;
  uid: string;
  resourceVersion: string;
  instance: LaunchedInstance;
  region: string;
  podCapacity: number;
  kubeletVersion: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Taints set by clients; the condition taints (not-ready, unreachable, unschedulable) are derived. */
  taints: Taint[];
  unschedulable: boolean;
  ready: ReadyStatus;
  readyReason: string;
  readyMessage: string;
  readyTransitionMs: number;
  createdAtMs: number;
  readyAtMs?: number;
  shuttingDown: boolean;
  /** Non-DaemonSet pods bound to the node, terminating ones included (what podCapacity limits). */
  load: number;
  /** Kept by NodeBook: Ready, not cordoned, no NoSchedule/NoExecute taint. */
  schedulable: boolean;
}

export interface InstanceRecord {
  instance: LaunchedInstance;
  nodeName?: string;
  timers: number[];
  gone: boolean;
}

export interface WorkloadRecord {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: string;
  createdAtMs: number;
  spec: ScenarioWorkload;
  /** Desired replicas (Deployment/StatefulSet); DaemonSets follow the nodes. */
  replicas: number;
  /** Deployment: pod-template-hash; StatefulSet/DaemonSet: controller-revision-hash. */
  templateHash: string;
  /** Deployment only: its current ReplicaSet. */
  replicaSetName?: string;
  replicaSetUid?: string;
  podLabels: Record<string, string>;
  selector: Record<string, string>;
  /** The pdb-blocked fault: pods report unready while set. */
  blocked: boolean;
  blockTimer?: number;
}

export interface PdbRecord {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  createdAtMs: number;
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values?: string[] }[];
  /** matchLabels and matchExpressions compiled. */
  selector: Requirement[];
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  /** Kept by the pod index: selected pods, how many are healthy, and their controllers (for expected scale). */
  matched: number;
  healthy: number;
  controllers: Map<WorkloadRecord, number>;
}

export interface ClaimRecord {
  namespace: string;
  name: string;
  uid: string;
  volumeName: string;
  volumeUid: string;
  /** EBS volume id, for the PV's CSI volumeHandle. */
  volumeHandle: string;
  /** Set when the volume is provisioned, on the zone of the first node a pod using it lands on. */
  zone?: string;
  provisionedAtMs?: number;
  /** The node the volume is attached to; a pod starting elsewhere pays timing.volumeAttachSeconds. */
  attachedNode?: string;
  createdAtMs: number;
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** Creation order: the scheduler's queue order and the listing order. */
  seq: number;
  workload: WorkloadRecord;
  labels: Record<string, string>;
  createdAtMs: number;
  ordinal?: number;
  /** Deployment replica slot, used only to give each replica its own zonal volume. */
  slot?: number;
  claimKey?: string;
  nodeName?: string;
  /** Zone of the node the pod is bound to. */
  zone?: string;
  boundAtMs?: number;
  podIp?: string;
  phase: "Pending" | "Running";
  startedAtMs?: number;
  containersReady: boolean;
  containersReadyAtMs?: number;
  /** Bound, but another pod on another node still holds its ReadWriteOnce volume (Multi-Attach). */
  waitingForVolume: boolean;
  deletionTimestampMs?: number;
  deletionGraceSeconds?: number;
  exitAtMs?: number;
  exitTimer?: number;
  timers: number[];
  /** The scheduler tried and found no node: later passes only look at nodes that changed since. */
  schedulingAttempted: boolean;
  /** Last readiness the index counted (per workload and per budget). */
  readyCounted: boolean;
  /** Budgets selecting this pod, resolved when it is created (or when a budget is created). */
  pdbs: PdbRecord[];
  gone: boolean;
}

export interface EventRecord {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string; apiVersion?: string };
  reason: string;
  message: string;
  type: string;
  sourceComponent: string;
  sourceHost?: string;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  firstMs: number;
  lastMs: number;
  count: number;
  /** Which API the event was written through; both APIs list every event. */
  api: "core" | "events.k8s.io";
}
