/**
 * The report of a cluster upgrade: why it failed (if it did), figures in words, the phase ladder with
 * skew, predicted against actual per phase, capacity per AZ (sandbox), and each child roll's own
 * report (node timeline, where the time went) folded under it.
 */
import type { CapacitySample } from "./capacity";
import type { FigureGroup, Report, ReportSection } from "./model";
import { nextStepFor } from "./next-step";
import type { RecordedEvent } from "./recorded-events";
import { rollFailure, rollSections } from "./roll-report";
import { deriveRoll } from "./roll-run";
import { stepRows } from "./step-log";
import { renderCapacityChart } from "./svg/capacity-chart";
import { type LadderRow, renderPhaseLadder } from "./svg/phase-ladder";
import { renderPredictedActual } from "./svg/predicted-actual";
import { formatDuration } from "./svg/scale";
import { deriveUpgrade, type UpgradeRun } from "./upgrade-run";

/** What an observer of the cluster recorded (src/sandbox/sandbox-upgrade.ts's UpgradeJson has these fields). */
export interface UpgradeObservations {
  controlPlaneUpdates: number;
  addonUpdates: number;
  nodeGroupRolls: Record<string, number>;
  nodeReplacements: number;
  maxKubeletSkewObserved: number;
  durationSeconds: number;
  nodes: { total: number; onTarget: number };
  pdbViolations: number;
  podsLost: number;
  etcd?: { minQuorumMargin: number; quorumLost: boolean; members: number };
  figureDisagreements: string[];
}

export interface UpgradeReportInput {
  /** The upgrade's events and its child rolls' (tagged with their execution name). */
  events: RecordedEvent[];
  where: string;
  capacity?: CapacitySample[];
  observed?: UpgradeObservations;
  reason?: string;
}

