/**
 * The way out of every roll, success or not: restore the group, release the lock, summarise.
 * Safety invariant 7: a failure halts safely, restores capacity and says why.
 */

import { API_CONCURRENCY, mapPool } from "../../concurrency";
import { releaseClusterLock } from "../../lock";
import type { Deps } from "../../ports";
import { findOutdated } from "../../roll/outdated";
import { readGroup, targetOptions } from "../../roll/read-group";
import {
  batchKey,
  type RollOutcome,
  type RollRunData,
  type RollState,
  type RollSummary,
  type StoredBatch,
  updateRunData,
} from "../../roll/state";
import { traceNodeAction } from "../../trace";
import { loadPipeline } from "./advance";
import { removeOutdatedTaints } from "./untaint";

export interface RestoreResult {
  actions: string[];
}

/**
 * Puts the group back: uncordons victims still draining (their pods stay put), terminates
 * instances that never joined, restores min/max and the processes this run suspended. Desired
 * capacity is left where it is: replacements already Ready are up to date and the next run reuses them,
 * while lowering desired would let Auto Scaling pick victims itself, without a drain.
 */
export async function restoreGroup(deps: Deps, state: RollState): Promise<RestoreResult> {
  const { input, run } = state;
  const actions: string[] = [];
  const record = await deps.state.getRun(run.runId);
  if (!record) return { actions };
  const data = record.data as unknown as RollRunData;
  const interrupted =
    state.halt !== undefined ||
    state.error !== undefined ||
    state.batch?.aborted === true ||
    state.pipeline?.aborted === true;
  const kube = await deps.kube(input.cluster);

  // Waves of a pipelined roll still draining (or the batch of a run that crashed mid-batch): their
  // pods stay put and their nodes serve again.
  const pipeline = interrupted ? await loadPipeline(deps, run.runId) : undefined;
  const unfinished = [...(pipeline?.waves.map((w) => w.index) ?? [])];
  if (interrupted && state.batch && !state.batch.finished && !unfinished.includes(state.batch.index))
    unfinished.push(state.batch.index);
  const toUncordon: StoredBatch["victims"] = [];
  for (const index of unfinished) {
    const stored = await deps.state.getItem<StoredBatch>(run.runId, batchKey(index));
    for (const v of stored?.victims ?? []) {
      if (v.nodeName && !stored?.terminated.includes(v.instanceId) && stored?.cordoned.includes(v.nodeName))
        toUncordon.push(v);
    }
  }
  if (toUncordon.length > 0) {
    const changes = await mapPool(toUncordon, API_CONCURRENCY, async (victim) => {
      const node = victim.nodeName as string;
      const change = await kube.setUnschedulable(node, false);
      if (change === "changed") {
        await traceNodeAction(deps.log, kube, {
          runId: run.runId,
          node,
          instanceId: victim.instanceId,
          action: "uncordon",
          reason: `uncordoned ${node}: the roll stopped before replacing it`,
        });
      }
      return change;
    });
    const uncordoned = toUncordon.filter((_, i) => changes[i] === "changed").map((v) => v.nodeName);
    // One line whatever the batch size: the workflow state must stay small.
    if (uncordoned.length > 0) {
      actions.push(
        `uncordoned ${uncordoned.length} node(s) the roll had not replaced: ${uncordoned.slice(0, 5).join(", ")}${uncordoned.length > 5 ? ", …" : ""}`,
      );
    }
  }
  if (interrupted) {
    const untainted = await removeOutdatedTaints(kube, run.runId);
    if (untainted.length > 0)
      actions.push(`removed the outdated-node taint from ${untainted.length} nodes left as they were`);
  }
  // ReplacementNotReadyError recorded the replacements that never joined: they serve nothing.
  for (const instanceId of interrupted ? (pipeline?.strayInstances ?? []) : []) {
    const result = await deps.autoScaling.terminateInstance(instanceId, true);
    if (result === "terminating") actions.push(`terminated ${instanceId}, which never joined the cluster`);
  }

  const group = await deps.autoScaling.describeGroup(data.asgName);
  if (group) {
    const toResume = data.suspendedByRun.filter((p) => group.suspendedProcesses.includes(p));
    if (toResume.length > 0) {
      await deps.autoScaling.resumeProcesses(data.asgName, toResume);
      actions.push(`resumed ${toResume.join(", ")}`);
    }
    const maxSize = Math.max(data.original.maxSize, group.desiredCapacity);
    if (maxSize !== group.maxSize || data.original.minSize !== group.minSize) {
      await deps.autoScaling.updateSizes(data.asgName, { minSize: data.original.minSize, maxSize });
      actions.push(`restored ${data.asgName} min ${data.original.minSize}, max ${maxSize}`);
    }
    if (group.desiredCapacity > data.original.desiredCapacity) {
      actions.push(
        `desired capacity left at ${group.desiredCapacity} (was ${data.original.desiredCapacity}): ${group.desiredCapacity - data.original.desiredCapacity} up-to-date replacements keep serving; rerun the roll to finish and it reuses them`,
      );
    }
  }
  await updateRunData(deps, run.runId, (d) => {
    d.notes.push(...actions);
  });
  for (const action of actions) deps.log.info(action, { runId: run.runId });
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
    const refused = state.error.Error === "InvalidInputError" || !state.lock?.acquired || !state.preflight?.ok;
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
