/**
 * planRoll: from a snapshot of the group (and the pods and PDBs on it) to a plan object. Pure and
 * deterministic: the same snapshot always gives the same batches, in AZ-then-instance order.
 */
import type { EstimateSource } from "../estimates/estimate";
import { type RollEstimates, type RollExpectations, rollExpectations } from "../estimates/roll-estimates";
import type { KubePdb, KubePod } from "../model/kube";
import type { RollInput } from "./input";
import { findOutdated, interleaveByZone, type OutdatedMember } from "./outdated";
import { coveredBy, isDrainable } from "./pods";
import type { GroupSnapshot, NodeGroupMode } from "./snapshot-types";
import { isLeaving } from "./snapshot-types";
import { resolveSurge } from "./surge";

export interface PlannedVictim {
  instanceId: string;
  availabilityZone: string;
  nodeName?: string;
  reasons: string[];
}

export interface PlannedBatch {
  index: number;
  victims: PlannedVictim[];
  byZone: Record<string, number>;
}

export interface PdbRisk {
  pdb: string;
  podsOnOutdatedNodes: number;
  disruptionsAllowed: number;
  desiredHealthy: number;
  expectedPods: number;
  /** desiredHealthy ≥ expectedPods: no eviction can ever pass, whatever the roll does. */
  neverAllows: boolean;
  /** Evictions this PDB serialises: ceil(pods to move / allowed at once). */
  rounds: number;
  /**
   * Longest grace period of the StatefulSet pods it covers (0 when none): a StatefulSet recreates a pod
   * only after the old one has exited, so each round waits for the exit as well as the start.
   */
  statefulGraceSeconds: number;
}

export interface RollPlan {
  cluster: string;
  nodeGroup: string;
  mode: NodeGroupMode;
  asgName: string;
  groupSize: number;
  outdated: number;
  upToDate: number;
  surge: number;
  batches: PlannedBatch[];
  /** Ready, schedulable nodes per AZ at the start: the capacity no AZ may drop below. */
  baselineByZone: Record<string, number>;
  maxSizeNeeded: number;
  /** Set when the group's max size must be raised temporarily for the surge. */
  raiseMaxTo?: number;
  pdbRisks: PdbRisk[];
  predictedSeconds: number;
  /** "defaults" (published figures) or "history (N runs)" (this node group's own observations). */
  estimateSource: EstimateSource;
  /** What the check steps expect, from the same estimates: when to look first. */
  expectations: RollExpectations;
  notes: string[];
}

export interface PlanRollArgs {
  snapshot: GroupSnapshot;
  input: Pick<RollInput, "maxSurge">;
  pods: KubePod[];
  pdbs: KubePdb[];
  /** From the node group's own observations, else published defaults (core/estimates). */
  estimates: RollEstimates;
}

export function planRoll({ snapshot, input, pods, pdbs, estimates }: PlanRollArgs): RollPlan {
  const live = snapshot.members.filter((m) => !isLeaving(m));
  const outdated = findOutdated(live, snapshot.target);
  const zones = [...new Set(live.map((m) => m.availabilityZone))].sort();
  const surge = Math.min(resolveSurge(input.maxSurge, live.length, zones.length), Math.max(1, outdated.length));
  const ordered = interleaveByZone(outdated);
  const batches: PlannedBatch[] = [];
  for (let i = 0; i < ordered.length; i += surge) {
    const victims = ordered.slice(i, i + surge).map(toVictim);
    batches.push({ index: batches.length, victims, byZone: countByZone(victims) });
  }

  const baselineByZone: Record<string, number> = {};
  for (const zone of zones) baselineByZone[zone] = 0;
  for (const m of live) {
    if (m.nodeReady && !m.unschedulable)
      baselineByZone[m.availabilityZone] = (baselineByZone[m.availabilityZone] ?? 0) + 1;
  }

  const maxSizeNeeded = snapshot.asg.desiredCapacity + (outdated.length > 0 ? surge : 0);
  const notes: string[] = [];
  let raiseMaxTo: number | undefined;
  if (snapshot.mode === "self-managed-asg" && maxSizeNeeded > snapshot.asg.maxSize) {
    raiseMaxTo = maxSizeNeeded;
    notes.push(
      `max size ${snapshot.asg.maxSize} leaves no room for a surge of ${surge}: raised to ${maxSizeNeeded} during the roll, restored after`,
    );
  }

  const victimNodes = new Set(outdated.map((m) => m.nodeName).filter((n): n is string => n !== undefined));
  const pdbRisks = assessPdbs(pdbs, pods, victimNodes);
  const predictedSeconds =
    snapshot.mode === "eks-managed" && estimates.managedNode
      ? Math.round(estimates.managedNode.median * outdated.length)
      : predictDuration(batches, pods, pdbRisks, estimates);
  return {
    cluster: snapshot.cluster,
    nodeGroup: snapshot.nodeGroup,
    mode: snapshot.mode,
    asgName: snapshot.asg.name,
    groupSize: live.length,
    outdated: outdated.length,
    upToDate: live.length - outdated.length,
    surge,
    batches,
    baselineByZone,
    maxSizeNeeded,
    ...(raiseMaxTo !== undefined ? { raiseMaxTo } : {}),
    pdbRisks,
    predictedSeconds,
    estimateSource: estimates.source,
    expectations: rollExpectations(estimates),
    notes,
  };
}

