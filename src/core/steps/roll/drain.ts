/**
 * Drain, terminate and validate one batch. The drain goes through the Eviction API only (safety
 * invariant 2): a 429 is a budget saying "not now", so the workflow waits and tries again.
 */

import { API_CONCURRENCY, mapPool } from "../../concurrency";
import { PdbBlockedTooLongError, PlanInvalidatedError } from "../../errors";
import { POD_START } from "../../estimates/defaults";
import { median } from "../../estimates/estimate";
import type { Observation } from "../../estimates/observations";
import { observation, recordObservations } from "../../estimates/record";
import type { KubePod } from "../../model/kube";
import type { Deps, KubePort } from "../../ports";
import { drainablePodsOn, type EvictionPass, evictionPasses, nextDrainLook } from "../../replacement/drain";
import type { Journal } from "../../replacement/journal";
import { isDrainable, isSystemCritical, isUnscheduled } from "../../roll/pods";
import { readGroup } from "../../roll/read-group";
import { type GroupSnapshot, isLeaving } from "../../roll/snapshot-types";
import {
  batchKey,
  type CheckResult,
  type DrainResult,
  loadRunData,
  type RollRunData,
  type RollState,
  type StoredBatch,
} from "../../roll/state";
import { traceNodeAction } from "../../trace";

/**
 * What one tick of the pipelined roll shares between the waves it moves: the run's data as the tick
 * read it (the group's name, mode and per-AZ floors are fixed once Prepare group stored them), one read
 * of the group for every termination of the tick (a read per wave made a 5,000-node roll list every
 * node once per node), and the counters the waves add up, which the tick writes once.
 */
export interface TickShared {
  data: RollRunData;
  snapshot: () => Promise<GroupSnapshot>;
  tally: RollRunData["counters"];
  /** Instances the tick's waves terminated. */
  terminatedIds: string[];
  /** The run's journal, its head read once for the tick. */
  journal: Journal;
  /** Stored batches (one per wave) as the tick last read or wrote them. */
  batches: Map<number, StoredBatch>;
  /** Batches the tick changed: written together when it ends. */
  changedBatches: Set<number>;
  /** Observations the tick made, recorded together when it ends. */
  observations: Observation[];
  /** Journal entries the tick made final (a wave's cordon once its nodes are terminated), settled when it ends. */
  settled: string[];
  /** Drainable pods on each node the tick's passes looked at, as they found them. */
  podsByNode: Map<string, KubePod[]>;
  /** Pods whose eviction the tick's passes were refused: they wait on their cordoned nodes. */
  refused: KubePod[];
  /** Each wave's nodes still to drain and terminate, as the pipeline keeps them (no batch read needed). */
  waveNodes: Map<number, string[]>;
  /** Nodes the tick terminated. */
  terminatedNodes: Set<string>;
  /** Per wave, the AZs of the nodes the tick terminated. */
  terminatedZones: Map<number, string[]>;
}

export const emptyTally = (): RollRunData["counters"] => ({
  podsEvicted: 0,
  evictionsRefusedByPdb: 0,
  forcedDeletions: 0,
  nodesReplaced: 0,
});

/** The wave's stored batch: as this tick last read or wrote it, else from the store. */
export async function loadBatch(deps: Deps, state: RollState, known?: Map<number, StoredBatch>): Promise<StoredBatch> {
  const { run, batch } = state;
  if (!batch) throw new Error("no current batch");
  const cached = known?.get(batch.index);
  if (cached) return cached;
  const stored = await deps.state.getItem<StoredBatch>(run.runId, batchKey(batch.index));
  if (!stored) throw new Error(`batch ${batch.index} of run ${run.runId} is not in the store`);
  known?.set(batch.index, stored);
  return stored;
}

/**
 * One pass of each wave's drain (core/replacement/drain.ts), the waves oldest first: evict what may go
 * now, report what is left. Idempotent; the workflow loops with a Wait. Budgets still refusing past a
 * wave's drain deadline throw PdbBlockedTooLongError (unless force).
 */
export async function drainWaves(deps: Deps, waves: RollState[], shared: TickShared): Promise<DrainResult[]> {
  const first = waves[0];
  if (!first) return [];
  const nodesOf = await Promise.all(
    waves.map(
      async (wave) => shared.waveNodes.get(indexOf(wave)) ?? stillThere(await loadBatch(deps, wave, shared.batches)),
    ),
  );
  const kube = await deps.kube(first.input.cluster);
  const { passes, podsByNode } = await evictionPasses(deps, kube, nodesOf, { runId: first.run.runId });
  for (const [node, pods] of podsByNode) shared.podsByNode.set(node, pods);
  const blocked = new Set(passes.flatMap((pass) => pass.blocked.map((b) => b.pod)));
  for (const pods of podsByNode.values()) {
    for (const pod of pods) if (blocked.has(`${pod.namespace}/${pod.name}`)) shared.refused.push(pod);
  }
  const results: DrainResult[] = [];
  for (const [i, wave] of waves.entries()) {
    results.push(await afterPass(deps, wave, passes[i] as EvictionPass, shared, kube));
  }
  return results;
}

