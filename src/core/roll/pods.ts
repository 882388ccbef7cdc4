/** What a drain does with each kind of pod (pure). */
import type { KubePdb, KubePod } from "../model/kube";

/** A drain evicts every pod except DaemonSet pods (they tolerate cordons), mirror pods and finished pods. */
export function isDrainable(pod: KubePod): boolean {
  if (pod.ownerKind === "DaemonSet" || pod.mirror) return false;
  return pod.phase !== "Succeeded" && pod.phase !== "Failed";
}

export function coveredBy(pdb: KubePdb, pod: KubePod): boolean {
  if (pdb.namespace !== pod.namespace) return false;
  const entries = Object.entries(pdb.matchLabels);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => pod.labels[key] === value);
}

const CRITICAL_PRIORITY_CLASSES = new Set(["system-node-critical", "system-cluster-critical"]);

export function isSystemCritical(pod: KubePod): boolean {
  return pod.priorityClassName !== undefined && CRITICAL_PRIORITY_CLASSES.has(pod.priorityClassName);
}

/** Unschedulable for now: Pending with no node. A pod bound to a node and starting is not a capacity problem. */
export function isUnscheduled(pod: KubePod): boolean {
  return pod.phase === "Pending" && pod.nodeName === undefined && isDrainable(pod);
}

/**
 * Put on every outdated node when a roll starts: the scheduler then prefers new nodes for evicted
 * pods, so a pod moves once instead of landing on an old node that a later batch drains again.
 * PreferNoSchedule only steers scoring; it never makes a pod unschedulable.
 */
export const OUTDATED_TAINT_KEY = "tugboat.io/outdated";

export function outdatedTaint(runId: string) {
  return { key: OUTDATED_TAINT_KEY, value: runId, effect: "PreferNoSchedule" };
}
