/**
 * The way out of every roll, success or not: restore the group, release the lock, summarise.
 * Safety invariant 7: a failure halts safely, restores capacity and says why.
 */

import { isApprovalRefusal } from "../../chatops/approval";
import type { Deps } from "../../ports";
import { rollJournal } from "../../replacement/journal";
import { releaseClusterLock } from "../../replacement/lock";
import { reconcile } from "../../replacement/reconcile";
import { findOutdated } from "../../roll/outdated";
import { readGroup, targetOptions } from "../../roll/read-group";
import { type RollOutcome, type RollRunData, type RollState, type RollSummary, updateRunData } from "../../roll/state";
import { loadPipeline } from "./advance";

export interface RestoreResult {
  actions: string[];
}

/**
 * Puts the group back by reconciling this run's own journal (core/replacement/reconcile.ts): victims
 * cordoned but not terminated are uncordoned (their pods stay put), outdated-node taints left on
 * nodes not replaced are removed, instances that never joined are terminated, min/max and the
 * processes this run suspended are restored. Desired capacity is left where it is: replacements
 * already Ready are up to date and the next run reuses them, while lowering desired would let Auto
 * Scaling pick victims itself, without a drain.
 */
export async function restoreGroup(deps: Deps, state: RollState): Promise<RestoreResult> {
  const { run } = state;
  const record = await deps.state.getRun(run.runId);
  if (!record) return { actions: [] };
  const { actions } = await reconcile(rollJournal(deps, state), deps);
  await updateRunData(deps, run.runId, (d) => {
    d.notes.push(...actions);
  });
  return { actions };
}

export async function releaseRollLock(deps: Deps, state: RollState): Promise<{ released: boolean }> {
  // A child roll leaves its parent's lock alone; the parent releases it on its own way out.
  if (state.lock?.inherited) return { released: false };
  return releaseClusterLock(deps, state.input.cluster, state.run.executionId);
}

function outcomeOf(state: RollState): { outcome: RollOutcome; reason?: string } {
  if (state.error) {
    // Before preflight passed nothing was changed: the roll was refused, not failed. A lock held by
    // another execution (ClusterLockedError) is such a refusal.
    const refused =
      state.error.Error === "InvalidInputError" ||
      isApprovalRefusal(state.error) ||
      !state.lock?.acquired ||
      !state.preflight?.ok;
    return { outcome: refused ? "refused" : "failed", reason: causeMessage(state.error) };
  }
  if (state.preflight && !state.preflight.ok) {
    return { outcome: "refused", reason: `preflight refused the roll: ${state.preflight.problems.join("; ")}` };
  }
  if (state.halt) return { outcome: "failed", reason: state.halt.reason };
  if (state.batch?.aborted || state.pipeline?.aborted) {
    return {
      outcome: "aborted",
      reason: "aborted on request; nodes still draining were uncordoned, replaced nodes are kept; capacity restored",
    };
  }
  return { outcome: "succeeded" };
}

/** Lambda puts the error's JSON in Cause; show the operator its message, not the envelope. */
/** A caught error as one line: its name and the message inside Lambda's JSON Cause. */
export function causeMessage(error: { Error: string; Cause: string }): string {
  try {
    const parsed = JSON.parse(error.Cause) as { errorMessage?: string };
    if (parsed.errorMessage) return `${error.Error}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: use as is
  }
  return `${error.Error}: ${error.Cause}`;
}

export async function summarizeRoll(deps: Deps, state: RollState): Promise<RollSummary> {
  const { input, run } = state;
  const { outcome, reason } = outcomeOf(state);
  const record = await deps.state.getRun(run.runId);
  const data = record?.data as unknown as RollRunData | undefined;
  let outdatedAfter = data?.outdatedBefore ?? 0;
  if (data) {
    try {
      const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, {
        ...targetOptions(input),
        resolved: { asgName: data.asgName, mode: data.mode },
      });
      outdatedAfter = findOutdated(snapshot.members, snapshot.target).length;
    } catch (err) {
      deps.log.warn("could not re-read the group for the summary", { error: String(err) });
    }
  }
  const pipeline = await loadPipeline(deps, run.runId);
  const launched = pipeline ? Object.values(pipeline.launchedByZone).reduce((a, b) => a + b, 0) : undefined;
  const summary: RollSummary = {
    outcome,
    cluster: input?.cluster ?? "",
    nodeGroup: input?.nodeGroup ?? "",
    runId: run.runId,
    dryRun: input?.dryRun ?? false,
    nodesOutdatedBefore: data?.outdatedBefore ?? 0,
    nodesOutdatedAfter: outdatedAfter,
    nodesReplaced: data?.counters.nodesReplaced ?? 0,
    batches: data?.batchesStarted ?? 0,
    ...(launched !== undefined ? { instancesLaunched: launched } : {}),
    podsEvicted: data?.counters.podsEvicted ?? 0,
    evictionsRefusedByPdb: data?.counters.evictionsRefusedByPdb ?? 0,
    forcedDeletions: data?.counters.forcedDeletions ?? 0,
    durationSeconds: Math.round((deps.clock.now().getTime() - Date.parse(run.startedAt)) / 1000),
    ...(reason ? { reason } : {}),
    notes: [...(data?.notes ?? []), ...(state.preflight?.warnings ?? [])],
  };
  if (record && data) {
    record.status = outcome === "succeeded" ? "succeeded" : outcome;
    record.updatedAt = deps.clock.now().toISOString();
    record.data = { ...record.data, summary } as Record<string, unknown>;
    await deps.state.putRun(record);
  }
  return summary;
}
