/**
 * Budget-aware batch selection (pure): take nodes in the deterministic AZ-interleaved order, up to
 * each AZ's quota, but defer a node whose pods would need more disruptions of some
 * PodDisruptionBudget than the budget allows at once across the whole batch. A batch whose evictions
 * all fit the budgets drains in one round instead of waiting on replacements pod by pod. If too few
 * nodes fit, the quotas are filled in order anyway (the Eviction API still holds every budget, the
 * drain just waits), except with nodes whose budgets already refused pods that still wait.
 */
import type { KubePdb, KubePod } from "../model/kube";
import { coveredBy, isDrainable } from "./pods";

export function chooseVictims<T extends { nodeName?: string; availabilityZone: string }>(
  ordered: T[],
  quotas: Record<string, number>,
  podsByNode: Map<string, KubePod[]>,
  pdbs: KubePdb[],
  waiting: KubePod[] = [],
): T[] {
  const total = new Map(pdbs.map((p) => [p, Math.max(1, p.expectedPods - p.desiredHealthy)]));
  // Pods a budget refused moments ago wait on nodes already cordoned: they take its next slots first.
  const queued = new Map<KubePdb, number>();
  for (const pod of waiting) {
    for (const pdb of pdbs) if (coveredBy(pdb, pod)) queued.set(pdb, (queued.get(pdb) ?? 0) + 1);
  }
  const allowance = new Map(pdbs.map((p) => [p, Math.max(0, (total.get(p) ?? 1) - (queued.get(p) ?? 0))]));
  const left = { ...quotas };
  const chosen: T[] = [];
  const deferred: { candidate: T; needs: Map<KubePdb, number>; index: number }[] = [];
  const needsOf = (candidate: T) => {
    const pods = (candidate.nodeName ? (podsByNode.get(candidate.nodeName) ?? []) : []).filter(isDrainable);
    const needs = new Map<KubePdb, number>();
    for (const pod of pods) {
      for (const pdb of pdbs) if (coveredBy(pdb, pod)) needs.set(pdb, (needs.get(pdb) ?? 0) + 1);
    }
    return needs;
  };
  // The nodes whose pods take the largest share of a budget's round go first: the budgets that let few
  // pods through at a time are the roll's longest chains, so their pods should start moving early
  // rather than all wait at the end, where each would queue behind the others past its drain deadline.
  const share = (needs: Map<KubePdb, number>) =>
    Math.max(0, ...[...needs].map(([pdb, count]) => count / (total.get(pdb) ?? 1)));
  const candidates = ordered
    .map((candidate, index) => ({ candidate, needs: needsOf(candidate), index }))
    .sort((a, b) => share(b.needs) - share(a.needs) || a.index - b.index);
  for (const { candidate, needs } of candidates) {
    if ((left[candidate.availabilityZone] ?? 0) <= 0) continue;
    if ([...needs].some(([pdb, count]) => count > (allowance.get(pdb) ?? 0))) {
      deferred.push({ candidate, needs, index: deferred.length });
      continue;
    }
    for (const [pdb, count] of needs) allowance.set(pdb, (allowance.get(pdb) ?? 0) - count);
    left[candidate.availabilityZone] = (left[candidate.availabilityZone] ?? 0) - 1;
    chosen.push(candidate);
  }
  // Fill with the deferred nodes that overrun their budgets least, relative to each budget's size: an
  // extra pod of a 120-pod budget waits one pod start; an extra pod of a one-at-a-time budget waits a
  // whole StatefulSet restart.
  const overrun = (needs: Map<KubePdb, number>) =>
    Math.max(0, ...[...needs].map(([pdb, count]) => (count - (allowance.get(pdb) ?? 0)) / (total.get(pdb) ?? 1)));
  deferred.sort((a, b) => overrun(a.needs) - overrun(b.needs) || a.index - b.index);
  for (const { candidate, needs } of deferred) {
    if ((left[candidate.availabilityZone] ?? 0) <= 0) continue;
    // Not behind a queue: pods would only wait there, and the drain deadline runs for them meanwhile.
    if ([...needs.keys()].some((pdb) => (queued.get(pdb) ?? 0) > 0)) continue;
    left[candidate.availabilityZone] = (left[candidate.availabilityZone] ?? 0) - 1;
    for (const [pdb, count] of needs) allowance.set(pdb, (allowance.get(pdb) ?? 0) - count);
    chosen.push(candidate);
  }
  return chosen;
}
