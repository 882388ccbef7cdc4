/**
 * What a scenario's rows say about Tugboat (issue 9, "What it must show"), computed from the rows
 * alone: how far Tugboat is from its lower bound, and how it compares with the fastest safe peer at
 * the peers' documented defaults and at Tugboat's disruption budget. A safe run completed with no PDB
 * violation and no pod lost; an unsafe peer is never "the fastest", however quick it was.
 */
import type { StrategyResult } from "./run-strategy";

export interface PeerMark {
  name: string;
  makespanSeconds: number;
}

export interface ScenarioVerdict {
  /** Tugboat's own run completed with no PDB violation and no pod lost. */
  tugboatSafe: boolean;
  /** Tugboat's makespan ÷ its lower bound; null when the bound is 0. */
  tugboatOverBound: number | null;
  /** The quickest safe peer run at its documented defaults; null when none was safe. */
  fastestSafePeerAtDefaults: PeerMark | null;
  /** Tugboat's makespan ÷ that peer's. */
  tugboatOverFastestSafeDefaults: number | null;
  /** The quickest safe peer run held to Tugboat's disruption budget, with its minimum AZ capacity ratio. */
  fastestSafePeerAtEqualBudget: (PeerMark & { minCapacityRatioAz: number | null }) | null;
  /** Against that peer: Tugboat took less time; Tugboat's minimum AZ capacity ratio was higher. */
  tugboatVsEqualBudget: { faster: boolean; higherMinCapacity: boolean } | null;
}

export function isSafe(row: StrategyResult): boolean {
  return row.completed && row.pdbViolations === 0 && row.podsLost === 0;
}

/** Null when the rows have no Tugboat run (a `--strategy` filter without it). */
export function scenarioVerdict(rows: readonly StrategyResult[]): ScenarioVerdict | null {
  const tugboat = rows.find((r) => r.name === "tugboat");
  if (!tugboat) return null;
  const peers = rows.filter((r) => r.name !== "tugboat" && isSafe(r));
  const atDefaults = fastest(peers.filter((r) => r.variant === "defaults"));
  const atEqualBudget = fastest(peers.filter((r) => r.variant === "equal-budget"));
  const tugboatAz = tugboat.minCapacityRatio.az;
  const peerAz = atEqualBudget?.minCapacityRatio.az ?? null;
  return {
    tugboatSafe: isSafe(tugboat),
    // An unfinished roll did less than the bound's work: no ratio.
    tugboatOverBound: tugboat.completed ? quotient(tugboat.makespanSeconds, tugboat.lowerBoundSeconds) : null,
    fastestSafePeerAtDefaults: atDefaults ? mark(atDefaults) : null,
    tugboatOverFastestSafeDefaults: atDefaults ? quotient(tugboat.makespanSeconds, atDefaults.makespanSeconds) : null,
    fastestSafePeerAtEqualBudget: atEqualBudget ? { ...mark(atEqualBudget), minCapacityRatioAz: peerAz } : null,
    tugboatVsEqualBudget: atEqualBudget
      ? {
          faster: tugboat.makespanSeconds < atEqualBudget.makespanSeconds,
          higherMinCapacity: tugboatAz !== null && (peerAz === null || tugboatAz > peerAz),
        }
      : null,
  };
}

/** The verdict as lines to print under the scenario's table. */
export function verdictLines(verdict: ScenarioVerdict | null): string[] {
  if (!verdict) return [];
  const times = (value: number | null) => (value === null ? "-" : `×${value.toFixed(3)}`);
  const lines = [
    `  tugboat: ${times(verdict.tugboatOverBound)} its lower bound${verdict.tugboatSafe ? "" : " (NOT safe: incomplete, PDB violated or pods lost)"}`,
  ];
  const atDefaults = verdict.fastestSafePeerAtDefaults;
  lines.push(
    atDefaults
      ? `  vs fastest safe peer at defaults: ${atDefaults.name} ${atDefaults.makespanSeconds} s, tugboat ${times(verdict.tugboatOverFastestSafeDefaults)}`
      : "  vs fastest safe peer at defaults: no peer run at defaults was safe",
  );
  const atBudget = verdict.fastestSafePeerAtEqualBudget;
  const vs = verdict.tugboatVsEqualBudget;
  lines.push(
    atBudget && vs
      ? `  vs fastest safe peer at equal budget: ${atBudget.name} ${atBudget.makespanSeconds} s, cap. AZ ${atBudget.minCapacityRatioAz?.toFixed(2) ?? "-"}; tugboat ${vs.faster ? "faster" : "NOT faster"}, ${vs.higherMinCapacity ? "higher" : "NOT higher"} minimum capacity`
      : "  vs fastest safe peer at equal budget: no peer run at equal budget was safe",
  );
  return lines;
}

function fastest(rows: StrategyResult[]): StrategyResult | undefined {
  return rows.reduce<StrategyResult | undefined>(
    (best, r) => (best === undefined || r.makespanSeconds < best.makespanSeconds ? r : best),
    undefined,
  );
}

function mark(row: StrategyResult): PeerMark {
  return { name: row.name, makespanSeconds: row.makespanSeconds };
}

function quotient(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 1000 : null;
}
