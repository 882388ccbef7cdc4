/**
 * Remove the surplus a move's launches made room for: choose nodes in the long zones, drain them
 * through the Eviction API (PDB-aware: a 429 means wait), re-check, then terminate them with the
 * desired capacity decremented. A zone is never taken below its target, which is never below its floor.
 */
import { PdbBlockedTooLongError } from "../errors";
import { describeBlocked } from "../events/react/drain-step";
import type { KubeNode, KubePod } from "../model/kube";
import type { Deps } from "../ports";
import { isDrainable } from "../roll/pods";
import { LEAVING_STATES } from "../roll/snapshot-types";
import { traceNodeAction } from "../trace";
import { cordonEntryId, drainNodePass, rebalanceJournal, surgeEntryIds, terminateEntryId } from "./blocks";
import { factsOf, observeCluster } from "./observe";
import {
  loadMove,
  type RebalanceState,
  type StoredMove,
  type SurplusDrain,
  saveMove,
  updateRebalanceRun,
} from "./state";

const POLL_MIN_SECONDS = 2;
const POLL_MAX_SECONDS = 15;

async function requireMove(deps: Deps, state: RebalanceState): Promise<StoredMove> {
  const { move, run } = state;
  if (!move?.asgName) throw new Error("no move under way");
  const stored = await loadMove(deps, run.runId, move.index);
  if (!stored) throw new Error(`move ${move.index} of run ${run.runId} is not in the store`);
  return stored;
}

/** Surplus nodes to take: in each long zone, the nodes holding the fewest pods (ties by name), none launched by the move. */
export function chooseSurplus(
  removals: string[],
  candidates: { instanceId: string; zone: string; node: KubeNode; pods: number }[],
): { instanceId: string; zone: string; nodeName: string }[] {
  const chosen: { instanceId: string; zone: string; nodeName: string }[] = [];
  const taken = new Set<string>();
  for (const zone of removals) {
    const pick = candidates
      .filter((c) => c.zone === zone && !taken.has(c.instanceId))
      .sort((a, b) => a.pods - b.pods || a.node.name.localeCompare(b.node.name))[0];
    if (!pick) continue;
    taken.add(pick.instanceId);
    chosen.push({ instanceId: pick.instanceId, zone, nodeName: pick.node.name });
  }
  return chosen;
}

async function pickVictims(deps: Deps, state: RebalanceState, stored: StoredMove): Promise<void> {
  const { input } = state;
  const group = await deps.autoScaling.describeGroup(stored.asgName);
  const kube = await deps.kube(input.cluster);
  const [nodes, pods] = await Promise.all([kube.listNodes(), kube.listPods()]);
  const byInstance = new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
  const podCount = new Map<string, number>();
  for (const pod of pods.filter(isDrainable)) {
    if (pod.nodeName) podCount.set(pod.nodeName, (podCount.get(pod.nodeName) ?? 0) + 1);
  }
  const launched = new Set(stored.launched);
  const candidates = (group?.instances ?? []).flatMap((m) => {
    const node = byInstance.get(m.instanceId);
    if (!node?.ready || node.unschedulable || launched.has(m.instanceId) || LEAVING_STATES.has(m.lifecycleState))
      return [];
    return [{ instanceId: m.instanceId, zone: m.availabilityZone, node, pods: podCount.get(node.name) ?? 0 }];
  });
  // Only as many as the launches that landed where they should: the group never shrinks below its size.
  const removals = stored.removals.slice(0, stored.launched.length);
  const victims = chooseSurplus(removals, candidates);
  stored.victims = victims.map((v) => ({
    instanceId: v.instanceId,
    availabilityZone: v.zone,
    nodeName: v.nodeName,
  }));
  stored.drainDeadline = new Date(deps.clock.now().getTime() + input.drainTimeoutSeconds * 1000).toISOString();
  await saveMove(deps, state.run.runId, stored);
}

