/**
 * Tugboat's own roll: the real roll-node-group workflow, run by the local interpreter against the
 * same sandbox, with the default strategy (no maxSurge: 10% of the group, at least one per AZ).
 *
 * The measured run is a first roll: Tugboat has no history of the cluster and plans from published
 * defaults. The warm mode measures what a returning operator gets: a first roll of the same scenario
 * with another seed, on a sandbox of its own, whose observations (read from that sandbox's store)
 * become the `history` of a second sandbox where the same roll is measured again. Both extra runs
 * happen on their own sandboxes; the measured sandbox sees only the cold roll.
 */
import type { Observation } from "../../src/core/estimates/observations";
import type { Sandbox } from "../../src/sandbox/sandbox";
import { type RollJson, rollInSandbox } from "../../src/sandbox/sandbox-roll";
import type { Scenario } from "../../src/sandbox/scenario/schema";
import { type BenchGroup, type DriverReport, type PredictionReport, StrategyFailed } from "./types";

/** The warm-up roll's seed: another draw of the same scenario. */
const WARM_UP_SEED_OFFSET = 1;

export async function tugboatRoll(sandbox: Sandbox, group: BenchGroup): Promise<DriverReport> {
  const { result } = await rollInSandbox({ scenario: sandbox.scenario, request: { ...group }, sandbox });
  const report: DriverReport = {
    stateTransitions: result.stateTransitions,
    notes: result.notes,
    ...(predictionOf(result) ? { prediction: predictionOf(result) } : {}),
  };
  if (result.outcome !== "succeeded") {
    throw new StrategyFailed(`roll ${result.outcome}: ${result.reason ?? "no reason given"}`, report);
  }
  const warm = await warmRoll(sandbox.scenario, group);
  report.warm = warm;
  report.notes = [...(report.notes ?? []), ...predictionNotes(report)];
  return report;
}

/** The warm mode on its own: a warm-up roll, its history, then the measured roll with that history. */
export async function warmRoll(scenario: Scenario, group: BenchGroup): Promise<NonNullable<DriverReport["warm"]>> {
  const warmUp = await rollInSandbox({
    scenario: { ...scenario, seed: scenario.seed + WARM_UP_SEED_OFFSET },
    request: { ...group },
    keepOpen: true,
  });
  let observations: Observation[];
  try {
    observations = await warmUp.sandbox.deps.state.listObservations(group);
  } finally {
    await warmUp.sandbox.close();
  }
  const { result } = await rollInSandbox({
    scenario: withHistory(scenario, group, observations),
    request: { ...group },
  });
  const prediction = predictionOf(result) ?? { predictedSeconds: 0, estimateSource: "none", predictionError: 1 };
  return {
    ...prediction,
    makespanSeconds: result.makespanSeconds,
    lowerBoundSeconds: result.lowerBoundSeconds,
    outcome: result.outcome,
  };
}

/**
 * The scenario with the warm-up's observations as its `history`. Run names restart in every sandbox,
 * so the warm-up's are prefixed: its run stays a run of its own in "history (N runs)".
 */
export function withHistory(scenario: Scenario, group: BenchGroup, observations: Observation[]): Scenario {
  const prior = observations.map((o) => ({
    kind: o.kind,
    seconds: o.seconds,
    runId: `warm-up/${o.runId}`,
    id: `warm-up/${o.id}`,
    at: o.at,
  }));
  return {
    ...scenario,
    history: {
      nodeGroups: { ...(scenario.history?.nodeGroups ?? {}), [group.nodeGroup]: prior },
      cluster: scenario.history?.cluster ?? [],
    },
  };
}

function predictionOf(result: RollJson): PredictionReport | undefined {
  if (result.predictedSeconds === undefined || result.makespanSeconds <= 0) return undefined;
  return {
    predictedSeconds: result.predictedSeconds,
    estimateSource: result.estimateSource ?? "defaults",
    predictionError: round3((result.makespanSeconds - result.predictedSeconds) / result.makespanSeconds),
  };
}

function predictionNotes(report: DriverReport): string[] {
  const notes: string[] = [];
  const percent = (e: number) => `${e >= 0 ? "+" : ""}${(e * 100).toFixed(1)}%`;
  if (report.prediction) {
    notes.push(
      `predicted ${report.prediction.predictedSeconds} s from ${report.prediction.estimateSource} (error ${percent(report.prediction.predictionError)})`,
    );
  }
  if (report.warm) {
    notes.push(
      `warm: makespan ${report.warm.makespanSeconds} s, predicted ${report.warm.predictedSeconds} s from ${report.warm.estimateSource} (error ${percent(report.warm.predictionError)})`,
    );
  }
  return notes;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
