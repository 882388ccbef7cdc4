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
  const chosen: T[] = [];
  const deferred: T[] = [];
  for (const candidate of ordered) {
    if ((left[candidate.availabilityZone] ?? 0) <= 0) continue;
    const pods = (candidate.nodeName ? (podsByNode.get(candidate.nodeName) ?? []) : []).filter(isDrainable);
    const needs = new Map<KubePdb, number>();
    for (const pod of pods) {
      for (const pdb of pdbs) if (coveredBy(pdb, pod)) needs.set(pdb, (needs.get(pdb) ?? 0) + 1);
    }
    if ([...needs].some(([pdb, count]) => count > (allowance.get(pdb) ?? 0))) {
      deferred.push(candidate);
      continue;
    }
    for (const [pdb, count] of needs) allowance.set(pdb, (allowance.get(pdb) ?? 0) - count);
    left[candidate.availabilityZone] = (left[candidate.availabilityZone] ?? 0) - 1;
    chosen.push(candidate);
  }
  for (const candidate of deferred) {
    if ((left[candidate.availabilityZone] ?? 0) <= 0) continue;
    left[candidate.availabilityZone] = (left[candidate.availabilityZone] ?? 0) - 1;
    chosen.push(candidate);
  }
  return chosen;
}
