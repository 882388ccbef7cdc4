/** The benchmark's output: one JSON object, and the same figures as text tables. */
import type { StrategyResult } from "./run-strategy";
import type { ScaleFigures } from "./scale";
import type { TimingMode } from "./timing-mode";
import type { UpgradeFigures } from "./upgrade";
import { type ScenarioVerdict, verdictLines } from "./verdict";

export interface ScenarioReport {
  name: string;
  nodes: number;
  /** "sampled" when any of the scenario's timings is a distribution, "exact" when all are numbers. */
  timingMode: TimingMode;
  strategies: StrategyResult[];
  /** bench/verdict.ts; null when Tugboat did not run. */
  verdict: ScenarioVerdict | null;
}

export interface BenchReport {
  scenarios: ScenarioReport[];
  /** Null when skipped (--no-scale) or not run for the selected strategy. */
  scale: ScaleFigures | null;
  /** Null when skipped (--no-upgrade) or not run for the selected strategy. */
  upgrades: UpgradeFigures[] | null;
}

interface Column {
  title: string;
  value: (r: StrategyResult) => string;
}

const COLUMNS: Column[] = [
  { title: "strategy", value: (r) => r.name },
  { title: "variant", value: (r) => r.variant },
  { title: "budget", value: (r) => (r.budget !== undefined ? String(r.budget) : "-") },
  { title: "done", value: (r) => (r.completed ? "yes" : "NO") },
  { title: "makespan s", value: (r) => fixed(r.makespanSeconds) },
  { title: "bound s", value: (r) => fixed(r.lowerBoundSeconds) },
  // The bound is for surge-first rolls that keep every budget; a strategy that never surged gets no ratio.
  { title: "×bound", value: (r) => (r.completed && r.lowerBoundSeconds > 0 && r.maxExtraNodes > 0 ? ratio(r) : "-") },
  { title: "extra", value: (r) => String(r.maxExtraNodes) },
  { title: "extra inst·s", value: (r) => fixed(r.extraInstanceSeconds) },
  { title: "PDB viol.", value: (r) => String(r.pdbViolations) },
  { title: "pods lost", value: (r) => String(r.podsLost) },
  { title: "pod unavail. s", value: (r) => fixed(r.podUnavailableSeconds) },
  { title: "zonal pend. s", value: (r) => fixed(r.zonalPodPendingSeconds) },
  { title: "cap. AZ", value: (r) => ratioText(r.minCapacityRatio.az) },
  { title: "cap. all", value: (r) => ratioText(r.minCapacityRatio.cluster) },
  { title: "PDB deficit pod·s", value: (r) => fixed(r.pdbDeficitPodSeconds) },
  { title: "AWS calls", value: (r) => String(r.apiCalls.aws) },
  { title: "kube calls", value: (r) => String(r.apiCalls.kubernetes) },
  { title: "transitions", value: (r) => String(r.stateTransitions) },
];

export function scenarioTable(scenario: ScenarioReport): string {
  const rows = [COLUMNS.map((c) => c.title), ...scenario.strategies.map((r) => COLUMNS.map((c) => c.value(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const out = [
    `${scenario.name} (${scenario.nodes} nodes, ${scenario.timingMode} timings)`,
    line(rows[0] ?? []),
    ...rows.slice(1).map(line),
  ];
  for (const r of scenario.strategies) {
    if (!r.completed) out.push(`  ${r.name} (${r.variant}) did not complete: ${r.reason}`);
  }
  for (const r of scenario.strategies) out.push(...predictionLines(r));
  out.push(...verdictLines(scenario.verdict));
  return out.join("\n");
}

export function scaleTable(scale: ScaleFigures): string {
  return [
    `scale: tugboat on ${scale.scenario} (${scale.nodes} nodes), ${scale.outcome}, ${scale.nodesReplaced} replaced`,
    ...(scale.reason ? [`  reason: ${scale.reason}`] : []),
    `  history events (one execution)  ${scale.maxHistoryEventsPerExecution} of 25,000`,
    `  largest state payload           ${scale.maxStatePayloadBytes} bytes of 262,144`,
    `  longest step                    ${scale.longestStepSeconds} s (virtual) of 900`,
    `  state transitions per node      ${scale.stateTransitionsPerNode}`,
    `  AWS API calls per node          ${scale.awsApiCallsPerNode}`,
    `  virtual makespan                ${scale.makespanSeconds} s (lower bound ${scale.lowerBoundSeconds} s, ×${scale.overBound ?? "n/a"})`,
    `  PDB violations, pods lost       ${scale.pdbViolations}, ${scale.podsLost}`,
    `  wall clock                      ${scale.wallSeconds} s, peak RSS ${scale.peakRssMb} MB`,
  ].join("\n");
}

/** A strategy's own prediction (Tugboat's), then its warm run's figures. */
function predictionLines(r: StrategyResult): string[] {
  const lines: string[] = [];
  if (r.predictedSeconds !== undefined) {
    lines.push(
      `  ${r.name}: predicted ${fixed(r.predictedSeconds)} s from ${r.estimateSource} (error ${percent(r.predictionError ?? 0)})`,
    );
  }
  if (r.warm) {
    const w = r.warm;
    lines.push(
      `  ${r.name} warm: ${w.outcome}, makespan ${fixed(w.makespanSeconds)} s, bound ${fixed(w.lowerBoundSeconds)} s, predicted ${fixed(w.predictedSeconds)} s from ${w.estimateSource} (error ${percent(w.predictionError)})`,
    );
  }
  return lines;
}

function percent(error: number): string {
  return `${error >= 0 ? "+" : ""}${(error * 100).toFixed(1)}%`;
}

function ratio(r: StrategyResult): string {
  return (r.makespanSeconds / r.lowerBoundSeconds).toFixed(2);
}

function ratioText(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}

function fixed(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
