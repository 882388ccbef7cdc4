/**
 * The rebalance loop: plan the next move on a fresh observation, journal it, and launch in the short
 * zones first. Auto Scaling puts each launch in the zone with the fewest instances, so the move launches
 * only as many as will land in short zones (target.ts); AZRebalance is suspended first, or Auto Scaling
 * would "fix" the imbalance the move passes through by terminating nodes without draining them.
 */
import type { Deps } from "../ports";
import { recordSurge } from "../replacement/journal";
import { rebalanceJournal } from "./blocks";
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
    const asg = await deps.autoScaling.describeGroup(group.asgName);
    if (!asg) {
      stuck.push(`group ${group.group}: Auto Scaling group ${group.asgName} is gone`);
      continue;
    }
    await updateRebalanceRun(deps, run.runId, (data) => {
      data.moves = index + 1;
      if (mustSuspend) data.suspensions[group.asgName] = reason;
    });
    await saveMove(deps, run.runId, {
      index,
      asgName: group.asgName,
      startedAt: new Date(nowMs).toISOString(),
      launches,
      removals,
      membersBefore: asg.instances.map((i) => i.instanceId),
      maxSizeBefore: asg.maxSize,
      launched: [],
      strayInstances: [],
      victims: [],
      terminated: [],
    });
    // Not journalled, on purpose: AZRebalance stays suspended after the run, crashed or not (the reason
    // is in the run record). Resuming it after a crash would let Auto Scaling "fix" the imbalance the
    // crash left by terminating nodes without draining them, and strand zonal volumes again.
    if (mustSuspend) {
      await deps.autoScaling.suspendProcesses(group.asgName, [AZ_REBALANCE]);
      deps.log.info(`suspended ${AZ_REBALANCE} on ${group.asgName}`, { runId: run.runId, reason });
    }
    // Journalled first: the sizes as they were and the members before the launch, so a crash after the
    // resize is repaired (stray launches terminated, min/max put back) by the next run's reconciler.
    await recordSurge(rebalanceJournal(deps, input.cluster, run), asg);
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
