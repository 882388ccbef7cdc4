/** Runs one strategy on one scenario, in a sandbox of its own, and measures it. */
import { Sandbox } from "../src/sandbox/sandbox";
import type { Scenario } from "../src/sandbox/scenario/schema";
import { type BenchFigures, type RunOutcome, startMeasurement } from "./measure";
import type { Variant } from "./strategies/budget";
import type { BenchGroup, DriverReport, PredictionReport, Strategy, StrategyName } from "./strategies/types";
import { StrategyFailed } from "./strategies/types";

export interface StrategyResult extends BenchFigures {
  name: StrategyName;
  /** `defaults`: the tool as documented out of the box; `equal-budget`: held to Tugboat's disruption budget. */
  variant: Variant;
  /** Extra or unavailable nodes the run was allowed at a time, when its configuration bounds them. */
  budget?: number;
  /** A strategy that predicts its own duration (Tugboat): the prediction and what it rests on. */
  predictedSeconds?: PredictionReport["predictedSeconds"];
  estimateSource?: PredictionReport["estimateSource"];
  predictionError?: PredictionReport["predictionError"];
  /** Tugboat's warm run: the same roll on a sandbox of its own, with a previous roll's history. */
  warm?: NonNullable<DriverReport["warm"]>;
}

/** The node group a scenario rolls: the first with outdated nodes (the built-ins have one group). */
export function benchGroup(scenario: Scenario): BenchGroup {
  const group = scenario.cluster.nodeGroups.find((g) => g.outdated !== 0) ?? scenario.cluster.nodeGroups[0];
  if (!group) throw new Error(`scenario ${scenario.name ?? "(unnamed)"} has no node group to roll`);
  return { cluster: scenario.cluster.name, nodeGroup: group.name };
}

/** Nodes in the scenario's cluster at the start, every group counted. */
export function scenarioNodeCount(scenario: Scenario): number {
  return scenario.cluster.nodeGroups.reduce((sum, g) => sum + Object.values(g.zones).reduce((a, b) => a + b, 0), 0);
}

export async function runStrategy(
  scenario: Scenario,
  strategy: Strategy,
  /** Called with the sandbox before it closes (tests look at what the run left behind). */
  options: { variant?: Variant; inspect?: (sandbox: Sandbox) => void | Promise<void> } = {},
): Promise<StrategyResult> {
  const sandbox = await Sandbox.start(scenario);
  try {
    const group = benchGroup(scenario);
    const measurement = await startMeasurement(sandbox, group);
    const outcome: RunOutcome = {};
    const variant = options.variant ?? "defaults";
    let report: DriverReport | undefined;
    try {
      report = await strategy.run(sandbox, group, { variant });
    } catch (err) {
      if (err instanceof StrategyFailed) {
        outcome.failure = err.message;
        report = err.report;
      } else {
        // A fault of the model or of the sandbox, not of the modelled tool: say so plainly.
        const error = err as Error;
        outcome.failure = `the ${strategy.name} driver crashed: ${error.name}: ${error.message}`;
      }
    }
    if (report?.stateTransitions !== undefined) outcome.stateTransitions = report.stateTransitions;
    if (report?.notes) outcome.notes = report.notes;
    const figures = await measurement.finish(outcome);
    await options.inspect?.(sandbox);
    return {
      name: strategy.name,
      variant,
      ...(report?.budget !== undefined ? { budget: report.budget } : {}),
      ...figures,
      ...(report?.prediction ?? {}),
      ...(report?.warm ? { warm: report.warm } : {}),
    };
  } finally {
    await sandbox.close();
  }
}
