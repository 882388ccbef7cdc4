/** Plain-text renderings of a plan and a roll result, for people. */
import type { RollPlan } from "../core/roll/plan-roll";
import type { RollJson } from "../sandbox/sandbox-roll";
import { duration, plural, prediction, zones } from "./format";

export function renderPlan(plan: RollPlan, maxBatchesShown = 10): string[] {
  const lines = [
    `Plan for ${plan.cluster}/${plan.nodeGroup} (${plan.mode}, Auto Scaling group ${plan.asgName})`,
    `  ${plan.outdated} of ${plan.groupSize} nodes to replace, ${plan.upToDate} already up to date`,
    `  surge ${plan.surge} per batch (one replacement per victim, in the victim's AZ, Ready before any drain)`,
    `  ${plural(plan.batches.length, "batch", "batches")}, ${prediction(plan.predictedSeconds, plan.estimateSource)}`,
    `  capacity floor per AZ: ${zones(plan.baselineByZone)} Ready schedulable nodes at all times`,
  ];
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  for (const batch of plan.batches.slice(0, maxBatchesShown)) {
    lines.push(`  batch ${batch.index + 1}: ${zones(batch.byZone)}`);
    for (const victim of batch.victims.slice(0, 12)) {
      lines.push(
        `    ${victim.availabilityZone}  ${victim.instanceId}  ${victim.nodeName ?? "(no node)"}  ${victim.reasons.join("; ")}`,
      );
    }
    if (batch.victims.length > 12) lines.push(`    … and ${batch.victims.length - 12} more`);
  }
  if (plan.batches.length > maxBatchesShown)
    lines.push(`  … and ${plan.batches.length - maxBatchesShown} more batches`);
  if (plan.pdbRisks.length === 0)
    lines.push("  PDB risks: none of the pods to move are covered by a PodDisruptionBudget");
  for (const risk of plan.pdbRisks) {
    const verdict = risk.neverAllows
      ? "BLOCKS: can never allow a disruption"
      : risk.disruptionsAllowed === 0
        ? "allows 0 disruptions right now (the drain will wait)"
        : `allows ${risk.disruptionsAllowed} now, ${risk.rounds} eviction round${risk.rounds === 1 ? "" : "s"}`;
    lines.push(`  PDB ${risk.pdb}: ${risk.podsOnOutdatedNodes} pods to move; ${verdict}`);
  }
  return lines;
}

export function renderResult(result: RollJson): string[] {
  const head =
    result.outcome === "succeeded"
      ? result.dryRun
        ? "Dry run complete: nothing was changed."
        : `Roll of ${result.cluster}/${result.nodeGroup} succeeded in ${duration(result.makespanSeconds)} (virtual).`
      : `Roll of ${result.cluster}/${result.nodeGroup} ${result.outcome}: ${result.reason ?? "no reason given"}`;
  const lines = [head];
  if (!result.dryRun && result.outcome !== "refused") {
    lines.push(
      `  nodes replaced ${result.nodesReplaced} of ${result.nodesOutdatedBefore} outdated (${result.nodesOutdatedAfter} left) in ${plural(result.batches, "wave")}`,
      result.outcome === "succeeded"
        ? `  makespan ${duration(result.makespanSeconds)}, lower bound ${duration(result.lowerBoundSeconds)} (×${(result.makespanSeconds / Math.max(1, result.lowerBoundSeconds)).toFixed(2)})${result.predictedSeconds ? `, ${prediction(result.predictedSeconds, result.estimateSource)}` : ""}`
        : // A roll that stopped did not do the work the bound is for: no ratio to judge.
          `  ${result.outcome} after ${duration(result.makespanSeconds)} with ${result.nodesOutdatedAfter} outdated nodes left (a complete roll's lower bound: ${duration(result.lowerBoundSeconds)}; no ratio for an unfinished roll)`,
      `  pods evicted ${result.podsEvicted} (${result.evictionsRefusedByPdb} refusals by PDBs honoured), PDB violations ${result.pdbViolations}, pods lost ${result.podsLost}`,
      `  capacity ratio at least ${result.minCapacityRatio.az ?? "-"} in every AZ, ${result.minCapacityRatio.cluster ?? "-"} overall (allocatable ÷ wanted pods' requests); ${result.pdbDeficitPodSeconds} pod-seconds below PDBs; at most ${result.maxExtraNodes} extra nodes`,
      `  ${result.apiCalls.aws} AWS calls, ${result.apiCalls.kubernetes} Kubernetes calls, ${result.stateTransitions} state transitions`,
    );
  }
  for (const problem of result.figureDisagreements ?? []) lines.push(`  summary disagrees with the world: ${problem}`);
  for (const note of result.notes) lines.push(`  note: ${note}`);
  if (result.outcome !== "succeeded") lines.push(`  next: ${nextStep(result)}`);
  return lines;
}

function nextStep(result: RollJson): string {
  if (result.outcome === "refused")
    return "fix the cause named above, then run the same command again; nothing was changed";
  if (result.outcome === "aborted") return "run the same command to resume; replaced nodes are kept";
  return "capacity was restored; fix the cause named above and run the same command again: it resumes with the nodes still outdated";
}
