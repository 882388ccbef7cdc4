/**
 * The disruption controller's arithmetic (pkg/controller/disruption), computed live from the store
 * so that a granted eviction is reflected at once: the evicted pod gets a deletionTimestamp in the
 * same call, stops counting as healthy, and the next eviction sees the reduced budget. That gives
 * the same guarantee upstream gets from decrementing status.disruptionsAllowed under a
 * resourceVersion precondition: two concurrent evictions cannot both pass a budget of 1.
 */
import { isHealthyForBudget } from "./predicates";
import { matchesSelector } from "./selectors";
import type { ClusterState } from "./state";
import type { PdbRecord, PodRecord, WorkloadRecord } from "./types";

export interface PdbStatus {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
  /** Set when the controller cannot compute a budget and fails safe (disruptionsAllowed 0). */
  failSafeReason?: string;
}

/**
 * intstr.GetScaledValueFromIntOrPercent with roundUp = true, which the disruption controller uses
 * for both minAvailable and maxUnavailable percentages: "50%" of 3 is 2.
 */
export function scaledValue(value: number | string, total: number): number {
  if (typeof value === "number") return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid PodDisruptionBudget value "${value}": expected an integer or a percentage`);
  return Math.ceil((Number(match[1]) * total) / 100);
}

export function podsForPdb(state: ClusterState, pdb: PdbRecord): PodRecord[] {
  return [...state.pods.values()].filter(
    (pod) => pod.namespace === pdb.namespace && matchesSelector(pod.labels, pdb.selector),
  );
}

/** policy/v1: an empty selector selects every pod of the namespace (policy/v1beta1 selected none). */
export function pdbsForPod(state: ClusterState, pod: PodRecord): PdbRecord[] {
  return [...state.pdbs.values()].filter(
    (pdb) => pdb.namespace === pod.namespace && matchesSelector(pod.labels, pdb.selector),
  );
}

/** getExpectedScale: the sum of the scale of every controller owning a selected pod. */
function expectedScale(pods: PodRecord[]): { scale: number } | { error: string } {
  const controllers = new Map<string, WorkloadRecord>();
  for (const pod of pods) controllers.set(pod.workload.uid, pod.workload);
  let scale = 0;
  for (const workload of controllers.values()) {
    // Upstream finds scale for ReplicaSets/Deployments, ReplicationControllers, StatefulSets and
    // anything with a scale subresource; a DaemonSet has none.
    if (workload.kind === "DaemonSet") {
      return { error: `found no controller with a scale for pods of DaemonSet ${workload.name}` };
    }
    scale += workload.replicas;
  }
  return { scale };
}

export function computePdbStatus(state: ClusterState, pdb: PdbRecord): PdbStatus {
  const pods = podsForPdb(state, pdb);
  const currentHealthy = pods.filter((pod) => isHealthyForBudget(state, pod)).length;
  let expectedPods: number;
  let desiredHealthy: number;
  if (pdb.maxUnavailable !== undefined) {
    const scale = expectedScale(pods);
    if ("error" in scale) return failSafe(currentHealthy, scale.error);
    expectedPods = scale.scale;
    desiredHealthy = Math.max(0, expectedPods - scaledValue(pdb.maxUnavailable, expectedPods));
  } else if (typeof pdb.minAvailable === "number") {
    // An integer minAvailable needs no controller: upstream expects every selected pod.
    expectedPods = pods.length;
    desiredHealthy = pdb.minAvailable;
  } else if (pdb.minAvailable !== undefined) {
    const scale = expectedScale(pods);
    if ("error" in scale) return failSafe(currentHealthy, scale.error);
    expectedPods = scale.scale;
    desiredHealthy = scaledValue(pdb.minAvailable, expectedPods);
  } else {
    expectedPods = pods.length;
    desiredHealthy = 0;
  }
  return {
    expectedPods,
    desiredHealthy,
    currentHealthy,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
  };
}

function failSafe(currentHealthy: number, reason: string): PdbStatus {
  return { expectedPods: 0, desiredHealthy: 0, currentHealthy, disruptionsAllowed: 0, failSafeReason: reason };
}

/**
 * The budgets a change is about to put at risk: those covering `pod` while it is still healthy.
 * Pass the result to `countBudgetBreaches` after the change.
 */
export function budgetsAtRisk(state: ClusterState, pod: PodRecord): PdbRecord[] {
  return isHealthyForBudget(state, pod) ? pdbsForPod(state, pod) : [];
}

/** Counts a PDB violation for each budget the change left below desiredHealthy. */
export function countBudgetBreaches(state: ClusterState, budgets: PdbRecord[]): void {
  for (const pdb of budgets) {
    const status = computePdbStatus(state, pdb);
    if (status.currentHealthy < status.desiredHealthy) state.counters.pdbViolations += 1;
  }
}
