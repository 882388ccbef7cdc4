/**
 * The report of a roll: why it failed (if it did), figures in words, the per-node timeline by AZ with
 * batch bands, capacity against demand per AZ, where each batch's time went, predicted against actual,
 * and the step log. Built from the run's recorded events (plus, in the sandbox, the cluster's record
 * of capacity and the simulator's observed figures).
 */
import type { CapacitySample } from "./capacity";
import type { Failure, Report, ReportSection } from "./model";
import { nextStepFor } from "./next-step";
import { nodeLanes } from "./node-lanes";
import type { RecordedEvent } from "./recorded-events";
import { type RollObservations, rollFigures } from "./roll-figures";
import { deriveRoll, type RollRun } from "./roll-run";
import { stepRows } from "./step-log";
import { renderCapacityChart } from "./svg/capacity-chart";
import { renderNodeTimeline } from "./svg/node-timeline";
import { type PhaseComparison, renderPredictedActual } from "./svg/predicted-actual";
import { formatDuration } from "./svg/scale";
import { renderTimeBreakdown } from "./svg/time-breakdown";
import { batchTime } from "./time-spent";

export interface RollReportInput {
  /** The roll's own recorded events (not a parent's or a child's). */
  events: RecordedEvent[];
  /** Where it ran: "sandbox scenario small (virtual time)", "execution arn:…". */
  where: string;
  capacity?: CapacitySample[];
  observed?: RollObservations;
  /** The reason the runner or the service gave, when the run has no summary (a crash, a timeout). */
  reason?: string;
}

export function buildRollReport(input: RollReportInput): Report {
  const run = deriveRoll(input.events);
  const outcome = run.summary?.outcome ?? "failed";
  const reason = run.summary?.reason ?? input.reason ?? run.errors[0]?.cause;
  return {
    kind: "roll",
    title: `Roll of ${run.cluster}/${run.nodeGroup}`,
    outcome,
    context: `${input.where}; started ${new Date(run.startMs).toISOString()}, ${formatDuration((run.endMs - run.startMs) / 1000)} long${run.dryRun ? "; dry run, nothing changed" : ""}.`,
    ...(outcome !== "succeeded" ? { failure: rollFailure(run, reason, outcome) } : {}),
    sections: rollSections(run, input),
  };
}

export function rollFailure(run: RollRun, reason: string | undefined, outcome?: string): Failure {
  const stop = run.stop ?? { state: "(no step ran)", atMs: run.startMs };
  return {
    reason: reason ?? "the run ended without a summary",
    stoppedAt: { state: stop.state, atSeconds: (stop.atMs - run.startMs) / 1000 },
    nextStep: nextStepFor(stop.error, reason, outcome),
  };
}

export function rollSections(run: RollRun, input: RollReportInput, idPrefix = ""): ReportSection[] {
  const sections: ReportSection[] = [{ kind: "figures", groups: rollFigures(run, input.observed) }];
  const stop = run.stop ? { state: run.stop.state, atMs: run.stop.atMs } : undefined;
  if (run.batches.length > 0) {
    const lanes = nodeLanes(run);
    sections.push({
      kind: "picture",
      id: `${idPrefix}node-timeline`,
      title: "Nodes over time, by AZ and batch",
      caption:
        "One lane per node the roll touched: replacements launch and join, then serve; the nodes they replace serve, are cordoned and drained, then terminated. Shaded bands are batches. A state changes when the step that caused or saw it finished.",
      svg: renderNodeTimeline({
        lanes,
        batches: run.batches,
        startMs: run.startMs,
        endMs: run.endMs,
        ...(stop ? { stop } : {}),
      }),
    });
    sections.push({
      kind: "picture",
      id: `${idPrefix}time-breakdown`,
      title: "Where the time went, per batch",
      caption:
        "Each batch from its selection to the next one's; PDB-blocked is the time after a drain attempt that a PodDisruptionBudget refused, and the budget is named.",
      svg: renderTimeBreakdown({
        batches: run.batches.map((b) => ({
          ...batchTime(b),
          size: b.size,
          ...(b.stoppedIn ? { stoppedIn: b.stoppedIn } : {}),
        })),
      }),
    });
  } else {
    sections.push({
      kind: "note",
      title: "No batches",
      lines: [
        run.managedUpdate
          ? "EKS replaced this managed node group's nodes itself (a version update): its history holds the update's progress, not each node."
          : run.dryRun
            ? "A dry run plans and changes nothing."
            : "The run stopped before its first batch.",
      ],
    });
  }
  if (input.capacity && input.capacity.length > 0) {
    sections.push({
      kind: "picture",
      id: `${idPrefix}capacity`,
      title: "Capacity against demand, per AZ",
      caption:
        "CPU that Ready, schedulable nodes offer pods (allocatable less DaemonSets) against the CPU requested by the pods placed or waiting in each AZ. Shaded: demand above capacity. Circled: the least headroom. Recorded by the sandbox's cluster.",
      svg: renderCapacityChart(input.capacity, run.startMs, run.endMs),
    });
  } else {
    sections.push({
      kind: "note",
      title: "Capacity against demand",
      lines: [
        "A workflow's history does not record the cluster's capacity; the sandbox draws it from the simulated cluster.",
      ],
    });
  }
  const comparisons = predictedAgainstActual(run);
  if (comparisons.length > 0) {
    sections.push({
      kind: "picture",
      id: `${idPrefix}predicted-actual`,
      title: "Predicted against actual",
      caption: `What the plan predicted${run.plan?.estimateSource ? ` (from ${run.plan.estimateSource})` : ""} against what the run took.`,
      svg: renderPredictedActual(comparisons),
    });
  }
  sections.push({ kind: "steps", title: "Every step, in order", rows: stepRows(input.events, run.startMs) });
  return sections;
}

export function predictedAgainstActual(run: RollRun): PhaseComparison[] {
  if (!run.plan) return [];
  const rows: PhaseComparison[] = [];
  const readies = run.batches
    .filter((b) => b.surgedMs !== undefined && b.readyMs !== undefined)
    .map((b) => ((b.readyMs as number) - (b.surgedMs as number)) / 1000)
    .sort((a, b) => a - b);
  if (run.plan.replacementReadySeconds !== undefined || readies.length > 0) {
    rows.push({
      label: "replacements Ready (median)",
      ...(run.plan.replacementReadySeconds !== undefined ? { predictedSeconds: run.plan.replacementReadySeconds } : {}),
      ...(readies.length > 0 ? { actualSeconds: readies[Math.floor(readies.length / 2)] as number } : {}),
    });
  }
  const done = run.batches.filter((b) => b.validatedMs !== undefined);
  if (run.plan.batchesPlanned > 0 && done.length > 0) {
    rows.push({
      label: "a batch (mean)",
      predictedSeconds: Math.round(run.plan.predictedSeconds / run.plan.batchesPlanned),
      actualSeconds: Math.round(done.reduce((sum, b) => sum + (b.endMs - b.selectedMs) / 1000, 0) / done.length),
    });
  }
  rows.push({
    label: "the whole roll",
    predictedSeconds: run.plan.predictedSeconds,
    actualSeconds: Math.round((run.endMs - run.startMs) / 1000),
  });
  return rows;
}
