/**
 * The eviction subresource, following pkg/registry/core/pod/storage/eviction.go:
 * - a pod already terminating, Pending, Succeeded or Failed is deleted without a budget check
 *   (it is not running, so evicting it disrupts nothing: canIgnorePDB);
 * - no budget → delete; more than one → 500; one budget:
 *   - an unready pod while the budget is healthy (currentHealthy ≥ desiredHealthy > 0) is deleted
 *     without spending the budget (the default unhealthyPodEvictionPolicy, IfHealthyBudget);
 *   - disruptionsAllowed 0 → 429 TooManyRequests naming the budget; otherwise delete, which spends it.
 * ClusterControl.evict and the HTTP handler share this function, so both see the same outcomes.
 */
import type { EvictionResult } from "../../core/model/kube";
import { computePdbStatus } from "./disruption";
import { deletePod } from "./pods";
import { isPodReady, isTerminating } from "./predicates";
import { failure, notFound, type StatusBody, success } from "./render/status";
import type { ClusterState } from "./state";
import type { PodRecord } from "./types";

export const PDB_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_PDB_MESSAGE =
  "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

export interface EvictionOptions {
  /** DeleteOptions.gracePeriodSeconds from the Eviction body. */
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export interface EvictionOutcome {
  httpStatus: number;
  body: StatusBody;
  result: EvictionResult;
}

function granted(state: ClusterState, pod: PodRecord, options: EvictionOptions): EvictionOutcome {
  if (!options.dryRun) {
    state.counters.podsEvicted += 1;
    deletePod(state, pod, { gracePeriodSeconds: options.gracePeriodSeconds, viaEviction: true });
  }
  return { httpStatus: 201, body: success(201), result: { outcome: "evicted" } };
}

export function evictPod(
  state: ClusterState,
  namespace: string,
  name: string,
  options: EvictionOptions = {},
): EvictionOutcome {
  const pod = state.pods.get(namespace, name);
  if (!pod) {
    return { httpStatus: 404, body: notFound("pods", name), result: { outcome: "not-found" } };
  }
  if (isTerminating(pod) || pod.phase === "Pending") return granted(state, pod, options);

  const budgets = pod.pdbs;
  if (budgets.length === 0) return granted(state, pod, options);
  if (budgets.length > 1) {
    const body = failure(500, undefined, MULTIPLE_PDB_MESSAGE);
    return { httpStatus: 500, body, result: { outcome: "refused", status: 500, message: MULTIPLE_PDB_MESSAGE } };
  }

  const pdb = budgets[0] as (typeof budgets)[number];
  const status = computePdbStatus(pdb);
  if (!isPodReady(state, pod) && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) {
    return granted(state, pod, options);
  }
  if (status.disruptionsAllowed < 0) {
    const message = `poddisruptionbudgets.policy "${pdb.name}" is forbidden: pdb disruptions allowed is negative`;
    return {
      httpStatus: 403,
      body: failure(403, "Forbidden", message, { name: pdb.name, group: "policy", kind: "poddisruptionbudgets" }),
      result: { outcome: "refused", status: 403, message },
    };
  }
  if (status.disruptionsAllowed === 0) {
    if (!options.dryRun) state.counters.evictionsRefusedByPdb += 1;
    const cause = `The disruption budget ${pdb.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`;
    // retryAfterSeconds is 0 here upstream, so it is omitted from the JSON (omitempty).
    const body = failure(429, "TooManyRequests", PDB_VIOLATION_MESSAGE, {
      causes: [{ reason: "DisruptionBudget", message: cause }],
    });
    return {
      httpStatus: 429,
      body,
      result: { outcome: "blocked", message: `${PDB_VIOLATION_MESSAGE} ${cause}`, pdbName: pdb.name },
    };
  }
  return granted(state, pod, options);
}