export function buildUpgradeReport(input: UpgradeReportInput): Report {
  const run = deriveUpgrade(input.events);
  const outcome = run.summary?.outcome ?? "failed";
  const reason = run.summary?.reason ?? input.reason ?? run.errors[0]?.cause;
  const stop = run.stop ?? { state: "(no step ran)", atMs: run.startMs };
  const sections: ReportSection[] = [{ kind: "figures", groups: upgradeFigures(run, input.observed) }];
  if (run.problems.length > 0 || run.warnings.length > 0) {
    sections.push({
      kind: "note",
      title: "Preflight",
      lines: [...run.problems.map((p) => `Problem: ${p}`), ...run.warnings.map((w) => `Warning: ${w}`)],
    });
  }
  if (run.phases.length > 0) {
    sections.push({
      kind: "picture",
      id: "phase-ladder",
      title: "Phases, one minor at a time",
      caption:
        "Each phase from when it started to when it was observed done, with the node-group rolls it ran beneath it; hatched: the plan's prediction; right: API server minor minus the oldest kubelet's, observed after the phase (Kubernetes allows 3).",
      svg: renderPhaseLadder(ladderRows(run), run.startMs, run.endMs, run.stop),
    });
    sections.push({
      kind: "picture",
      id: "predicted-actual",
      title: "Predicted against actual, per phase",
      caption: `The plan's prediction${run.estimateSource ? ` (from ${run.estimateSource})` : ""} of each phase against what it took.`,
      svg: renderPredictedActual([
        ...run.phases.map((p) => ({
          label: p.label,
          ...(p.predictedSeconds !== undefined ? { predictedSeconds: p.predictedSeconds } : {}),
          ...(p.startMs !== undefined && p.endMs !== undefined
            ? { actualSeconds: Math.round((p.endMs - p.startMs) / 1000) }
            : {}),
        })),
        {
          label: "the whole upgrade",
          ...(run.predictedSeconds !== undefined ? { predictedSeconds: run.predictedSeconds } : {}),
          actualSeconds: Math.round((run.endMs - run.startMs) / 1000),
        },
      ]),
    });
  }
  if (input.capacity && input.capacity.length > 0) {
    sections.push({
      kind: "picture",
      id: "capacity",
      title: "Capacity against demand, per AZ",
      caption:
        "CPU that Ready, schedulable nodes offer pods against the CPU requested by the pods placed or waiting in each AZ, over the whole upgrade. Recorded by the sandbox's cluster.",
      svg: renderCapacityChart(input.capacity, run.startMs, run.endMs),
    });
  }
  for (const child of run.children) {
    const rollRun = deriveRoll(child.events);
    const childSections = rollSections(rollRun, { events: child.events, where: "" }, `${child.execution}-`);
    const failed = child.outcome !== "succeeded";
    if (failed) {
      const failure = rollFailure(rollRun, rollRun.summary?.reason);
      childSections.unshift({
        kind: "note",
        title: "Why this roll failed",
        lines: [failure.reason, `Stopped at ${failure.stoppedAt.state}.`, failure.nextStep],
      });
    }
    sections.push({
      kind: "group",
      id: child.execution,
      title: `Roll of ${child.nodeGroup} (${child.execution}): ${child.outcome ?? "did not finish"}, ${formatDuration((child.endMs - child.startMs) / 1000)}`,
      open: failed,
      sections: childSections,
    });
  }
  sections.push({
    kind: "steps",
    title: "Every step of the upgrade, in order",
    rows: stepRows(
      input.events.filter((e) => e.execution === undefined),
      run.startMs,
    ),
  });
  return {
    kind: "upgrade",
    title: `Upgrade of ${run.cluster} ${run.fromVersion ?? "?"} → ${run.toVersion}`,
    outcome,
    context: `${input.where}; started ${new Date(run.startMs).toISOString()}, ${formatDuration((run.endMs - run.startMs) / 1000)} long${run.dryRun ? "; dry run, nothing changed" : ""}.`,
    ...(outcome !== "succeeded" && outcome !== "planned"
      ? {
          failure: {
            reason: reason ?? "the run ended without a summary",
            stoppedAt: { state: stop.state, atSeconds: (stop.atMs - run.startMs) / 1000 },
            nextStep: nextStepFor(stop.error, reason, outcome),
          },
        }
      : {}),
    sections,
  };
}

function ladderRows(run: UpgradeRun): LadderRow[] {
  const rows: LadderRow[] = [];
  for (const phase of run.phases) {
    rows.push({
      label: phase.label,
      kind: phase.kind,
      ...(phase.startMs !== undefined ? { startMs: phase.startMs } : {}),
      ...(phase.endMs !== undefined ? { endMs: phase.endMs } : {}),
      ...(phase.predictedSeconds !== undefined ? { predictedSeconds: phase.predictedSeconds } : {}),
      ...(phase.skewAfter !== undefined ? { skewAfter: phase.skewAfter } : {}),
      ...(phase.failed ? { failed: true } : {}),
      ...(phase.controlPlaneAfter
        ? { note: `after it: control plane ${phase.controlPlaneAfter}, oldest kubelet ${phase.oldestKubeletAfter}` }
        : {}),
    });
    if (phase.kind !== "node-groups" || phase.startMs === undefined) continue;
    for (const child of run.children) {
      if (child.startMs < phase.startMs || child.startMs > (phase.endMs ?? run.endMs)) continue;
      rows.push({
        label: `roll ${child.nodeGroup}`,
        kind: "roll",
        startMs: child.startMs,
        endMs: child.endMs,
        ...(child.outcome !== "succeeded" ? { failed: true } : {}),
        note: `${child.execution}: ${child.outcome ?? "did not finish"}`,
      });
    }
  }
  return rows;
}

