/** Moves the upgrade from one planned phase to the next, honouring `tug abort` between phases. */
import type { Deps } from "../../ports";
import type { Phase, PhaseCursor, PhaseProgress, UpgradeState } from "../../upgrade/state";

export function currentPhase(state: UpgradeState): Phase {
  const index = state.cursor?.index ?? -1;
  const phase = state.assessment?.plan.phases[index];
  if (!phase) throw new Error(`upgrade ${state.run.runId}: no phase ${index}`);
  return phase;
}

/** The progress of the current phase, or a fresh one when the phase just started. */
export function phaseProgress(state: UpgradeState): PhaseProgress | undefined {
  const progress = state.progress;
  return progress && progress.phase === state.cursor?.index ? progress : undefined;
}

export async function nextPhase(deps: Deps, state: UpgradeState): Promise<PhaseCursor> {
  const phases = state.assessment?.plan.phases ?? [];
  const index = (state.cursor?.index ?? -1) + 1;
  const lock = await deps.state.getLock(state.input.cluster);
  if (lock?.owner === state.run.executionId && lock.abortRequested) {
    deps.log.warn("upgrade aborted between phases", { runId: state.run.runId, by: lock.abortRequestedBy });
    return { index, finished: true, aborted: true };
  }
  const phase = phases[index];
  if (!phase) return { index, finished: true };
  const kind =
    phase.kind === "control-plane" && phase.mode === "self-managed" ? "self-managed-control-plane" : phase.kind;
  deps.log.info(`phase ${index + 1} of ${phases.length}: ${kind} → ${phase.toVersion}`, { runId: state.run.runId });
  return { index, finished: false, kind, toVersion: phase.toVersion };
}
