/** The estimates a roll plans and polls with: from the node group's observations, else published defaults. */
import { POD_START, REPLACEMENT_READY } from "./defaults";
import { type Estimate, type EstimateSource, estimateOf, estimateSource, fromObservations } from "./estimate";
import type { Observation } from "./observations";

export interface RollEstimates {
  replacementReady: Estimate;
  podStart: Estimate;
  /** Observed only: a batch's drain, and a whole batch (no published figure stands for them). */
  batchDrain?: Estimate;
  batch?: Estimate;
  /** Observed only: an EKS managed update, per node replaced. */
  managedNode?: Estimate;
  source: EstimateSource;
}

export function rollEstimates(observations: Observation[]): RollEstimates {
  const replacementReady = estimateOf(observations, "replacement-ready", REPLACEMENT_READY);
  const podStart = estimateOf(observations, "pod-start", POD_START);
  const batchDrain = fromObservations(observations, "batch-drain");
  const batch = fromObservations(observations, "batch");
  const managedNode = fromObservations(observations, "managed-node");
  return {
    replacementReady,
    podStart,
    ...(batchDrain ? { batchDrain } : {}),
    ...(batch ? { batch } : {}),
    ...(managedNode ? { managedNode } : {}),
    source: estimateSource(observations, [replacementReady, podStart, batchDrain, batch, managedNode]),
  };
}

/** What the check steps need of the estimates, small enough for the workflow state. */
export interface RollExpectations {
  /** Surge → replacements Ready (median; p90 for when they are slow). */
  replacementReadySeconds: number;
  replacementReadySlowSeconds: number;
  /** Eviction → the replacement pod Ready, which frees a PDB slot (median). */
  podStartSeconds: number;
}

export function rollExpectations(estimates: RollEstimates): RollExpectations {
  return {
    replacementReadySeconds: Math.round(estimates.replacementReady.median),
    replacementReadySlowSeconds: Math.round(estimates.replacementReady.p90),
    podStartSeconds: Math.round(estimates.podStart.median),
  };
}
