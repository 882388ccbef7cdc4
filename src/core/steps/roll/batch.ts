/**
 * One batch of a self-managed roll: choose victims from live state, surge their replacements, wait
 * until every AZ has the Ready capacity to lose them, then cordon.
 */

import { API_CONCURRENCY, mapPool } from "../../concurrency";
import { ReplacementNotReadyError } from "../../errors";
import { REPLACEMENT_READY } from "../../estimates/defaults";
import { nextLookSeconds } from "../../estimates/poll";
import { loadObservations, observation, recordObservations } from "../../estimates/record";
import { rollEstimates, rollExpectations } from "../../estimates/roll-estimates";
import type { KubePod } from "../../model/kube";
import type { Deps } from "../../ports";
import { recordSurge, rollJournal } from "../../replacement/journal";
import { chooseVictims } from "../../roll/choose-victims";
import { findOutdated, interleaveByZone } from "../../roll/outdated";
import { countByZone } from "../../roll/plan-roll";
import { readGroup, targetOptions } from "../../roll/read-group";
import type { GroupMember } from "../../roll/snapshot-types";
import { isLeaving } from "../../roll/snapshot-types";
import {
  type BatchCursor,
  batchKey,
  type DrainResult,
  loadRunData,
  type RollState,
  type StoredBatch,
  type SurgeResult,
  updateRunData,
} from "../../roll/state";
import { traceNodeAction } from "../../trace";

const seconds = (deps: Deps, s: number) => new Date(deps.clock.now().getTime() + s * 1000).toISOString();

/**
 * Re-validate before destroying: victims are chosen from a fresh read, not from the plan, so a node
 * replaced by someone else, or a replacement left over by a crashed run, is accounted for.
 */
export async function selectBatch(deps: Deps, state: RollState): Promise<BatchCursor> {
  const { input, run } = state;
  const index = (state.batch?.index ?? -1) + 1;
  const lock = await deps.state.getLock(input.cluster);
  // A child roll honours an abort of the upgrade whose lock it works under.
  const owner = input.parentExecutionId ?? run.executionId;
  if (lock?.abortRequested && lock.owner === owner) {
    deps.log.warn("abort requested: stopping between batches", { runId: run.runId, by: lock.abortRequestedBy });
    return { index, finished: false, aborted: true, size: 0, byZone: {} };
  }
  const data = (await loadRunData(deps, run.runId)).data;
  const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, {
    ...targetOptions(input),
    resolved: { asgName: data.asgName, mode: data.mode },
  });
  const outdated = interleaveByZone(findOutdated(snapshot.members, snapshot.target));
  if (outdated.length === 0) return { index, finished: true, aborted: false, size: 0, byZone: {} };

  const kube = await deps.kube(input.cluster);
  const [pods, pdbs, observations] = await Promise.all([
    kube.listPods(),
    kube.listPdbs(),
    loadObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }),
  ]);
  const podsByNode = new Map<string, KubePod[]>();
  for (const pod of pods) {
    if (!pod.nodeName) continue;
    const list = podsByNode.get(pod.nodeName) ?? [];
    list.push(pod);
    podsByNode.set(pod.nodeName, list);
  }
  // Same AZ mix as the plan: choose within each AZ's share so batches stay AZ-uniform.
  const chosen = chooseVictims(outdated, countByZone(outdated.slice(0, data.surge)), podsByNode, pdbs);
  const victims = interleaveByZone(chosen).map((m) => ({
    instanceId: m.instanceId,
    availabilityZone: m.availabilityZone,
    ...(m.nodeName ? { nodeName: m.nodeName } : {}),
    reasons: m.reasons,
  }));
  const batch: StoredBatch = {
    index,
    victims,
    byZone: countByZone(victims),
    cordoned: [],
    terminated: [],
    startedAt: deps.clock.now().toISOString(),
  };
  await deps.state.putItem(run.runId, batchKey(index), batch);
  await updateRunData(deps, run.runId, (d) => {
    d.batchesStarted = Math.max(d.batchesStarted, index + 1);
  });
  return {
    index,
    finished: false,
    aborted: false,
    size: victims.length,
    byZone: batch.byZone,
    readyDeadline: seconds(deps, input.readyTimeoutSeconds),
    // Earlier batches of this run count: a first roll polls its second batch with what its first saw.
    expectations: rollExpectations(rollEstimates(observations)),
  };
}

