/**
 * The disruption controller's arithmetic (pkg/controller/disruption). Each budget's selected and
 * healthy pods are counted as pods change (see PodIndex), so a granted eviction is reflected at
 * once: the evicted pod gets a deletionTimestamp in the same call, stops counting as healthy, and
 * the next eviction sees the reduced budget. That gives the guarantee upstream gets from
 * decrementing status.disruptionsAllowed under a resourceVersion precondition: two concurrent
 * evictions cannot both pass a budget of 1.
 */
import { matchesSelector } from "./selectors";
import type { ClusterState } from "./state";
import type { PdbRecord, PodRecord } from "./types";

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

/** policy/v1: an empty selector selects every pod of the namespace (policy/v1beta1 selected none). */
function selects(pdb: PdbRecord, pod: PodRecord): boolean {
  return pdb.namespace === pod.namespace && matchesSelector(pod.labels, pdb.selector);
}

function join(pdb: PdbRecord, pod: PodRecord): void {
  pod.pdbs.push(pdb);
  pdb.matched += 1;
  pdb.controllers.set(pod.workload, (pdb.controllers.get(pod.workload) ?? 0) + 1);
  if (pod.readyCounted) pdb.healthy += 1;
}

/** Resolves the budgets of a new pod. */
export function attachBudgets(state: ClusterState, pod: PodRecord): void {
  for (const pdb of state.pdbs.values()) if (selects(pdb, pod)) join(pdb, pod);
}

/** Takes a removed pod out of its budgets' counts (its readiness was already un-counted). */
export function detachBudgets(pod: PodRecord): void {
  for (const pdb of pod.pdbs) {
    pdb.matched -= 1;
    const count = (pdb.controllers.get(pod.workload) ?? 0) - 1;
    if (count <= 0) pdb.controllers.delete(pod.workload);
    else pdb.controllers.set(pod.workload, count);
  }
  pod.pdbs = [];
}

/** A budget created after its pods: count them now. */
export function indexBudget(state: ClusterState, pdb: PdbRecord): void {
  for (const pod of state.pods.values()) if (selects(pdb, pod)) join(pdb, pod);
}

export function unindexBudget(state: ClusterState, pdb: PdbRecord): void {
  for (const pod of state.pods.values()) pod.pdbs = pod.pdbs.filter((candidate) => candidate !== pdb);
}

/** getExpectedScale: the sum of the scale of every controller owning a selected pod. */
function expectedScale(pdb: PdbRecord): { scale: number } | { error: string } {
  let scale = 0;
  for (const workload of pdb.controllers.keys()) {
    // Upstream finds scale for ReplicaSets/Deployments, ReplicationControllers, StatefulSets and
    // anything with a scale subresource; a DaemonSet has none.
    if (workload.kind === "DaemonSet") {
      return { error: `found no controller with a scale for pods of DaemonSet ${workload.name}` };
    }
    scale += workload.replicas;
  }
  return { scale };
}

export function computePdbStatus(pdb: PdbRecord): PdbStatus {
  const currentHealthy = pdb.healthy;
  let expectedPods: number;
  let desiredHealthy: number;
  if (pdb.maxUnavailable !== undefined) {
    const scale = expectedScale(pdb);
    if ("error" in scale) return failSafe(currentHealthy, scale.error);
    expectedPods = scale.scale;
    desiredHealthy = Math.max(0, expectedPods - scaledValue(pdb.maxUnavailable, expectedPods));
  } else if (typeof pdb.minAvailable === "number") {
    // An integer minAvailable needs no controller: upstream expects every selected pod.
    expectedPods = pdb.matched;
    desiredHealthy = pdb.minAvailable;
  } else if (pdb.minAvailable !== undefined) {
    const scale = expectedScale(pdb);
    if ("error" in scale) return failSafe(currentHealthy, scale.error);
    expectedPods = scale.scale;
    desiredHealthy = scaledValue(pdb.minAvailable, expectedPods);
  } else {
    expectedPods = pdb.matched;
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
export function budgetsAtRisk(pod: PodRecord): PdbRecord[] {
  return pod.readyCounted ? [...pod.pdbs] : [];
}

/** Counts a PDB violation for each budget the change left below desiredHealthy. */
export function countBudgetBreaches(state: ClusterState, budgets: PdbRecord[]): void {
  for (const pdb of budgets) {
    const status = computePdbStatus(pdb);
    if (status.currentHealthy < status.desiredHealthy) state.counters.pdbViolations += 1;
  }
}
