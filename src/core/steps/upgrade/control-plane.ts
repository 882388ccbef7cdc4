/**
 * An EKS control-plane step: UpdateClusterVersion one minor up, followed with DescribeUpdate until
 * EKS reports Successful or Failed. A rerun that finds the cluster already there moves on.
 *
 * Preflight judged the insights for the first step only (EKS judges readiness for the next minor), so
 * every later step refreshes them and stops on an ERROR the operator has not accepted.
 */
import { nextUpdateLookSeconds } from "../../estimates/poll";
import { observation, recordObservations } from "../../estimates/record";
import type { Deps } from "../../ports";
import { judgeInsights } from "../../upgrade/preflight";
import type { PhaseProgress, UpgradeState } from "../../upgrade/state";
import { currentPhase, phaseProgress } from "./phases";

/** While waiting for an update someone else started: EKS takes minutes. */
const POLL_SECONDS = 30;
/** After the expected time, looks back off ×1.5 up to this (core/estimates/poll.ts). */
const LATE_POLL_MAX_SECONDS = 60;

/** Looks from half the estimate to 1.5× it, then backing off (core/estimates/poll.ts). */
function controlPlanePoll(deps: Deps, startedAt: string | undefined, expectedSeconds: number): number {
  const elapsed = startedAt ? (deps.clock.now().getTime() - Date.parse(startedAt)) / 1000 : 0;
  return nextUpdateLookSeconds(elapsed, expectedSeconds, LATE_POLL_MAX_SECONDS);
}

export async function advanceEksControlPlane(deps: Deps, state: UpgradeState): Promise<PhaseProgress> {
  const phase = currentPhase(state);
  const cluster = state.input.cluster;
  const base = { phase: state.cursor?.index ?? 0 };
  const previous = phaseProgress(state);
  const attempts = (previous?.attempts ?? 0) + 1;

  if (!previous?.updateId) {
    const current = await deps.eks.describeCluster(cluster);
    if (current?.version === phase.toVersion && current.status === "ACTIVE") {
      return {
        ...base,
        done: true,
        failed: false,
        waitSeconds: 0,
        attempts,
        activity: `control plane already on ${phase.toVersion}`,
      };
    }
    if (current?.status === "UPDATING") {
      return {
        ...base,
        done: false,
        failed: false,
        waitSeconds: POLL_SECONDS,
        attempts,
        activity: "waiting for an update already in progress",
      };
    }
    const firstStep = state.assessment?.plan.path[0] === phase.toVersion;
    if (!firstStep && !previous?.activity?.startsWith("insights")) {
      await deps.eks.startInsightsRefresh(cluster);
      return {
        ...base,
        done: false,
        failed: false,
        waitSeconds: 15,
        attempts,
        activity: `insights: refreshing them for ${phase.toVersion}`,
      };
    }
    if (!firstStep && previous?.activity?.startsWith("insights")) {
      const refresh = await deps.eks.describeInsightsRefresh(cluster);
      if (refresh === "IN_PROGRESS" && attempts < 40) return { ...previous, attempts, waitSeconds: 15 };
      const judged = judgeInsights(await deps.eks.listInsights(cluster), state.input.acceptInsights);
      for (const warning of judged.warnings)
        deps.log.warn(`before ${phase.toVersion}: ${warning}`, { runId: state.run.runId });
      if (judged.problems.length > 0) {
        return {
          ...base,
          done: false,
          failed: true,
          waitSeconds: 0,
          attempts,
          reason: `stopped before updating the control plane to ${phase.toVersion}, which stays on ${current?.version}: ${judged.problems.join("; ")}; rerun the upgrade once resolved`,
        };
      }
    }
    const update = await deps.eks.updateClusterVersion({ cluster, version: phase.toVersion });
    deps.log.info(`control plane update to ${phase.toVersion} started`, {
      runId: state.run.runId,
      updateId: update.id,
    });
    const startedAt = deps.clock.now().toISOString();
    return {
      ...base,
      done: false,
      failed: false,
      waitSeconds: controlPlanePoll(deps, startedAt, phase.predictedSeconds),
      attempts,
      updateId: update.id,
      startedAt,
      activity: `EKS is updating the control plane to ${phase.toVersion}`,
    };
  }
  const update = await deps.eks.describeUpdate({ cluster, updateId: previous.updateId });
  if (update.status === "InProgress") {
    return { ...previous, attempts, waitSeconds: controlPlanePoll(deps, previous.startedAt, phase.predictedSeconds) };
  }
  if (update.status === "Successful") {
    if (previous.startedAt) {
      const seconds = (deps.clock.now().getTime() - Date.parse(previous.startedAt)) / 1000;
      await recordObservations(deps, { cluster }, [
        observation(deps, state.run.runId, `control-plane-${phase.toVersion}`, "control-plane-update", seconds),
      ]);
    }
    deps.log.info(`control plane on ${phase.toVersion}`, { runId: state.run.runId, updateId: update.id });
    return { ...previous, attempts, done: true, waitSeconds: 0, activity: `control plane on ${phase.toVersion}` };
  }
  const errors = update.errors.map((e) => `${e.code}: ${e.message}`).join("; ") || "no error details";
  return {
    ...previous,
    attempts,
    failed: true,
    waitSeconds: 0,
    reason: `EKS update ${update.id} of the control plane to ${phase.toVersion} ${update.status.toLowerCase()} (${errors}); the control plane stays where EKS left it (a minor never goes back): fix the cause and rerun the upgrade, which resumes from the cluster as it is`,
  };
}