/** Raises desired capacity so that one replacement per victim is on its way (surge first). */
export async function surgeBatch(deps: Deps, state: RollState): Promise<SurgeResult> {
  const { run, batch } = state;
  if (!batch) throw new Error("surge without a batch");
  const data = (await loadRunData(deps, run.runId)).data;
  const group = await deps.autoScaling.describeGroup(data.asgName);
  if (!group) throw new Error(`Auto Scaling group ${data.asgName} disappeared`);
  // Replacements already running (a previous batch's spares, a crashed run's surge) count toward this one.
  const target = data.original.desiredCapacity + batch.size;
  const at = deps.clock.now().toISOString();
  await recordSurge(rollJournal(deps, state), group, data.original);
  if (group.desiredCapacity >= target) return { desiredCapacity: group.desiredCapacity, launched: 0, at };
  if (target > group.maxSize) await deps.autoScaling.updateSizes(data.asgName, { maxSize: target });
  await deps.autoScaling.updateSizes(data.asgName, { desiredCapacity: target });
  deps.log.info(`surged ${data.asgName} to ${target}`, { runId: run.runId, batch: batch.index });
  return { desiredCapacity: target, launched: target - group.desiredCapacity, at };
}

/**
 * Done when, in every AZ of the batch, the Ready schedulable nodes minus the victims still cover the
 * AZ's capacity at the start (safety invariants 3 and 4). Short past the batch's deadline (an instance
 * that never joins, a launch that fails): ReplacementNotReadyError.
 */