function toVictim(m: OutdatedMember): PlannedVictim {
  return {
    instanceId: m.instanceId,
    availabilityZone: m.availabilityZone,
    ...(m.nodeName !== undefined ? { nodeName: m.nodeName } : {}),
    reasons: m.reasons,
  };
}

export function countByZone(victims: { availabilityZone: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of victims) out[v.availabilityZone] = (out[v.availabilityZone] ?? 0) + 1;
  return out;
}

function assessPdbs(pdbs: KubePdb[], pods: KubePod[], victimNodes: Set<string>): PdbRisk[] {
  const risks: PdbRisk[] = [];
  for (const pdb of [...pdbs].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    const covered = pods.filter(
      (p) => p.nodeName !== undefined && victimNodes.has(p.nodeName) && isDrainable(p) && coveredBy(pdb, p),
    );
    const onVictims = covered.length;
    if (onVictims === 0) continue;
    const allowedAtOnce = Math.max(1, pdb.expectedPods - pdb.desiredHealthy);
    risks.push({
      pdb: `${pdb.namespace}/${pdb.name}`,
      podsOnOutdatedNodes: onVictims,
      disruptionsAllowed: pdb.disruptionsAllowed,
      desiredHealthy: pdb.desiredHealthy,
      expectedPods: pdb.expectedPods,
      neverAllows: pdb.expectedPods > 0 && pdb.desiredHealthy >= pdb.expectedPods,
      rounds: Math.ceil(onVictims / allowedAtOnce),
      statefulGraceSeconds: covered
        .filter((p) => p.ownerKind === "StatefulSet")
        .reduce((max, p) => Math.max(max, p.terminationGracePeriodSeconds), 0),
    });
  }
  return risks;
}

/** Seconds the Wait loops add on average beyond the modelled event (the first looks of the back-off). */
const READY_POLL_SLACK = 3;
const DRAIN_POLL_SLACK = 3;
/** Seconds after an eviction before the budget's controller counts the replacement pod healthy. */
const PDB_STATUS_SECONDS = 2;

/**
 * Predicted duration from the estimates. With this group's history of whole batches, each batch takes
 * their median. Otherwise per batch: the replacements' boot and join, the drain (the observed median
 * when there is one; else the longest grace period on the batch's nodes, or the PDB-serialised
 * eviction rounds when longer; a StatefulSet's round includes its pod's exit, bounded by the grace
 * period its spec declares), and the poll slack of the Wait loops.
 */
function predictDuration(batches: PlannedBatch[], pods: KubePod[], risks: PdbRisk[], estimates: RollEstimates): number {
  if (estimates.batch) return Math.round(estimates.batch.median * batches.length);
  const podsByNode = new Map<string, KubePod[]>();
  for (const pod of pods) {
    if (pod.nodeName === undefined || !isDrainable(pod)) continue;
    const list = podsByNode.get(pod.nodeName) ?? [];
    list.push(pod);
    podsByNode.set(pod.nodeName, list);
  }
  let total = 0;
  for (const batch of batches) {
    const batchPods = batch.victims.flatMap((v) => (v.nodeName ? (podsByNode.get(v.nodeName) ?? []) : []));
    const longestGrace = batchPods.reduce((max, p) => Math.max(max, p.terminationGracePeriodSeconds), 0);
    // Each budget spreads its rounds over the batches; the slowest budget sets the batch's drain.
    const pdbSeconds = risks.reduce((max, risk) => {
      const rounds = Math.ceil(risk.rounds / Math.max(1, batches.length));
      return Math.max(max, rounds * (risk.statefulGraceSeconds + estimates.podStart.median + PDB_STATUS_SECONDS));
    }, 0);
    const drain = estimates.batchDrain?.median ?? Math.max(longestGrace, pdbSeconds) + DRAIN_POLL_SLACK;
    total += estimates.replacementReady.median + READY_POLL_SLACK + drain;
  }
  return Math.round(total);
}
