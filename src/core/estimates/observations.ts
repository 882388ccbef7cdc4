/**
 * What Tugboat measured on its own runs: durations seen by the steps that watched them happen. Kept per
 * cluster and node group (per cluster for the control plane and add-ons) in the state store, bounded
 * to the last few per kind, and recorded idempotently: every observation has an id derived from the run
 * and the thing observed, so a retried step that records again changes nothing.
 */

export const OBSERVATION_KINDS = [
  /** Surge → the last replacement of a batch Ready (EC2 launch, boot, kubelet join, CNI). */
  "replacement-ready",
  /** A rescheduled pod: created → Ready (scheduling, image, readiness probe). */
  "pod-start",
  /** Cordon → every pod of the batch's nodes evicted and gone (grace periods, PDB rounds). */
  "batch-drain",
  /** A whole batch: selected → validated, polls and steps included. */
  "batch",
  /** An EKS managed node group update, per node replaced. */
  "managed-node",
  /** An EKS control-plane version update: UpdateClusterVersion → Successful. */
  "control-plane-update",
  /** One EKS add-on update: UpdateAddon → Successful. */
  "addon-update",
] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];

export interface Observation {
  /** Unique per thing observed: `<runId>/<what>` (a retried step produces the same id). */
  id: string;
  kind: ObservationKind;
  seconds: number;
  runId: string;
  /** When it was observed (ISO 8601): orders the history and bounds it to the newest. */
  at: string;
}

/** Where observations are kept: a node group's, or the cluster's own (control plane, add-ons). */
export interface ObservationScope {
  cluster: string;
  nodeGroup?: string;
}

/** Observations kept per kind and scope: enough for a stable median and p90, few enough to follow change. */
export const OBSERVATIONS_KEPT_PER_KIND = 20;

/**
 * The history after recording `incoming`: ids already present are ignored (idempotent), and each kind
 * keeps only its newest `keepPerKind` observations (bounded).
 */
export function mergeObservations(
  existing: Observation[],
  incoming: Observation[],
  keepPerKind = OBSERVATIONS_KEPT_PER_KIND,
): Observation[] {
  const seen = new Set(existing.map((o) => o.id));
  const merged = [...existing];
  for (const observation of incoming) {
    if (seen.has(observation.id) || !Number.isFinite(observation.seconds) || observation.seconds < 0) continue;
    seen.add(observation.id);
    merged.push(observation);
  }
  merged.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const kept: Observation[] = [];
  const counts = new Map<ObservationKind, number>();
  for (let i = merged.length - 1; i >= 0; i--) {
    const observation = merged[i] as Observation;
    const count = counts.get(observation.kind) ?? 0;
    if (count >= keepPerKind) continue;
    counts.set(observation.kind, count + 1);
    kept.push(observation);
  }
  return kept.reverse();
}

/** True when recording `incoming` would change nothing (every id is already there). */
export function alreadyRecorded(existing: Observation[], incoming: Observation[]): boolean {
  const seen = new Set(existing.map((o) => o.id));
  return incoming.every((o) => seen.has(o.id));
}
