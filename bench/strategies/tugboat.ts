/**
 * Tugboat's own roll: the real roll-node-group workflow, run by the local interpreter against the
 * same sandbox, with the default strategy (no maxSurge: 10% of the group, at least one per AZ).
 */
import type { Sandbox } from "../../src/sandbox/sandbox";
import { rollInSandbox } from "../../src/sandbox/sandbox-roll";
import { type BenchGroup, type DriverReport, StrategyFailed } from "./types";

export async function tugboatRoll(sandbox: Sandbox, group: BenchGroup): Promise<DriverReport> {
  const { result } = await rollInSandbox({ scenario: sandbox.scenario, request: { ...group }, sandbox });
  const report = { stateTransitions: result.stateTransitions, notes: result.notes };
  if (result.outcome !== "succeeded") {
    throw new StrategyFailed(`roll ${result.outcome}: ${result.reason ?? "no reason given"}`, report);
  }
  return report;
}