export async function checkReplacements(deps: Deps, state: RollState): Promise<NonNullable<RollState["ready"]>> {
  const { input, run, batch } = state;
  if (!batch) throw new Error("readiness check without a batch");
  const attempts = (state.ready?.done === false ? state.ready.attempts : 0) + 1;
  const data = (await loadRunData(deps, run.runId)).data;
  const stored = await deps.state.getItem<StoredBatch>(run.runId, batchKey(batch.index));
  const victimIds = new Set(stored?.victims.map((v) => v.instanceId));
  const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, {
    resolved: { asgName: data.asgName, mode: data.mode },
    withTarget: false,
  });
  const live = snapshot.members.filter((m) => !isLeaving(m));

  const shortfalls: string[] = [];
  for (const [zone, victims] of Object.entries(batch.byZone)) {
    const ready = live.filter((m) => m.availabilityZone === zone && m.nodeReady && !m.unschedulable).length;
    const victimsUp = live.filter(
      (m) => m.availabilityZone === zone && victimIds.has(m.instanceId) && m.nodeReady && !m.unschedulable,
    ).length;
    const need = data.baselineByZone[zone] ?? 0;
    if (ready - victimsUp < need) {
      shortfalls.push(
        `${zone} has ${ready - victimsUp} Ready nodes besides its ${victims} in the batch, needs ${need}`,
      );
    }
  }
  if (shortfalls.length === 0) {
    await observeReplacements(deps, state, live, victimIds);
    return { done: true, failed: false, attempts, retryInSeconds: 0 };
  }

  // Every launched replacement is up, yet an AZ is short: Auto Scaling balanced the launches its own way
  // (uneven AZs, ties). Match the batch to where the capacity landed, as kOps does; if no outdated node
  // sits where it landed, ask for one more replacement and let Auto Scaling's balancing reach the AZ.
  const allLaunched = live.length >= snapshot.asg.desiredCapacity;
  if (stored && allLaunched && live.every((m) => m.nodeReady)) {
    const matched = await matchVictimsToCapacity(deps, state, stored, data.baselineByZone, live);
    if (matched.length > 0) {
      stored.victims = matched;
      stored.byZone = countByZone(matched);
      await deps.state.putItem(run.runId, batchKey(stored.index), stored);
      deps.log.info(
        `batch ${stored.index + 1} matched to where the replacements landed: ${JSON.stringify(stored.byZone)}`,
        {
          runId: run.runId,
        },
      );
      await observeReplacements(deps, state, live, victimIds);
      return { done: true, failed: false, attempts, retryInSeconds: 0 };
    }
    const group = await deps.autoScaling.describeGroup(data.asgName);
    if (group) {
      const desiredCapacity = group.desiredCapacity + 1;
      if (desiredCapacity > group.maxSize)
        await deps.autoScaling.updateSizes(data.asgName, { maxSize: desiredCapacity });
      await deps.autoScaling.updateSizes(data.asgName, { desiredCapacity });
      deps.log.info(
        `no outdated node where the replacements landed: one more replacement (desired ${desiredCapacity})`,
        {
          runId: run.runId,
        },
      );
    }
  }

  const deadline = batch.readyDeadline ? Date.parse(batch.readyDeadline) : Number.POSITIVE_INFINITY;
  if (deps.clock.now().getTime() < deadline) {
    return { done: false, failed: false, attempts, retryInSeconds: readyPoll(state, deps.clock.now().getTime()) };
  }
  const stray = live.filter((m) => !victimIds.has(m.instanceId) && !m.nodeName).map((m) => m.instanceId);
  const strayText =
    stray.length > 0
      ? `; instance${stray.length > 1 ? "s" : ""} ${stray.join(", ")} launched but never joined the cluster (no Node with their providerID or private DNS name): check the AMI, user data, the node IAM role and the aws-auth/access entries`
      : "; no replacement was launched: check the group's scaling activities for launch failures (capacity, quotas, subnets)";
  // The cleanup terminates what never joined: the batch record carries it past the error.
  if (stored && stray.length > 0) {
    stored.strayInstances = stray;
    await deps.state.putItem(run.runId, batchKey(stored.index), stored);
  }
  throw new ReplacementNotReadyError(
    `replacements for batch ${batch.index + 1} not Ready after ${input.readyTimeoutSeconds} s: ${shortfalls.join("; ")}${strayText}`,
  );
}

/**
 * Victims that fit the capacity each AZ has beyond its starting count: the batch's own victims first,
 * then other outdated nodes of AZs where replacements landed, in deterministic order.
 */
async function matchVictimsToCapacity(
  deps: Deps,
  state: RollState,
  stored: StoredBatch,
  baselineByZone: Record<string, number>,
  live: GroupMember[],
): Promise<StoredBatch["victims"]> {
  const { input } = state;
  const data = (await loadRunData(deps, state.run.runId)).data;
  const snapshot = await readGroup(deps, input.cluster, input.nodeGroup, {
    ...targetOptions(input),
    resolved: { asgName: data.asgName, mode: data.mode },
  });
  const outdated = findOutdated(snapshot.members, snapshot.target).filter((m) => m.nodeReady && !m.unschedulable);
  const current = new Set(stored.victims.map((v) => v.instanceId));
  const matched: StoredBatch["victims"] = [];
  for (const zone of [...new Set(live.map((m) => m.availabilityZone))].sort()) {
    const ready = live.filter((m) => m.availabilityZone === zone && m.nodeReady && !m.unschedulable).length;
    let room = ready - (baselineByZone[zone] ?? 0);
    const inZone = outdated
      .filter((m) => m.availabilityZone === zone)
      .sort(
        (a, b) =>
          Number(current.has(b.instanceId)) - Number(current.has(a.instanceId)) ||
          a.instanceId.localeCompare(b.instanceId),
      );
    for (const m of inZone) {
      if (room <= 0 || matched.length >= data.surge) break;
      matched.push({
        instanceId: m.instanceId,
        availabilityZone: m.availabilityZone,
        ...(m.nodeName ? { nodeName: m.nodeName } : {}),
        reasons: m.reasons,
      });
      room--;
    }
  }
  return matched;
}