const indexOf = (wave: RollState): number => {
  if (!wave.batch) throw new Error("no current batch");
  return wave.batch.index;
};

/** The wave's cordoned nodes whose instance it has not terminated yet. */
export function stillThere(stored: StoredBatch): string[] {
  const gone = new Set(stored.victims.filter((v) => stored.terminated.includes(v.instanceId)).map((v) => v.nodeName));
  return stored.cordoned.filter((node) => !gone.has(node));
}

/** What one wave's pass means: drained, waiting (and when to look again), or blocked past its deadline. */
async function afterPass(
  deps: Deps,
  state: RollState,
  pass: EvictionPass,
  shared: TickShared,
  kube: KubePort,
): Promise<DrainResult> {
  const { input, run } = state;
  const previous = state.drain;
  if (!previous) throw new Error("drain before cordon");
  const attempts = previous.attempts + 1;
  const { evicted, refused, remaining, blocked } = pass;
  shared.tally.podsEvicted += evicted;
  shared.tally.evictionsRefusedByPdb += refused;
  const nowMs = deps.clock.now().getTime();
  if (remaining === 0) {
    if (previous.startedAt) {
      const seconds = (nowMs - Date.parse(previous.startedAt)) / 1000;
      shared.observations.push(observation(deps, run.runId, `batch-${indexOf(state)}`, "batch-drain", seconds));
    }
    return { ...previous, done: true, failed: false, attempts, remainingPods: 0, blocked: [] };
  }
  const pastDeadline = nowMs >= Date.parse(previous.deadline ?? "");
  const progressAt = evicted > 0 ? new Date(nowMs).toISOString() : (previous.progressAt ?? previous.startedAt);
  const retryInSeconds = nextDrainLook({
    secondsSinceProgress: progressAt ? (nowMs - Date.parse(progressAt)) / 1000 : 0,
    refused: blocked.length > 0,
    podStartSeconds: (state.batch?.expectations ?? state.plan?.expectations)?.podStartSeconds ?? POD_START.median,
  });
  const progress = progressAt ? { progressAt } : {};
  if (!pastDeadline || blocked.length === 0) {
    // Terminating pods get their full grace period; only budgets that keep refusing hit the deadline.
    return {
      ...previous,
      ...progress,
      done: false,
      failed: false,
      attempts,
      remainingPods: remaining,
      blocked: blocked.slice(0, 5),
      retryInSeconds,
    };
  }
  if (input.force) {
    let forced = 0;
    for (const { pod } of blocked) {
      const [namespace, name] = pod.split("/") as [string, string];
      if ((await kube.deletePod(namespace, name)) === "deleted") forced++;
    }
    shared.tally.forcedDeletions += forced;
    deps.log.warn(`force-deleted ${forced} pods still protected after the drain deadline`, { runId: run.runId });
    return {
      ...previous,
      ...progress,
      done: false,
      failed: false,
      attempts,
      remainingPods: remaining,
      blocked: [],
      retryInSeconds,
    };
  }
  const first = blocked[0];
  throw new PdbBlockedTooLongError(
    `drain of batch ${indexOf(state) + 1} blocked for ${input.drainTimeoutSeconds} s: pod ${first?.pod} cannot be evicted: ${first?.message} (${blocked.length} pods blocked); fix the budget or its workload and rerun, or rerun with force to delete them`,
  );
}

/**
 * Re-validate before destroying: the plan counted on the group and on each AZ of the batch keeping the
 * Ready schedulable capacity it had at the start once the victims go (safety invariant 3). A
 * replacement lost since the readiness check (a Spot interruption, someone scaling in) or a group
 * deleted under the roll means terminating now would break that: PlanInvalidatedError, nothing
 * terminated, and the cleanup uncordons the victims so their capacity serves again.
 */
