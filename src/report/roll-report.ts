/**
 * The report of a roll: why it failed (if it did), figures in words, the per-node timeline by AZ with
 * a band per wave, capacity against demand per AZ, where each wave's time went, predicted against actual,
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
import { waveStartMs, waveTime } from "./time-spent";

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
    stoppedAt: { state: stopWords(stop), atSeconds: (stop.atMs - run.startMs) / 1000 },
    nextStep: nextStepFor(stop.error, reason, outcome),
  };
}

/** "Advance roll (wave 2)": the state, and the wave it stopped in when it stopped inside one. */
export function stopWords(stop: { state: string; wave?: number }): string {
  return stop.wave !== undefined ? `${stop.state} (wave ${stop.wave + 1})` : stop.state;
}

export function rollSections(run: RollRun, input: RollReportInput, idPrefix = ""): ReportSection[] {
  const sections: ReportSection[] = [{ kind: "figures", groups: rollFigures(run, input.observed) }];
  const stop = run.stop ? { state: stopWords(run.stop), atMs: run.stop.atMs } : undefined;
  if (run.waves.length > 0) {
    const lanes = nodeLanes(run);
    sections.push({
      kind: "picture",
      id: `${idPrefix}node-timeline`,
      title: "Nodes over time, by AZ and wave",
      caption:
        "One lane per node the roll touched: replacements launch and join, then serve; the nodes they replace serve, are cordoned and drained, then terminated. Shaded bands are waves (the nodes one tick cordoned together, from their cordon to their termination); waves overlap. A state changes when the step that caused or saw it finished.",
      svg: renderNodeTimeline({
        lanes,
        waves: run.waves,
        startMs: run.startMs,
        endMs: run.endMs,
        ...(stop ? { stop } : {}),
      }),
    });
    sections.push({
      kind: "picture",
      id: `${idPrefix}time-breakdown`,
      title: "Where the time went, per wave",
      caption:
        "Each wave from the launch of the replacements its nodes waited for to its termination: waiting for replacements (launch until the tick that saw them Ready cordoned the wave), draining, and PDB-blocked (the time after a drain pass that a PodDisruptionBudget refused; the budget is named).",
      svg: renderTimeBreakdown({
        waves: run.waves.map((b) => ({
          ...waveTime(b),
          size: b.size,
          ...(b.stoppedIn ? { stoppedIn: b.stoppedIn } : {}),
        })),
      }),
    });
  } else {
    sections.push({
      kind: "note",
      title: "No waves",
      lines: [
        run.managedUpdate
          ? "EKS replaced this managed node group's nodes itself (a version update): its history holds the update's progress, not each node."
          : run.dryRun
            ? "A dry run plans and changes nothing."
            : "The run stopped before its first wave.",
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
  const readies = run.replacements
    .filter((r) => r.readyMs !== undefined)
    .map((r) => ((r.readyMs as number) - r.launchedMs) / 1000)
    .sort((a, b) => a - b);
  if (run.plan.replacementReadySeconds !== undefined || readies.length > 0) {
    rows.push({
      label: "replacements Ready (median)",
      ...(run.plan.replacementReadySeconds !== undefined ? { predictedSeconds: run.plan.replacementReadySeconds } : {}),
      ...(readies.length > 0 ? { actualSeconds: readies[Math.floor(readies.length / 2)] as number } : {}),
    });
  }
  // The plan predicts batches of `surge` nodes; the pipeline's equivalent is its span per `surge` nodes
  // replaced, as the roll records it for the next plan (core/steps/roll/advance.ts).
  const done = run.waves.filter((w) => w.terminatedMs !== undefined);
  const replaced = done.reduce((n, w) => n + w.size, 0);
  if (run.plan.batchesPlanned > 0 && replaced > 0 && run.plan.surge > 0) {
    const fromMs = Math.min(...run.waves.map(waveStartMs));
    const toMs = Math.max(...done.map((w) => w.terminatedMs as number));
    rows.push({
      label: `${Math.min(run.plan.surge, replaced)} node${Math.min(run.plan.surge, replaced) === 1 ? "" : "s"} (mean)`,
      predictedSeconds: Math.round(run.plan.predictedSeconds / run.plan.batchesPlanned),
      actualSeconds: Math.round((((toMs - fromMs) / 1000) * Math.min(run.plan.surge, replaced)) / replaced),
    });
  }
  rows.push({
    label: "the whole roll",
    predictedSeconds: run.plan.predictedSeconds,
    actualSeconds: Math.round((run.endMs - run.startMs) / 1000),
  });
  return rows;
}
