/** The estimates an upgrade plans and polls with: the cluster's own observations and each node group's. */
import { ADDON_UPDATE, CONTROL_PLANE_UPDATE } from "./defaults";
import { type Estimate, type EstimateSource, estimateOf } from "./estimate";
import type { Observation } from "./observations";
import { type RollEstimates, rollEstimates } from "./roll-estimates";

export interface UpgradeEstimates {
  controlPlaneUpdate: Estimate;
  addonUpdate: Estimate;
  /** Per node group; a group without observations rolls on the published defaults. */
  groups: Record<string, RollEstimates>;
  source: EstimateSource;
}

export function upgradeEstimates(
  clusterObservations: Observation[],
  groupObservations: Record<string, Observation[]>,
): UpgradeEstimates {
  const controlPlaneUpdate = estimateOf(clusterObservations, "control-plane-update", CONTROL_PLANE_UPDATE);
  const addonUpdate = estimateOf(clusterObservations, "addon-update", ADDON_UPDATE);
  const groups = Object.fromEntries(
    Object.entries(groupObservations).map(([name, observations]) => [name, rollEstimates(observations)]),
  );
  const all = [...clusterObservations, ...Object.values(groupObservations).flat()];
  const fromHistory =
    controlPlaneUpdate.samples + addonUpdate.samples > 0 || Object.values(groups).some((g) => g.source !== "defaults");
  const source: EstimateSource = fromHistory ? `history (${new Set(all.map((o) => o.runId)).size} runs)` : "defaults";
  return { controlPlaneUpdate, addonUpdate, groups, source };
}

/** A group's estimates, or the defaults when it has none. */
export function groupEstimates(estimates: UpgradeEstimates, name: string): RollEstimates {
  return estimates.groups[name] ?? rollEstimates([]);
}