function revalidateBeforeTerminating(stored: StoredBatch, data: RollRunData, snapshot: GroupSnapshot): void {
  const victims = new Set(stored.victims.map((v) => v.instanceId));
  const shortfalls: string[] = [];
  for (const zone of Object.keys(stored.byZone)) {
    const serving = snapshot.members.filter(
      (m) =>
        m.availabilityZone === zone && !victims.has(m.instanceId) && !isLeaving(m) && m.nodeReady && !m.unschedulable,
    ).length;
    const need = data.baselineByZone[zone] ?? 0;
    if (serving < need) shortfalls.push(`${zone} has ${serving} Ready nodes besides the batch, needs ${need}`);
  }
  if (shortfalls.length > 0) {
    throw new PlanInvalidatedError(
      `before terminating batch ${stored.index + 1}, a replacement it counted on is gone or not Ready: ${shortfalls.join("; ")}; nothing of the batch was terminated, its nodes are uncordoned; rerun the roll`,
    );
  }
}

/**
 * Terminates, in the tick's due waves, every victim whose node this tick found empty (a whole drained
 * wave, or the nodes of a wave still waiting on a sibling: a node never waits for the slowest of its
 * wave), decrementing desired capacity, after re-checking that the plan still holds
 * (revalidateBeforeTerminating): every wave is judged before any instance goes, the terminations are
 * journaled in one head write and made side by side. What the waves' batches, counters and journal gain
 * is written when the tick ends. Returns the waves whose every cordoned victim is now gone.
 */
export async function terminateWaves(deps: Deps, waves: RollState[], shared: TickShared): Promise<Set<number>> {
  const gone = new Set<number>();
  const first = waves[0];
  if (!first) return gone;
  const { input, run } = first;
  // The waves with something to terminate: a node this tick found empty, or nodes the pipeline lost track of.
  const considered = waves.filter((wave) => {
    const nodes = shared.waveNodes.get(indexOf(wave));
    return !nodes || wave.drain?.done || nodes.some((node) => shared.podsByNode.get(node)?.length === 0);
  });
  const batches = await Promise.all(considered.map((wave) => loadBatch(deps, wave, shared.batches)));
  const kube = await deps.kube(input.cluster);
  // The nodes this tick's passes looked at need no second look; others (a retried step) are listed.
  const unseen = batches.flatMap(stillThere).filter((node) => !shared.podsByNode.has(node));
  const byNode = new Map([...shared.podsByNode, ...(await drainablePodsOn(kube, unseen))]);
  const snapshot = await shared.snapshot();
  const terminatedBefore = batches.map((stored) => stored.terminated.length);
  // A retried step must not terminate twice: members already on their way out are done.
  const leaving = new Set(snapshot.members.filter(isLeaving).map((m) => m.instanceId));
  const ready: { stored: StoredBatch; instanceId: string; nodeName: string }[] = [];
  for (const stored of batches) {
    for (const victim of stored.victims) {
      if (stored.terminated.includes(victim.instanceId)) continue;
      if (leaving.has(victim.instanceId)) {
        stored.terminated.push(victim.instanceId);
        continue;
      }
      // Not cordoned: left for a later wave.
      if (!victim.nodeName || !stored.cordoned.includes(victim.nodeName)) continue;
      // Safety invariant 1: never terminate a node that still runs pods a drain must move (with force,
      // the drain deletes what budgets still protect past the deadline; the node goes once it is empty).
      const left = byNode.get(victim.nodeName);
      if (!left || left.length > 0) continue;
      ready.push({ stored, instanceId: victim.instanceId, nodeName: victim.nodeName });
    }
  }
  const terminating = batches.filter((stored) => ready.some((r) => r.stored === stored));
  // Victims are cordoned, so no victim of this tick's other waves counts as serving: one read of the
  // group before the tick's terminations judges each of them.
  for (const stored of terminating) revalidateBeforeTerminating(stored, shared.data, snapshot);
  // A crash before the record below is harmless: a terminating instance leaves the group's live
  // members, so a rerun never chooses it again. The journal learns first that these nodes go away, so
  // a reconciler never uncordons them.
  const entries = terminating.map((stored) => {
    const instanceIds = ready.filter((r) => r.stored === stored).map((r) => r.instanceId);
    const id = `batch-${stored.index}/terminate-${stored.terminated.length}`;
    stored.terminateEntries = [...new Set([...(stored.terminateEntries ?? []), id])];
    return { id, kind: "terminate" as const, instanceIds };
  });
  await shared.journal.recordAll(entries);
  await mapPool(ready, API_CONCURRENCY, async ({ stored, instanceId, nodeName }) => {
    await deps.autoScaling.terminateInstance(instanceId, true);
    stored.terminated.push(instanceId);
    shared.terminatedIds.push(instanceId);
    shared.terminatedNodes.add(nodeName);
    const zone = stored.victims.find((v) => v.instanceId === instanceId)?.availabilityZone;
    if (zone) shared.terminatedZones.set(stored.index, [...(shared.terminatedZones.get(stored.index) ?? []), zone]);
    await traceNodeAction(deps.log, kube, {
      runId: run.runId,
      node: nodeName,
      instanceId,
      action: "terminate",
      reason: `drained ${nodeName}, terminated ${instanceId} with desired capacity decremented`,
    });
  });
  shared.tally.nodesReplaced += ready.length;
  for (const [i, stored] of batches.entries()) {
    if (stored.terminated.length !== terminatedBefore[i]) shared.changedBatches.add(stored.index);
    // Every cordoned victim is terminated: the wave's cordon is final, and so are its terminations.
    // Otherwise it stays open and the way out uncordons the victims left in place.
    const cordonedLeft = stored.victims.filter(
      (v) => v.nodeName && stored.cordoned.includes(v.nodeName) && !stored.terminated.includes(v.instanceId),
    );
    if (cordonedLeft.length === 0) {
      shared.settled.push(`batch-${stored.index}/cordon`, ...(stored.terminateEntries ?? []));
      gone.add(stored.index);
    }
  }
  return gone;
}