export async function drainSurplus(deps: Deps, state: RebalanceState): Promise<SurplusDrain> {
  const { input, run } = state;
  const stored = await requireMove(deps, state);
  if (!stored.drainDeadline) await pickVictims(deps, state, stored);
  const kube = await deps.kube(input.cluster);
  const journal = rebalanceJournal(deps, input.cluster, run);
  let remaining = 0;
  let evicted = 0;
  let refused = 0;
  const blocked: { pod: string; message: string }[] = [];
  for (const victim of stored.victims) {
    if (!victim.nodeName) continue;
    // The cordon is journalled before it is made (drainNodePass): a crash right after it is repaired.
    const pass = await drainNodePass(deps, kube, journal, {
      runId: run.runId,
      nodeName: victim.nodeName,
      instanceId: victim.instanceId,
      why: `rebalance: surplus node in ${victim.availabilityZone}, drained before it is removed`,
    });
    remaining += pass.remaining;
    evicted += pass.evicted;
    refused += pass.refused;
    blocked.push(...pass.blocked);
  }
  const previous = state.drain?.done === false ? state.drain : undefined;
  if (remaining === 0) {
    return { done: true, retryInSeconds: 0, remainingPods: 0, evicted, refusedByPdb: refused, blocked: [] };
  }
  if (blocked.length > 0 && deps.clock.now().getTime() > Date.parse(stored.drainDeadline as string)) {
    throw new PdbBlockedTooLongError(
      `draining surplus nodes of ${stored.asgName}: ${describeBlocked(blocked)} (after ${input.drainTimeoutSeconds} s)`,
    );
  }
  const retryInSeconds =
    evicted > 0 || blocked.length === 0
      ? POLL_MIN_SECONDS
      : Math.min(POLL_MAX_SECONDS, Math.max(POLL_MIN_SECONDS, (previous?.retryInSeconds ?? 1) * 2));
  return {
    done: false,
    retryInSeconds,
    remainingPods: remaining,
    evicted,
    refusedByPdb: refused,
    blocked: blocked.slice(0, 5),
  };
}

/** Re-checks each drained node (empty, its zone still above its floor) and terminates it, decrementing the desired size. */
export async function removeSurplus(deps: Deps, state: RebalanceState): Promise<{ removed: number; kept: string[] }> {
  const { input, run } = state;
  const stored = await requireMove(deps, state);
  const kube = await deps.kube(input.cluster);
  const observed = await observeCluster(deps, kube, input.cluster, input.nodeGroups);
  const group = observed.groups.find((g) => g.asgName === stored.asgName);
  const facts = group ? factsOf(group, new Set()) : undefined;
  const left = new Map((group?.zones ?? []).map((z) => [z.zone, z.instances]));
  const journal = rebalanceJournal(deps, input.cluster, run);
  const kept: string[] = [];
  for (const victim of stored.victims) {
    if (stored.terminated.includes(victim.instanceId) || !victim.nodeName) continue;
    const floor = facts?.zones.find((z) => z.zone === victim.availabilityZone)?.floor ?? 0;
    const pods: KubePod[] = (await kube.listPods({ nodeName: victim.nodeName })).filter(isDrainable);
    const zoneLeft = left.get(victim.availabilityZone) ?? 0;
    if (pods.length > 0 || zoneLeft - 1 < floor) {
      // The plan no longer holds for this node: keep it, uncordoned (its cordon is then settled).
      await kube.setUnschedulable(victim.nodeName, false);
      await journal.settle(cordonEntryId(victim.nodeName));
      kept.push(victim.nodeName);
      deps.log.warn(
        `kept ${victim.nodeName}: ${pods.length > 0 ? `${pods.length} pod(s) came back on it` : `${victim.availabilityZone} would fall below its floor of ${floor}`}`,
        { runId: run.runId },
      );
      continue;
    }
    await traceNodeAction(deps.log, kube, {
      runId: run.runId,
      node: victim.nodeName,
      instanceId: victim.instanceId,
      action: "terminate",
      reason: `rebalance: removing drained surplus node from ${victim.availabilityZone}`,
    });
    // Journalled first: the reconciler then leaves the node's cordon alone, the node is going away.
    await journal.record({
      id: terminateEntryId(victim.instanceId),
      kind: "terminate",
      instanceIds: [victim.instanceId],
    });
    await deps.autoScaling.terminateInstance(victim.instanceId, true);
    left.set(victim.availabilityZone, zoneLeft - 1);
    stored.terminated.push(victim.instanceId);
    await saveMove(deps, run.runId, stored);
  }
  const removed = stored.terminated.length;
  await updateRebalanceRun(deps, run.runId, (d) => {
    d.removed += removed;
  });
  // Put the max size back once the move is over (never below the desired capacity now).
  const asg = await deps.autoScaling.describeGroup(stored.asgName);
  if (asg && asg.maxSize > stored.maxSizeBefore) {
    const maxSize = Math.max(stored.maxSizeBefore, asg.desiredCapacity);
    if (maxSize !== asg.maxSize) await deps.autoScaling.updateSizes(stored.asgName, { maxSize });
  }
  // The move is over: its launches serve, its surplus is gone or kept uncordoned, its sizes are back.
  await journal.settle(...moveEntryIds(stored));
  return { removed, kept };
}

/** The journal entries a move opens: its surge (sizes, launch), its cordons and its terminations. */
export function moveEntryIds(move: StoredMove): string[] {
  return [
    surgeEntryIds(move.asgName).sizes,
    surgeEntryIds(move.asgName).launch,
    ...move.victims.flatMap((v) => (v.nodeName ? [cordonEntryId(v.nodeName)] : [])),
    ...[...move.victims.map((v) => v.instanceId), ...move.strayInstances].map(terminateEntryId),
  ];
}