function upgradeFigures(run: UpgradeRun, observed?: UpgradeObservations): FigureGroup[] {
  const s = run.summary;
  const took = (run.endMs - run.startMs) / 1000;
  const rolls = observed?.nodeGroupRolls ?? s?.nodeGroupRolls ?? {};
  const skew = observed?.maxKubeletSkewObserved ?? s?.maxKubeletSkewObserved;
  const childSteps = run.children.reduce((n, c) => n + c.events.filter((e) => e.kind === "entered").length, 0);
  return [
    {
      name: "Outcome",
      figures: [
        {
          label: "Outcome",
          value: s?.outcome ?? "did not finish",
          alarm: s?.outcome !== "succeeded" && s?.outcome !== "planned",
        },
        { label: "Version", value: `${run.fromVersion ?? "?"} → ${run.toVersion}` },
        {
          label: "Control-plane updates",
          value: String(observed?.controlPlaneUpdates ?? s?.controlPlaneUpdates ?? "?"),
        },
        { label: "Add-on updates", value: String(observed?.addonUpdates ?? s?.addonUpdates ?? "?") },
        {
          label: "Node-group rolls",
          value:
            Object.entries(rolls)
              .map(([g, n]) => `${g} ×${n}`)
              .join(", ") || "none",
        },
        ...(observed
          ? [
              {
                label: "Nodes on the target",
                value: `${observed.nodes.onTarget} of ${observed.nodes.total}`,
                alarm: observed.nodes.onTarget < observed.nodes.total,
              },
            ]
          : []),
        ...(observed && observed.figureDisagreements.length > 0
          ? [{ label: "Summary against the cluster", value: observed.figureDisagreements.join("; "), alarm: true }]
          : []),
        ...(run.problems.length > 0
          ? [{ label: "Preflight problems", value: String(run.problems.length), alarm: true }]
          : []),
        ...(run.warnings.length > 0
          ? [{ label: "Preflight warnings", value: `${run.warnings.length} (listed below)` }]
          : []),
      ],
    },
    {
      name: "Time",
      figures: [
        { label: "Took", value: formatDuration(took) },
        ...(run.predictedSeconds !== undefined
          ? [
              {
                label: "Predicted",
                value: `${formatDuration(run.predictedSeconds)} (${Math.round((took / Math.max(1, run.predictedSeconds)) * 100)} % of it taken)`,
                ...(run.estimateSource ? { note: `from ${run.estimateSource}` } : {}),
              },
            ]
          : []),
        {
          label: "Phases run",
          value: `${run.phases.filter((p) => p.startMs !== undefined).length} of ${run.phases.length}`,
        },
      ],
    },
    {
      name: "Safety",
      figures: [
        ...(skew !== undefined
          ? [
              {
                label: "Largest kubelet skew",
                value: `${skew} minor${skew === 1 ? "" : "s"}`,
                note: "Kubernetes supports kubelets up to 3 minors behind the API server",
                alarm: skew > 3,
              },
            ]
          : []),
        ...(observed
          ? [
              { label: "PDB violations", value: String(observed.pdbViolations), alarm: observed.pdbViolations > 0 },
              { label: "Pods lost", value: String(observed.podsLost), alarm: observed.podsLost > 0 },
            ]
          : [{ label: "PDB violations, pods lost", value: "observed only in the sandbox" }]),
        ...(observed?.etcd
          ? [
              {
                label: "etcd",
                value: `${observed.etcd.members} members, smallest quorum margin ${observed.etcd.minQuorumMargin}${observed.etcd.quorumLost ? ", quorum LOST" : ""}`,
                alarm: observed.etcd.quorumLost,
              },
            ]
          : []),
      ],
    },
    {
      name: "Cost",
      figures: observed
        ? [{ label: "Nodes replaced", value: String(observed.nodeReplacements) }]
        : [{ label: "Child rolls", value: String(run.children.length) }],
    },
    {
      name: "API use",
      figures: [
        { label: "Steps run", value: `${run.ownSteps + childSteps} (${childSteps} of them in child rolls)` },
        { label: "Child executions", value: String(run.children.length) },
      ],
    },
  ];
}
