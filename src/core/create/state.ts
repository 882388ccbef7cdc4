/**
 * The create-cluster workflow's state: the request, the run, and each step's small result. The
 * parsed spec travels in the state (a few KB); node lists stay in AWS and are read back.
 */
import { createHash } from "node:crypto";
import type { CreateLock } from "./lock";
import type { ClusterSpec } from "./spec";

export interface CreateRequest {
  spec: unknown;
  /** Tugboat's roles that reach Kubernetes (the stack's KubeRoleArns): they get access entries. */
  kubeRoleArns: string[];
  /** The account the cluster and node roles live in, for role names given without an ARN. */
  accountId: string;
  dryRun?: boolean;
}

export interface RunRef {
  executionId: string;
  runId: string;
  startedAt: string;
}

export interface CreateState {
  request: CreateRequest;
  run: RunRef;
  validation?: CreateValidation;
  /** The cluster lock, held from after validation to the way out (lock.ts). */
  lock?: CreateLock;
  released?: { released: boolean };
  controlPlane?: { done: boolean; failed: boolean; reason?: string; changes: number; subnetIds: string[] };
  prepared?: { changes: number };
  nodeGroups?: { changes: number; groups: string[] };
  health?: HealthResult;
  /** kind self-managed: the API server's load balancer and the control plane's joins (self-managed/). */
  apiEndpoint?: { changes: number; endpoint: string; targetGroupArn: string };
  selfManaged?: import("./self-managed/control-plane").ControlPlaneProgress;
}

export interface CreateValidation {
  spec: ClusterSpec;
  refused: boolean;
  reason?: string;
  predictedSeconds: number;
  plan: string[];
  deadline: string;
}

export interface HealthCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface HealthResult {
  done: boolean;
  failed: boolean;
  passes: number;
  reason?: string;
  checks: HealthCheck[];
  changes: number;
  ebsCsiRequested: boolean;
}

/** The health gate before its first look: nothing passed yet, nothing changed. */
export function firstHealthLook(): HealthResult {
  return { done: false, failed: false, passes: 0, checks: [], changes: 0, ebsCsiRequested: false };
}

/** Tags on everything Tugboat creates: the cluster and the run that made it. */
export const CREATED_BY_TAG = "tugboat:created-by-run";
export const CLUSTER_TAG = "tugboat:cluster";
export const NODEGROUP_TAG = "tugboat:nodegroup";

export function creationTags(cluster: string, runId: string): Record<string, string> {
  return { [CLUSTER_TAG]: cluster, [CREATED_BY_TAG]: runId };
}

/**
 * The clientRequestToken of a Create* call: derived from the execution and the step, so a retried
 * step repeats the same request (EKS answers it with what it created) and another run does not.
 */
export function requestToken(executionId: string, step: string): string {
  return createHash("sha256").update(`${executionId}\n${step}`).digest("hex").slice(0, 32);
}

export function roleArnOf(nameOrArn: string, accountId: string): string {
  return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:aws:iam::${accountId}:role/${nameOrArn}`;
}

export function clusterRoleArn(spec: ClusterSpec, accountId: string): string {
  return roleArnOf(spec.roles.cluster ?? `${spec.name}-cluster-role`, accountId);
}

export function nodeRoleName(spec: ClusterSpec): string {
  const role = spec.roles.node ?? `${spec.name}-node-role`;
  return role.startsWith("arn:") ? (role.split("/").pop() ?? role) : role;
}

/** The Auto Scaling groups of a self-managed node group: one, or one per zone when perZone. */
export function selfManagedGroups(
  spec: ClusterSpec,
  group: ClusterSpec["nodeGroups"][number],
): { asgName: string; nodeGroup: string; zones: Record<string, number> }[] {
  if (!group.perZone) return [{ asgName: `${spec.name}-${group.name}`, nodeGroup: group.name, zones: group.zones }];
  return Object.entries(group.zones).map(([zone, count]) => ({
    asgName: `${spec.name}-${group.name}-${zone}`,
    nodeGroup: `${group.name}-${zone}`,
    zones: { [zone]: count },
  }));
}
