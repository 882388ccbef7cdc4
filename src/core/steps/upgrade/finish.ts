/** The way out of every upgrade, success or not: put back what a phase left, release the lock, summarise. */

import { isApprovalRefusal } from "../../chatops/approval";
import type { Deps } from "../../ports";
import { releaseClusterLock } from "../../replacement/lock";
import type { DoneCounts, UpgradeOutcome, UpgradeState, UpgradeSummary } from "../../upgrade/state";
import { causeMessage } from "../roll/finish";
import { restoreControlPlaneGroup } from "./control-plane-nodes";
import { readSkew } from "./observe";

export async function releaseUpgradeLock(
  deps: Deps,
  state: UpgradeState,
): Promise<{ released: boolean; actions?: string[] }> {
  const actions =
    state.cursor?.kind === "self-managed-control-plane" && !state.progress?.done
      ? await restoreControlPlaneGroup(deps, state)
      : [];
  for (const action of actions) deps.log.info(action, { runId: state.run.runId });
  if (!state.lock?.acquired || state.lock.inherited) return { released: false, actions };
  return { ...(await releaseClusterLock(deps, state.input.cluster, state.run.executionId)), actions };
}

function outcomeOf(state: UpgradeState): { outcome: UpgradeOutcome; reason?: string } {
  const preflight = state.assessment?.preflight;
  if (state.error) {
    // An approval refused before a later control-plane step: the earlier phases stay, consistent.
    if (isApprovalRefusal(state.error) && changedSomething(state.observed?.done)) {
      return {
        outcome: "aborted",
        reason: `${causeMessage(state.error)}; stopped before the control plane went to ${state.cursor?.toVersion ?? "the next minor"}, the cluster is consistent at ${state.observed?.controlPlaneVersion ?? "its current version"} and a rerun resumes`,
      };
    }
    // Until preflight passes nothing has changed: the upgrade was refused, not failed.
    const refused =
      state.error.Error === "InvalidInputError" ||
      isApprovalRefusal(state.error) ||
      !state.lock?.acquired ||
      !preflight?.ok;
    return { outcome: refused ? "refused" : "failed", reason: causeMessage(state.error) };
  }
  if (preflight && !preflight.ok) {
    return {
      outcome: "refused",
      reason: `preflight refused the upgrade, nothing was changed: ${preflight.problems.join("; ")}`,
    };
  }
  if (state.input?.dryRun) return { outcome: "planned" };
  if (state.cursor?.aborted)
    return {
      outcome: "aborted",
      reason: "aborted on request between phases; the cluster is consistent as it is and a rerun resumes",
    };
  if (state.observed?.halt) return { outcome: "failed", reason: state.observed.halt };
  return { outcome: "succeeded" };
}

function changedSomething(done: DoneCounts | undefined): boolean {
  if (!done) return false;
  return (
    done.controlPlaneUpdates + done.addonUpdates + Object.values(done.nodeGroupRolls).reduce((a, b) => a + b, 0) > 0
  );
}

export async function summarizeUpgrade(deps: Deps, state: UpgradeState): Promise<UpgradeSummary> {
  const toVersion = state.input?.toVersion ?? String((state.request as { toVersion?: unknown })?.toVersion ?? "");
  let { outcome, reason } = outcomeOf(state);
  const done = state.observed?.done;
  let maxSkew = state.observed?.maxKubeletSkew ?? 0;
  if (outcome === "succeeded") {
    // Success means the cluster is there, not that the steps ran: check once more.
    const final = await readSkew(deps, state.input.cluster);
    maxSkew = Math.max(maxSkew, final.skew);
    if (final.controlPlaneVersion !== toVersion || final.skew !== 0) {
      outcome = "failed";
      reason = `the upgrade ran every phase but the cluster is not all on ${toVersion}: API server ${final.controlPlaneVersion}, oldest kubelet ${final.oldestKubelet ?? "none"}; rerun to finish`;
    }
  }
  const startedAt = state.run?.startedAt ? Date.parse(state.run.startedAt) : deps.clock.now().getTime();
  const summary: UpgradeSummary = {
    outcome,
    ...(state.assessment ? { fromVersion: state.assessment.cluster.version } : {}),
    toVersion,
    controlPlaneUpdates: done?.controlPlaneUpdates ?? 0,
    nodeGroupRolls: done?.nodeGroupRolls ?? {},
    addonUpdates: done?.addonUpdates ?? 0,
    maxKubeletSkewObserved: maxSkew,
    durationSeconds: Math.round((deps.clock.now().getTime() - startedAt) / 100) / 10,
    ...(reason ? { reason } : {}),
    ...(state.assessment ? { predictedSeconds: state.assessment.plan.predictedSeconds } : {}),
  };
  if (state.run?.runId) {
    const record = await deps.state.getRun(state.run.runId);
    if (record) {
      record.status = outcome === "planned" ? "succeeded" : outcome;
      record.updatedAt = deps.clock.now().toISOString();
      record.data = { ...record.data, summary };
      await deps.state.putRun(record);
    }
  }
  const line = `upgrade ${outcome}${reason ? `: ${reason}` : ""}`;
  if (outcome === "succeeded" || outcome === "planned") deps.log.info(line, { runId: state.run?.runId });
  else deps.log.warn(line, { runId: state.run?.runId });
  return summary;
}