/**
 * When to look again: first when this group's history (or the published default) expects the
 * replacements Ready, evenly until they are late by its p90, then backing off ×1.5 up to 30 s
 * (core/estimates/poll.ts). The state carries the expectation from the plan; nothing else tells the
 * step how long a boot takes.
 */
export function readyPoll(state: RollState, nowMs: number): number {
  const surgedAt = state.surge ? Date.parse(state.surge.at) : nowMs;
  const expectations = state.batch?.expectations ?? state.plan?.expectations;
  return nextLookSeconds({
    elapsedSeconds: (nowMs - surgedAt) / 1000,
    expectedSeconds: expectations?.replacementReadySeconds ?? REPLACEMENT_READY.median,
    slowSeconds: expectations?.replacementReadySlowSeconds ?? REPLACEMENT_READY.p90,
  });
}

/**
 * Surge → the last of this batch's replacements Ready, from the Ready condition's transition time as
 * the API server reports it: what the batch waited for, whenever the step happened to look.
 */
async function observeReplacements(
  deps: Deps,
  state: RollState,
  live: GroupMember[],
  victimIds: Set<string>,
): Promise<void> {
  const { surge, batch, run, input } = state;
  if (!surge || !batch || surge.launched === 0) return;
  const surgedAt = Date.parse(surge.at);
  const readyTimes = live
    .filter((m) => !victimIds.has(m.instanceId) && m.nodeReadySince !== undefined)
    .map((m) => Date.parse(m.nodeReadySince as string))
    .filter((at) => at >= surgedAt);
  if (readyTimes.length === 0) return;
  const seconds = (Math.max(...readyTimes) - surgedAt) / 1000;
  await recordObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }, [
    observation(deps, run.runId, `batch-${batch.index}`, "replacement-ready", seconds),
  ]);
}

/** Cordons the batch and starts its drain clock. */
export async function cordonBatch(deps: Deps, state: RollState): Promise<DrainResult> {
  const { input, run, batch } = state;
  if (!batch) throw new Error("cordon without a batch");
  const stored = await deps.state.getItem<StoredBatch>(run.runId, batchKey(batch.index));
  if (!stored) throw new Error(`batch ${batch.index} of run ${run.runId} is not in the store`);
  const kube = await deps.kube(input.cluster);
  const nodes = stored.victims.flatMap((v) => (v.nodeName ? [{ node: v.nodeName, instanceId: v.instanceId }] : []));
  await rollJournal(deps, state).record({ id: `batch-${batch.index}/cordon`, kind: "cordon", nodes });
  const changes = await mapPool(stored.victims, API_CONCURRENCY, async (victim) => {
    if (!victim.nodeName) return "not-found";
    const change = await kube.setUnschedulable(victim.nodeName, true);
    if (change === "changed") {
      await traceNodeAction(deps.log, kube, {
        runId: run.runId,
        node: victim.nodeName,
        instanceId: victim.instanceId,
        action: "cordon",
        reason: `cordoned ${victim.nodeName} for replacement: ${victim.reasons.join(", ")}`,
      });
    }
    return change;
  });
  stored.victims.forEach((victim, i) => {
    if (victim.nodeName && changes[i] !== "not-found" && !stored.cordoned.includes(victim.nodeName)) {
      stored.cordoned.push(victim.nodeName);
    }
  });
  await deps.state.putItem(run.runId, batchKey(batch.index), stored);
  return {
    done: false,
    failed: false,
    attempts: 0,
    deadline: seconds(deps, input.drainTimeoutSeconds),
    startedAt: deps.clock.now().toISOString(),
    remainingPods: -1,
    blocked: [],
    retryInSeconds: 2,
  };
}
