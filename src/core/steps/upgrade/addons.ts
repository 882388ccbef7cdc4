/**
 * An add-on phase: the planned hops one after another (UpdateAddon, then DescribeUpdate), each keeping
 * the add-on's configuration values. A hop already applied, by this run or a previous one, is skipped.
 */
import { nextUpdateLookSeconds, POLL_MAX_SECONDS } from "../../estimates/poll";
import { observation, recordObservations } from "../../estimates/record";
import type { Deps } from "../../ports";
import type { PhaseProgress, UpgradeState } from "../../upgrade/state";
import { currentPhase, phaseProgress } from "./phases";

/** While waiting for an update someone else started. */
const POLL_SECONDS = 15;

export async function advanceAddons(deps: Deps, state: UpgradeState): Promise<PhaseProgress> {
  const phase = currentPhase(state);
  if (phase.kind !== "addons") throw new Error("advanceAddons outside an add-on phase");
  const cluster = state.input.cluster;
  const previous = phaseProgress(state);
  const attempts = (previous?.attempts ?? 0) + 1;
  let hopsDone = previous?.hopsDone ?? 0;
  const base = { phase: state.cursor?.index ?? 0, failed: false, attempts };
  // The plan predicted hops × the add-on estimate: looks from half of one estimate to 1.5× it, then back off.
  const expectedPerHop = phase.predictedSeconds / Math.max(1, phase.hops.length);
  const poll = (startedAt: string | undefined) =>
    nextUpdateLookSeconds(
      startedAt ? (deps.clock.now().getTime() - Date.parse(startedAt)) / 1000 : 0,
      expectedPerHop,
      POLL_MAX_SECONDS,
    );

  if (previous?.updateId) {
    const hop = phase.hops[hopsDone];
    const update = await deps.eks.describeUpdate({ cluster, addonName: hop?.addon, updateId: previous.updateId });
    if (update.status === "InProgress") return { ...previous, attempts, waitSeconds: poll(previous.startedAt) };
    if (update.status !== "Successful") {
      const errors = update.errors.map((e) => `${e.code}: ${e.message}`).join("; ") || "no error details";
      return {
        ...base,
        done: false,
        failed: true,
        waitSeconds: 0,
        hopsDone,
        reason: `updating add-on ${hop?.addon} to ${hop?.version} ${update.status.toLowerCase()} (${errors}); it stays on ${hop?.from}: check the add-on's health and rerun the upgrade`,
      };
    }
    deps.log.info(`add-on ${hop?.addon} on ${hop?.version}`, { runId: state.run.runId });
    if (previous.startedAt && hop) {
      const seconds = (deps.clock.now().getTime() - Date.parse(previous.startedAt)) / 1000;
      await recordObservations(deps, { cluster }, [
        observation(deps, state.run.runId, `addon-${hop.addon}-${hop.version}`, "addon-update", seconds),
      ]);
    }
    hopsDone++;
  }

  const installed = new Map((await deps.eks.listAddons(cluster)).map((a) => [a.name, a]));
  while (hopsDone < phase.hops.length) {
    const hop = phase.hops[hopsDone];
    if (!hop) break;
    const addon = installed.get(hop.addon);
    if (!addon) {
      deps.log.warn(`add-on ${hop.addon} is no longer installed: skipping its update`, { runId: state.run.runId });
      hopsDone++;
      continue;
    }
    if (addon.version === hop.version && addon.status === "ACTIVE") {
      hopsDone++;
      continue;
    }
    if (addon.status === "UPDATING" || addon.status === "CREATING") {
      return {
        ...base,
        done: false,
        waitSeconds: POLL_SECONDS,
        hopsDone,
        activity: `waiting for ${hop.addon} to finish an update in progress`,
      };
    }
    const update = await deps.eks.updateAddon({
      cluster,
      addonName: hop.addon,
      version: hop.version,
      ...(addon.configurationValues ? { configurationValues: addon.configurationValues } : {}),
    });
    deps.log.info(`add-on ${hop.addon} ${addon.version} → ${hop.version}: ${hop.reason}`, {
      runId: state.run.runId,
      updateId: update.id,
    });
    const startedAt = deps.clock.now().toISOString();
    return {
      ...base,
      done: false,
      waitSeconds: poll(startedAt),
      hopsDone,
      updateId: update.id,
      startedAt,
      activity: `updating add-on ${hop.addon} to ${hop.version} (${hopsDone + 1} of ${phase.hops.length})`,
    };
  }
  return { ...base, done: true, waitSeconds: 0, hopsDone, activity: `add-ons ready for ${phase.toVersion}` };
}
