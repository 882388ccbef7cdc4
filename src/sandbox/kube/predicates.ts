/**
 * The questions every module asks of nodes and pods, answered in one place so that the scheduler,
 * the disruption controller, the eviction subresource and the metrics agree on what "Ready",
 * "schedulable" and "healthy" mean.
 */
import type { ClusterState } from "./state";
import type { NodeRecord, PodRecord, Taint } from "./types";

/** Taints the node lifecycle controller manages from conditions; clients cannot set them. */
export const CONDITION_TAINT_KEYS = new Set([
  "node.kubernetes.io/not-ready",
  "node.kubernetes.io/unreachable",
  "node.kubernetes.io/unschedulable",
]);

export function isNodeReady(node: NodeRecord | undefined): boolean {
  return node !== undefined && node.ready === "True" && !node.shuttingDown;
}

/** A taint that keeps ordinary pods off the node (pods here carry no tolerations of their own). */
export function hasBlockingTaint(node: NodeRecord): boolean {
  return node.taints.some((taint) => taint.effect === "NoSchedule" || taint.effect === "NoExecute");
}

/** Ready, not cordoned, no blocking taint: a node the scheduler may place ordinary pods on. */
export function isSchedulable(node: NodeRecord): boolean {
  return isNodeReady(node) && !node.unschedulable && !hasBlockingTaint(node);
}

/** The node's taints as the API shows them: client taints plus those derived from conditions. */
export function effectiveTaints(node: NodeRecord, nowIso: string): (Taint & { timeAdded?: string })[] {
  const taints: (Taint & { timeAdded?: string })[] = node.taints.map((taint) => ({ ...taint }));
  if (node.unschedulable) {
    taints.push({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: nowIso });
  }
  if (node.ready === "False") {
    taints.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
  } else if (node.ready === "Unknown") {
    taints.push({ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" });
    taints.push({ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: nowIso });
  }
  return taints;
}

export function nodeZone(node: NodeRecord): string {
  return node.instance.availabilityZone;
}

export function nodeGroupOf(node: NodeRecord): string {
  return node.instance.nodeGroup;
}

export function isTerminating(pod: PodRecord): boolean {
  return pod.deletionTimestampMs !== undefined;
}

export function isDaemonPod(pod: PodRecord): boolean {
  return pod.workload.kind === "DaemonSet";
}

/** Ready as the kubelet reports it: containers ready, node Ready, not terminating, not held unready by a fault. */
export function isPodReady(state: ClusterState, pod: PodRecord): boolean {
  if (pod.gone || pod.phase !== "Running" || !pod.containersReady || isTerminating(pod)) return false;
  if (pod.workload.blocked) return false;
  return pod.nodeName !== undefined && isNodeReady(state.nodes.get(pod.nodeName));
}

/** Pods bound to a node, in (namespace, name) order. */
export function podsOnNode(state: ClusterState, nodeName: string): PodRecord[] {
  return [...state.pods.onNode(nodeName)].sort((a, b) =>
    a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}
