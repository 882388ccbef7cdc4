/**
 * Wait for a move's launches to turn into Ready nodes in the zones they were meant for. Auto Scaling
 * fails over to another zone when EC2 has no capacity in the one it tried: a launch that lands outside
 * its short zone is a capacity failure in that zone. It is counted, remembered (no launch is tried
 * there again for a while), and the stray instance is terminated at once, before it holds any pod;
 * the move then removes only as many surplus nodes as landed where they should. No flapping: a zone
 * that failed is never tried again by this run.
 */
import { ReplacementNotReadyError } from "../errors";
import type { Deps } from "../ports";
import { LEAVING_STATES } from "../roll/snapshot-types";
import { rebalanceJournal, terminateEntryId } from "./blocks";
import { recordCapacityFailure } from "./checks";
import { type LaunchCheck, loadMove, type RebalanceState, saveMove, updateRebalanceRun } from "./state";

const FIRST_LOOK_SECONDS = 15;
const POLL_SECONDS = 10;

export async function checkLaunches(deps: Deps, state: RebalanceState): Promise<LaunchCheck> {
  const { input, run, move } = state;
  if (!move?.asgName || !move.launches) throw new Error("checking launches without a move");
  const stored = await loadMove(deps, run.runId, move.index);
  if (!stored) throw new Error(`move ${move.index} of run ${run.runId} is not in the store`);
  const group = await deps.autoScaling.describeGroup(move.asgName);
  if (!group) throw new ReplacementNotReadyError(`Auto Scaling group ${move.asgName} is gone`);
  const before = new Set(stored.launched);
  const known = new Set([...stored.launched, ...stored.strayInstances]);
  const journal = rebalanceJournal(deps, input.cluster, run);
  const kube = await deps.kube(input.cluster);
  const nodes = await kube.listNodes();
  // Members before the move were journaled with it: anything else alive in the group is this move's launch.
  const originalIds = new Set(stored.membersBefore);
  const fresh = group.instances.filter(
    (i) => !originalIds.has(i.instanceId) && !known.has(i.instanceId) && !LEAVING_STATES.has(i.lifecycleState),
  );
  const room = new Map<string, number>();
  for (const zone of move.launches) room.set(zone, (room.get(zone) ?? 0) + 1);
  for (const id of stored.launched) {
    const zone = group.instances.find((i) => i.instanceId === id)?.availabilityZone;
    if (zone) room.set(zone, (room.get(zone) ?? 0) - 1);
  }
  const strays: { instanceId: string; zone: string }[] = [];
  for (const instance of fresh) {
    const left = room.get(instance.availabilityZone) ?? 0;
    if (left > 0) {
      room.set(instance.availabilityZone, left - 1);
      stored.launched.push(instance.instanceId);
    } else {
      strays.push({ instanceId: instance.instanceId, zone: instance.availabilityZone });
    }
  }
  const failedZones: string[] = [];
  for (const stray of strays) {
    // The zone it was meant for: one of the short zones still waiting for a launch.
    const meant = [...room.entries()].find(([, n]) => n > 0)?.[0] ?? "an unknown zone";
    room.set(meant, (room.get(meant) ?? 0) - 1);
    failedZones.push(meant);
    stored.strayInstances = [...stored.strayInstances, stray.instanceId];
    await saveMove(deps, run.runId, stored);
    // Journalled first; settled with the move (a termination is final: nothing to undo).
    await journal.record({
      id: terminateEntryId(stray.instanceId),
      kind: "terminate",
      instanceIds: [stray.instanceId],
    });
    await deps.autoScaling.terminateInstance(stray.instanceId, true);
    deps.log.warn(
      `launch meant for ${meant} landed in ${stray.zone} (no capacity in ${meant}): terminated ${stray.instanceId} before it held any pod`,
      { runId: run.runId },
    );
  }
  if (failedZones.length > 0) {
    for (const zone of new Set(failedZones)) await recordCapacityFailure(deps, input.cluster, zone);
    await updateRebalanceRun(deps, run.runId, (data) => {
      for (const zone of failedZones) data.capacityFailures[zone] = (data.capacityFailures[zone] ?? 0) + 1;
      data.launched += strays.length;
      data.removed += strays.length;
    });
  }
  if (stored.launched.length !== before.size || strays.length > 0) await saveMove(deps, run.runId, stored);
  // Counted as they are placed, so that the figures of a run that fails later still hold them.
  const placedNow = stored.launched.length - before.size;
  if (placedNow > 0) {
    await updateRebalanceRun(deps, run.runId, (data) => {
      data.launched += placedNow;
    });
  }

  const expected = move.launches.length - stored.strayInstances.length;
  const readyIds = new Set(nodes.filter((n) => n.ready && n.instanceId).map((n) => n.instanceId as string));
  const ready = stored.launched.filter((id) => readyIds.has(id)).length;
  const base = { placed: stored.launched.length, misplaced: stored.strayInstances.length };
  if (stored.launched.length >= expected && ready >= expected) {
    return { done: true, failed: false, retryInSeconds: 0, ...base };
  }
  if (move.readyDeadline && deps.clock.now().getTime() > Date.parse(move.readyDeadline)) {
    throw new ReplacementNotReadyError(
      `move ${move.index} of group ${move.group}: ${ready} of ${expected} launched node(s) Ready after ${input.readyTimeoutSeconds} s (${stored.launched.length} launched in ${move.launches.join(", ")})`,
    );
  }
  return {
    done: false,
    failed: false,
    retryInSeconds: state.launch ? POLL_SECONDS : FIRST_LOOK_SECONDS,
    ...base,
  };
}
