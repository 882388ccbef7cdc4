/**
 * The upgrade-cluster workflow's state. Everything here stays small (a cluster has a handful of node
 * groups and add-ons), so the plan travels in the state; node lists never do.
 */
import type { EstimateSource } from "../estimates/estimate";
import type { EksAddonState } from "../model/aws";
import type { NodeGroupMode } from "../roll/snapshot-types";
import type { LockResult, RunRef } from "../roll/state";
import type { UpgradeInput } from "./input";

export interface NodeGroupInfo {
  name: string;
  mode: NodeGroupMode;
  asgName: string;
  nodes: number;
  /** Oldest and newest kubelet minors among the group's nodes (absent when it has none). */
  oldestKubelet?: string;
  newestKubelet?: string;
  /** Managed groups: the version EKS reports for the group. */
  managedVersion?: string;
  managedStatus?: string;
}

export interface ControlPlaneInfo {
  asgName: string;
  nodes: number;
  oldestKubelet?: string;
}

export interface ClusterSnapshot {
  cluster: string;
  kind: "eks" | "self-managed";
  /** The control plane's minor (EKS's version, or the oldest API server of a self-managed cluster). */
  version: string;
  status: string;
  subnetIds: string[];
  nodeGroups: NodeGroupInfo[];
  controlPlane?: ControlPlaneInfo;
  addons: EksAddonState[];
  nodesNotReady: string[];
  nodes: number;
}

export interface AddonHop {
  addon: string;
  from: string;
  version: string;
  reason: string;
}

export interface GroupRoll {
  name: string;
  mode: NodeGroupMode;
  toVersion: string;
  nodes: number;
  reason: string;
}

export type Phase =
  | { kind: "control-plane"; mode: "eks" | "self-managed"; toVersion: string; predictedSeconds: number }
  | { kind: "addons"; toVersion: string; hops: AddonHop[]; predictedSeconds: number }
  | { kind: "node-groups"; toVersion: string; groups: GroupRoll[]; predictedSeconds: number };

export interface UpgradePlan {
  fromVersion: string;
  toVersion: string;
  path: string[];
  phases: Phase[];
  controlPlaneUpdates: number;
  nodeGroupRolls: Record<string, number>;
  addonUpdates: number;
  predictedSeconds: number;
  /** "defaults" or "history (N runs)": where the prediction's figures came from. */
  estimateSource: EstimateSource;
  /** Why each phase is there (or why a group is left alone), in plain words. */
  explanation: string[];
}

export interface InsightFinding {
  name: string;
  status: string;
  reason: string;
  accepted?: boolean;
}

export interface UpgradePreflight {
  ok: boolean;
  problems: string[];
  warnings: string[];
  insights: InsightFinding[];
}

export interface PhaseCursor {
  /** Index of the phase being run; equals the number of phases when all are done. */
  index: number;
  finished: boolean;
  kind?: Phase["kind"] | "self-managed-control-plane";
  toVersion?: string;
  aborted?: boolean;
}

/** A polled phase step: done, failed (with why), or look again after `waitSeconds`. */
export interface PhaseProgress {
  done: boolean;
  failed: boolean;
  reason?: string;
  waitSeconds: number;
  attempts: number;
  /** What the step did or waits for, for the progress view. */
  activity?: string;
  updateId?: string;
  /** Add-on phases: how many hops are complete. */
  hopsDone?: number;
  /** Index of the phase this progress belongs to (a new phase starts fresh). */
  phase?: number;
  /** Self-managed control planes: sizes to restore and processes this run suspended. */
  original?: { minSize: number; maxSize: number; desiredCapacity: number };
  suspended?: string[];
  replaced?: number;
  targetTemplateVersion?: string;
  targetImageId?: string;
  deadline?: string;
  /** When the EKS update being followed was requested: its observed duration runs from here. */
  startedAt?: string;
}

export interface RollRequest {
  nodeGroup: string;
  executionName: string;
  input: Record<string, unknown>;
}

export interface RollOutcomeItem {
  nodeGroup: string;
  outcome: string;
  reason?: string;
  replaced?: number;
}

export interface Assessment {
  cluster: ClusterSnapshot;
  plan: UpgradePlan;
  preflight: UpgradePreflight;
}

/** One entry of the node-group phase's Map: the child execution's output, or its error when it failed. */
export interface RollResultItem {
  nodeGroup: string;
  output?: { summary?: { outcome?: string; reason?: string; nodesReplaced?: number } };
  error?: { Error: string; Cause: string };
}

export interface DoneCounts {
  controlPlaneUpdates: number;
  nodeGroupRolls: Record<string, number>;
  addonUpdates: number;
}

export interface Observation {
  /** Largest (API server minor - kubelet minor) seen after any phase. */
  maxKubeletSkew: number;
  controlPlaneVersion: string;
  oldestKubelet?: string;
  nodesNotReady: number;
  done: DoneCounts;
  /** Set when the phase failed or the cluster is outside the skew policy: the upgrade stops here. */
  halt?: string;
}

export type UpgradeOutcome = "succeeded" | "failed" | "refused" | "aborted" | "planned";

export interface UpgradeSummary {
  outcome: UpgradeOutcome;
  fromVersion?: string;
  toVersion: string;
  controlPlaneUpdates: number;
  nodeGroupRolls: Record<string, number>;
  addonUpdates: number;
  maxKubeletSkewObserved: number;
  durationSeconds: number;
  reason?: string;
  predictedSeconds?: number;
}

export interface UpgradeState {
  input: UpgradeInput;
  request?: unknown;
  run: RunRef;
  lock?: LockResult;
  insightsRefresh?: PhaseProgress;
  assessment?: Assessment;
  cursor?: PhaseCursor;
  progress?: PhaseProgress;
  rolls?: { items: RollRequest[] };
  rollResults?: RollResultItem[];
  observed?: Observation;
  release?: { released: boolean };
  error?: { Error: string; Cause: string };
  summary?: UpgradeSummary;
}

export function emptyDone(): DoneCounts {
  return { controlPlaneUpdates: 0, nodeGroupRolls: {}, addonUpdates: 0 };
}
