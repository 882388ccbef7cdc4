/**
 * The rebalance loop: plan the next move on a fresh observation, journal it, and launch in the short
 * zones first. Auto Scaling puts each launch in the zone with the fewest instances, so the move launches
 * only as many as will land in short zones (target.ts); AZRebalance is suspended first, or Auto Scaling
 * would "fix" the imbalance the move passes through by terminating nodes without draining them.
 */
import type { Deps } from "../ports";
import { recentCapacityFailures } from "./checks";
import { factsOf, observeCluster } from "./observe";
import { type MoveCursor, type RebalanceState, saveMove, updateRebalanceRun } from "./state";
import { nextMove } from "./target";

export const AZ_REBALANCE = "AZRebalance";

export function suspensionReason(runId: string): string {
  return `suspended by Tugboat run ${runId}: Auto Scaling's AZ rebalancing terminates nodes without draining them, and cannot see zonal volumes; Tugboat's rebalance-azs moves nodes instead, draining through the Eviction API`;
}

export async function planMove(deps: Deps, state: RebalanceState): Promise<MoveCursor> {
  const { input, run } = state;
  const index = state.move ? state.move.index + 1 : 0;
  const finished = (fields: Partial<MoveCursor> = {}): MoveCursor => ({ index, done: true, ...fields });
  if (index >= input.maxMoves) return finished({ stuck: `stopped after ${input.maxMoves} moves (maxMoves)` });
  if (input.trigger === "pending-zonal-pods" && (state.checks?.pendingZonalPods ?? 0) === 0) return finished();
  const kube = await deps.kube(input.cluster);
  const observed = await observeCluster(deps, kube, input.cluster, input.nodeGroups);
  const short = new Set(await recentCapacityFailures(deps, input.cluster));
  const stuck: string[] = [];
  for (const group of observed.groups) {
    const instances = Object.fromEntries(group.zones.map((z) => [z.zone, z.instances]));
    // Instances still launching or leaving from an earlier move: the counts are not settled yet.
    if (group.zones.some((z) => z.instances !== z.readyNodes)) {
      stuck.push(`group ${group.group}: instances are still launching or not Ready`);
      continue;
    }
    const decision = nextMove(factsOf(group, short), instances);
    if (decision.kind === "stuck") stuck.push(decision.reason);
    if (decision.kind !== "move") continue;
    const { launches, removals } = decision.move;

    const reason = suspensionReason(run.runId);
    const mustSuspend = !group.suspendedProcesses.includes(AZ_REBALANCE);
    const desired = group.desiredCapacity + launches.length;
    const maxSize = Math.max(group.maxSize, desired);
    const nowMs = deps.clock.now().getTime();
    // Journal first: the group, its sizes and the move, so a crash after any change is repaired.
    await updateRebalanceRun(deps, run.runId, (data) => {
      data.asgName = group.asgName;
      data.original = {
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredCapacity: group.desiredCapacity,
        suspendedProcesses: group.suspendedProcesses,
      };
      data.batchesStarted = index + 1;
      if (mustSuspend) data.suspensions[group.asgName] = reason;
    });
    await saveMove(deps, run.runId, {
      index,
      asgName: group.asgName,
      launches,
      removals,
      membersBefore: group.instanceIds,
      launched: [],
      victims: [],
      byZone: countBy(launches),
      cordoned: [],
      terminated: [],
      startedAt: new Date(nowMs).toISOString(),
      strayInstances: [],
    });
    if (mustSuspend) {
      await deps.autoScaling.suspendProcesses(group.asgName, [AZ_REBALANCE]);
      deps.log.info(`suspended ${AZ_REBALANCE} on ${group.asgName}`, { runId: run.runId, reason });
    }
    await deps.autoScaling.updateSizes(group.asgName, { desiredCapacity: desired, maxSize });
    deps.log.info(
      `move ${index}: launching ${launches.length} in ${[...new Set(launches)].join(", ")} for ${group.group}`,
      { runId: run.runId, removals },
    );
    return {
      index,
      done: false,
      group: group.group,
      asgName: group.asgName,
      launches,
      removals,
      readyDeadline: new Date(nowMs + input.readyTimeoutSeconds * 1000).toISOString(),
    };
  }
  return finished(stuck.length > 0 ? { stuck: stuck.join("; ") } : {});
}

export function countBy(zones: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const zone of zones) counts[zone] = (counts[zone] ?? 0) + 1;
  return counts;
}
