/**
 * Budget-aware batch selection (pure): take nodes in the deterministic AZ-interleaved order, up to
 * each AZ's quota, but defer a node whose pods would need more disruptions of some
 * PodDisruptionBudget than the budget allows at once across the whole batch. A batch whose evictions
 * all fit the budgets drains in one round instead of waiting on replacements pod by pod. If too few
 * nodes fit, the quotas are filled in order anyway: the Eviction API still holds every budget, the
 * drain just waits.
 */
import type { KubePdb, KubePod } from "../model/kube";
import { coveredBy, isDrainable } from "./pods";

export function chooseVictims<T extends { nodeName?: string; availabilityZone: string }>(
  ordered: T[],
  quotas: Record<string, number>,
  podsByNode: Map<string, KubePod[]>,
  pdbs: KubePdb[],
): T[] {
  const allowance = new Map(pdbs.map((p) => [p, Math.max(1, p.expectedPods - p.desiredHealthy)]));
  const left = { ...quotas };
  const total = new Map(allowance);
  const chosen: T[] = [];
  const deferred: { candidate: T; needs: Map<KubePdb, number>; index: number }[] = [];
  for (const candidate of ordered) {
    if ((left[candidate.availabilityZone] ?? 0) <= 0) continue;
    const pods = (candidate.nodeName ? (podsByNode.get(candidate.nodeName) ?? []) : []).filter(isDrainable);
    const needs = new Map<KubePdb, number>();
    for (const pod of pods) {
      for (const pdb of pdbs) if (coveredBy(pdb, pod)) needs.set(pdb, (needs.get(pdb) ?? 0) + 1);
    }
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
    left[candidate.availabilityZone] = (left[candidate.availabilityZone] ?? 0) - 1;
    for (const [pdb, count] of needs) allowance.set(pdb, (allowance.get(pdb) ?? 0) - count);
    chosen.push(candidate);
  }
  return chosen;
}