const VALIDATE_TIMEOUT_SECONDS = 300;

/**
 * After a batch: every node of the group Ready, system-critical pods healthy, no more Pending pods
 * than at the start. Loops with a Wait; gives up after a fixed time.
 */
export async function validateBatch(deps: Deps, state: RollState): Promise<CheckResult> {
  const { input, run } = state;
  const continuing = state.validation?.done === false && !state.validation.failed;
  const attempts = (continuing ? (state.validation?.attempts ?? 0) : 0) + 1;
  const deadline =
    continuing && state.validation?.deadline
      ? state.validation.deadline
      : new Date(deps.clock.now().getTime() + VALIDATE_TIMEOUT_SECONDS * 1000).toISOString();
  const data = (await loadRunData(deps, run.runId)).data;
  const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, {
    resolved: { asgName: data.asgName, mode: data.mode },
    withTarget: false,
  });
  const kube = await deps.kube(input.cluster);
  const pods = await kube.listPods();
  const problems: string[] = [];
  const notReady = snapshot.members.filter((m) => !isLeaving(m) && m.nodeName && !m.nodeReady).map((m) => m.nodeName);
  if (notReady.length > 0) problems.push(`nodes not Ready: ${notReady.slice(0, 5).join(", ")}`);
  const critical = pods.filter((p) => isSystemCritical(p) && !p.deleting && !p.ready);
  if (critical.length > 0) {
    problems.push(`system-critical pods not Ready: ${critical.slice(0, 5).map((p) => `${p.namespace}/${p.name}`)}`);
  }
  const pending = pods.filter(isUnscheduled);
  if (pending.length > data.pendingPodsAtStart) {
    problems.push(
      `${pending.length} pods cannot be scheduled (${data.pendingPodsAtStart} at the start): ${pending
        .slice(0, 5)
        .map((p) => `${p.namespace}/${p.name}`)
        .join(", ")}`,
    );
  }
  if (problems.length === 0) {
    await observeBatch(deps, state, pods);
    return { done: true, failed: false, attempts };
  }
  if (deps.clock.now().getTime() < Date.parse(deadline)) {
    return { done: false, failed: false, attempts, deadline, reason: problems.join("; ") };
  }
  return {
    done: false,
    failed: true,
    attempts,
    reason: `validation after batch ${(state.batch?.index ?? 0) + 1} failed for ${VALIDATE_TIMEOUT_SECONDS} s: ${problems.join("; ")}`,
  };
}

/**
 * A validated batch: its whole duration (selected → validated) and how long the pods it moved took to
 * start again (created → Ready, the median of the batch's rescheduled pods).
 */
async function observeBatch(deps: Deps, state: RollState, pods: KubePod[]): Promise<void> {
  const { input, run, batch } = state;
  if (!batch) return;
  const stored = await deps.state.getItem<StoredBatch>(run.runId, batchKey(batch.index));
  if (!stored || stored.terminated.length === 0) return;
  const startedAt = Date.parse(stored.startedAt);
  const starts = pods
    .filter((p) => p.ready && p.readySince && p.createdAt.getTime() >= startedAt && isDrainable(p))
    .map((p) => ((p.readySince as Date).getTime() - p.createdAt.getTime()) / 1000)
    .sort((a, b) => a - b);
  const what = `batch-${stored.index}`;
  await recordObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }, [
    observation(deps, run.runId, what, "batch", (deps.clock.now().getTime() - startedAt) / 1000),
    ...(starts.length > 0 ? [observation(deps, run.runId, what, "pod-start", median(starts))] : []),
  ]);
}
