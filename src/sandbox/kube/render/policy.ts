/** policy/v1 PodDisruptionBudget objects with the status the disruption controller keeps. */
import { computePdbStatus } from "../disruption";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { PdbRecord } from "../types";

export function renderPdb(state: ClusterState, pdb: PdbRecord): Record<string, unknown> {
  const status = computePdbStatus(pdb);
  const selector: Record<string, unknown> = {};
  if (Object.keys(pdb.matchLabels).length > 0) selector.matchLabels = { ...pdb.matchLabels };
  if (pdb.matchExpressions.length > 0) selector.matchExpressions = pdb.matchExpressions;
  const spec: Record<string, unknown> = { selector };
  if (pdb.minAvailable !== undefined) spec.minAvailable = pdb.minAvailable;
  if (pdb.maxUnavailable !== undefined) spec.maxUnavailable = pdb.maxUnavailable;
  const allowed = status.disruptionsAllowed > 0;
  return {
    kind: "PodDisruptionBudget",
    apiVersion: "policy/v1",
    metadata: {
      name: pdb.name,
      namespace: pdb.namespace,
      uid: pdb.uid,
      // The status changes with every pod it covers; the global counter stands for that.
      resourceVersion: state.currentResourceVersion(),
      generation: 1,
      creationTimestamp: rfc3339(pdb.createdAtMs),
    },
    spec,
    status: {
      observedGeneration: 1,
      disruptionsAllowed: status.disruptionsAllowed,
      currentHealthy: status.currentHealthy,
      desiredHealthy: status.desiredHealthy,
      expectedPods: status.expectedPods,
      conditions: [
        {
          type: "DisruptionAllowed",
          status: allowed ? "True" : "False",
          reason: status.failSafeReason ? "SyncFailed" : allowed ? "SufficientPods" : "InsufficientPods",
          message: status.failSafeReason ?? "",
          observedGeneration: 1,
          lastTransitionTime: rfc3339(state.now()),
        },
      ],
    },
  };
}
