/**
 * One tick of a pipelined self-managed roll (core/roll/pipeline.ts): look at the group, move every
 * drain along, terminate what has drained, keep the surge in flight, and cordon outdated nodes
 * wherever a replacement has turned Ready. The workflow loops on this step with a Wait whose length
 * the step chooses. Drains, terminations and cordons go through the same functions as a batch.
 */

import { ReplacementNotReadyError } from "../../errors";
import { REPLACEMENT_READY } from "../../estimates/defaults";
import { median } from "../../estimates/estimate";
import { nextLookSeconds } from "../../estimates/poll";
import { loadObservations, observation, recordObservations } from "../../estimates/record";
import { type RollExpectations, rollEstimates, rollExpectations } from "../../estimates/roll-estimates";
import type { RunRecord } from "../../model/state";
import type { Deps } from "../../ports";
import { rollJournal } from "../../replacement/journal";
import { findOutdated, interleaveByZone } from "../../roll/outdated";
import {
  emptyPipeline,
  launchZones,
  minTickSeconds,
  PIPELINE_KEY,
  roomByZone,
  type StoredPipeline,
  surgeTarget,
  waveProgress,
  zoneViews,
} from "../../roll/pipeline";
import { isDrainable } from "../../roll/pods";
import { readGroup, targetOptions } from "../../roll/read-group";
import { type GroupSnapshot, isLeaving } from "../../roll/snapshot-types";
import { batchKey, type PipelineTick, type RollRunData, type RollState, type WaveProgress } from "../../roll/state";
import { emptyTally, type TickShared } from "./drain";
import { choose, moveWaves, startWave } from "./waves";

const iso = (ms: number) => new Date(ms).toISOString();

export async function loadPipeline(deps: Pick<Deps, "state">, runId: string): Promise<StoredPipeline | undefined> {
  return deps.state.getItem<StoredPipeline>(runId, PIPELINE_KEY);
}

export async function advanceRoll(deps: Deps, state: RollState): Promise<PipelineTick> {
  const { input, run } = state;
  const nowMs = deps.clock.now().getTime();
  // Each tick's store reads and writes are on the path of every replacement: independent ones overlap
  // (and travel as one batch). Most ticks record in the journal, so its head comes with them.
  const journal = rollJournal(deps, state);
  const [record, stored, lock] = await Promise.all([
    deps.state.getRun(run.runId),
    loadPipeline(deps, run.runId),
    deps.state.getLock(input.cluster),
    journal.preload(),
  ]);
  if (!record) throw new Error(`run ${run.runId} has no record in the store`);
  const data = record.data as unknown as RollRunData;
  const pipeline = stored ?? emptyPipeline(iso(nowMs));
  pipeline.ticks++;
  // Waves drained and terminated in this tick: they leave the pipeline, but the report reads them here.
  const terminated: WaveProgress[] = [];

  // A child roll honours an abort of the upgrade whose lock it works under; drains in flight stop and
  // the restore step uncordons their nodes.
  const owner = input.parentExecutionId ?? run.executionId;
  if (lock?.abortRequested && lock.owner === owner) {
    deps.log.warn("abort requested: stopping the roll", { runId: run.runId, by: lock.abortRequestedBy });
    await deps.state.putItem(run.runId, PIPELINE_KEY, pipeline);
    return tick(pipeline, terminated, { finished: false, aborted: true, retryInSeconds: 0, remaining: -1 });
  }

  const kube = await deps.kube(input.cluster);
  const expectations = state.pipeline?.expectations ?? state.plan?.expectations;
  const groupRead = { asgName: data.asgName, mode: data.mode };
  const batchesBefore = data.batchesStarted;
  // The pipeline and the tick's counters, written together once per tick, on every way out.
  // The batches the waves changed and the observations they made go with them; the journal entries the
  // tick made final are settled after the batches that say so are written.
  const persist = async () => {
    await Promise.all([
      deps.state.putItem(run.runId, PIPELINE_KEY, pipeline),
      saveTally(deps, record, shared.tally, batchesBefore),
      ...[...shared.changedBatches].map((index) =>
        deps.state.putItem(run.runId, batchKey(index), shared.batches.get(index)),
      ),
      recordObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }, shared.observations),
    ]);
    if (shared.settled.length > 0) await shared.journal.settle(...shared.settled);
  };
  // One read of the group per tick (a 5,000-node group lists 5,000 nodes): it judges the tick's
  // terminations, and what they change (members leaving, desired capacity decremented) is applied to it
  // before the tick plans.
  let read: Promise<GroupSnapshot> | undefined;
  const shared: TickShared = {
    data,
    snapshot: () => {
      read ??= readGroup(deps, input.cluster, input.nodeGroup, { ...targetOptions(input), resolved: groupRead });
      return read;
    },
    tally: emptyTally(),
    terminatedIds: [],
    journal,
    batches: new Map(),
    changedBatches: new Set(),
    observations: [],
    settled: [],
    podsByNode: new Map(),
    refused: [],
    waveNodes: new Map(),
    terminatedNodes: new Set(),
    terminatedZones: new Map(),
  };
  try {
    const snapshot = await shared.snapshot();
    await moveWaves(deps, state, pipeline, expectations, nowMs, terminated, shared);
    applyTerminations(snapshot, shared.terminatedIds);
    const live = snapshot.members.filter((m) => !isLeaving(m));
    const outdated = findOutdated(live, snapshot.target);
    const outdatedIds = new Set(outdated.map((m) => m.instanceId));
    const inWaves = new Set(pipeline.waves.flatMap((w) => w.victims));
    const readyNewByZone: Record<string, number> = {};
    for (const m of live) {
      if (m.nodeReady && !outdatedIds.has(m.instanceId))
        readyNewByZone[m.availabilityZone] = (readyNewByZone[m.availabilityZone] ?? 0) + 1;
    }
    if (outdated.length === 0 && pipeline.waves.length === 0) {
      await observeRoll(deps, state, data, pipeline, nowMs);
      await persist();
      return tick(pipeline, terminated, {
        finished: true,
        aborted: false,
        retryInSeconds: 0,
        remaining: 0,
        readyNewByZone,
      });
    }

    trackJoining(pipeline, live, outdatedIds, nowMs);
    const neverJoined = Object.entries(pipeline.joining).filter(
      ([, since]) => nowMs - Date.parse(since) >= input.readyTimeoutSeconds * 1000,
    );
    if (neverJoined.length > 0) {
      const ids = neverJoined.map(([id]) => id);
      const withNode = new Set(live.filter((m) => m.nodeName).map((m) => m.instanceId));
      const joinedNotReady = ids.filter((id) => withNode.has(id));
      const absent = ids.filter((id) => !withNode.has(id));
      pipeline.strayInstances = absent;
      const parts: string[] = [];
      if (absent.length > 0)
        parts.push(
          `instance${absent.length > 1 ? "s" : ""} ${absent.join(", ")} launched but never joined the cluster (no Node with their providerID or private DNS name): check the AMI, user data, the node IAM role and the aws-auth/access entries`,
        );
      if (joinedNotReady.length > 0)
        parts.push(
          `instance${joinedNotReady.length > 1 ? "s" : ""} ${joinedNotReady.join(", ")} joined but never turned Ready`,
        );
      throw new ReplacementNotReadyError(
        `replacements not Ready after ${input.readyTimeoutSeconds} s: ${parts.join("; ")}`,
      );
    }

    const views = zoneViews(live, outdatedIds, inWaves, data.baselineByZone);
    await keepSurgeInFlight(
      deps,
      state,
      data,
      snapshot.asg.desiredCapacity,
      snapshot.asg.maxSize,
      outdated.length,
      views,
      pipeline,
      nowMs,
    );

    const room = roomByZone(views);
    const candidates = interleaveByZone(
      outdated.filter((m) => m.nodeName && m.nodeReady && !m.unschedulable && !inWaves.has(m.instanceId)),
    );
    let cordoned = 0;
    let waveExpectations = expectations;
    if (Object.values(room).some((n) => n > 0)) {
      const chosen = await choose(kube, candidates, room, shared.refused);
      if (chosen.length > 0) {
        const observations = await loadObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup });
        waveExpectations = rollExpectations(rollEstimates(observations));
        await recordReadiness(deps, state, pipeline);
        await startWave(deps, state, pipeline, chosen, waveExpectations, nowMs, terminated, shared);
        cordoned = chosen.length;
      }
    }
    if (cordoned === 0) diagnoseStall(deps, state, pipeline, views, nowMs);

    await persist();
    return tick(pipeline, terminated, {
      finished: false,
      aborted: false,
      retryInSeconds: nextTickSeconds(pipeline, waveExpectations, nowMs, snapshot.members.length),
      remaining: outdated.length,
      readyNewByZone,
      ...(waveExpectations ? { expectations: waveExpectations } : {}),
    });
  } catch (err) {
    // What moved before the error (terminations, strays) must reach the restore step.
    await persist();
    throw err;
  }
}

/** TerminateInstanceInAutoScalingGroup with decrement: the member is Terminating, desired one lower. */
function applyTerminations(snapshot: GroupSnapshot, instanceIds: string[]): void {
  const gone = new Set(instanceIds);
  for (const member of snapshot.members) if (gone.has(member.instanceId)) member.lifecycleState = "Terminating";
  snapshot.asg.desiredCapacity -= gone.size;
}

/** The tick's counters, in one write of the run record it read at its start (no other step runs meanwhile). */
async function saveTally(
  deps: Deps,
  record: RunRecord,
  tally: RollRunData["counters"],
  batchesBefore: number,
): Promise<void> {
  const data = record.data as unknown as RollRunData;
  const added = Object.entries(tally).filter(([, n]) => n !== 0);
  if (added.length === 0 && data.batchesStarted === batchesBefore) return;
  for (const [name, n] of added) data.counters[name as keyof RollRunData["counters"]] += n;
  record.updatedAt = deps.clock.now().toISOString();
  await deps.state.putRun(record);
}

/**
 * The whole pipeline, as the time a batch of `surge` nodes took on average: what the next roll's plan
 * multiplies by its number of batches (core/roll/plan-roll.ts) to predict its duration.
 */
async function observeRoll(
  deps: Deps,
  state: RollState,
  data: RollRunData,
  pipeline: StoredPipeline,
  nowMs: number,
): Promise<void> {
  const replaced = data.counters.nodesReplaced;
  if (replaced === 0 || !pipeline.startedAt) return;
  const startedAt = Date.parse(pipeline.startedAt);
  const perBatch = (((nowMs - startedAt) / 1000) * Math.min(data.surge, replaced)) / replaced;
  // How long the pods the roll moved took to start again (created → Ready): the drain's poll rhythm.
  const kube = await deps.kube(state.input.cluster);
  const starts = (await kube.listPods())
    .filter((p) => p.ready && p.readySince && p.createdAt.getTime() >= startedAt && isDrainable(p))
    .map((p) => ((p.readySince as Date).getTime() - p.createdAt.getTime()) / 1000);
  await recordObservations(deps, { cluster: state.input.cluster, nodeGroup: state.input.nodeGroup }, [
    observation(deps, state.run.runId, "pipeline", "batch", perBatch),
    ...(starts.length > 0 ? [observation(deps, state.run.runId, "pipeline", "pod-start", median(starts))] : []),
  ]);
}

function tick(
  pipeline: StoredPipeline,
  terminated: WaveProgress[],
  fields: Omit<PipelineTick, "ticks" | "draining" | "joining" | "waves" | "launchedByZone">,
): PipelineTick {
  return {
    ...fields,
    ticks: pipeline.ticks,
    draining: pipeline.waves.reduce((n, w) => n + w.victims.length, 0),
    joining: Object.keys(pipeline.joining).length,
    waves: [...terminated, ...pipeline.waves.map((w) => waveProgress(w, false))].sort((a, b) => a.index - b.index),
    launchedByZone: { ...pipeline.launchedByZone },
  };
}

/** Replacements not yet Ready, and the surge → Ready time of those that turned Ready. */
function trackJoining(
  pipeline: StoredPipeline,
  live: { instanceId: string; nodeReady: boolean; nodeReadySince?: string }[],
  outdatedIds: Set<string>,
  nowMs: number,
): void {
  const joining: Record<string, string> = {};
  const readySince: number[] = [];
  for (const m of live) {
    if (outdatedIds.has(m.instanceId)) continue;
    if (!m.nodeReady) joining[m.instanceId] = pipeline.joining[m.instanceId] ?? iso(nowMs);
    else if (pipeline.joining[m.instanceId] !== undefined)
      readySince.push(m.nodeReadySince ? Date.parse(m.nodeReadySince) : nowMs);
  }
  // Replacements turn Ready in about the order they were asked for: pair them oldest first.
  for (const at of readySince.sort((a, b) => a - b)) {
    const asked = pipeline.requestedAt.shift();
    if (asked !== undefined) pipeline.readySeconds.push(Math.max(0, (at - Date.parse(asked)) / 1000));
  }
  pipeline.joining = joining;
  if (readySince.length > 0) pipeline.lastProgressAt = iso(nowMs);
}

/**
 * Keeps the surge in flight: launches (LaunchInstances, one call per AZ) until the group holds the
 * start's desired capacity plus the surge (terminations decrement it), each replacement in the AZ whose
 * outdated nodes lack it most. Auto Scaling's own balancing would put them in the AZ with the fewest
 * instances, which on an uneven group is not where the outdated nodes are.
 */
async function keepSurgeInFlight(
  deps: Deps,
  state: RollState,
  data: RollRunData,
  desired: number,
  maxSize: number,
  outdatedRemaining: number,
  views: ReturnType<typeof zoneViews>,
  pipeline: StoredPipeline,
  nowMs: number,
): Promise<void> {
  // A rerun after a crash starts with the dead run's Ready replacements: they count in its floors, so the
  // surge is measured from the floors when they add up to more than the group's original size.
  const floors = Object.values(data.baselineByZone).reduce((a, b) => a + b, 0);
  const target = surgeTarget(Math.max(data.original.desiredCapacity, floors), data.surge, outdatedRemaining);
  if (desired >= target) return;
  // Launch only what the outdated nodes still lack: at the tail, fewer replacements than the surge.
  const byZone = launchZones(views, target - desired);
  const wanted = Object.values(byZone).reduce((a, b) => a + b, 0);
  if (wanted === 0) return;
  if (desired + wanted > maxSize) await deps.autoScaling.updateSizes(data.asgName, { maxSize: desired + wanted });
  for (const [zone, count] of Object.entries(byZone).sort(([a], [b]) => a.localeCompare(b))) {
    for (let sent = 0; sent < count; sent += LAUNCH_LIMIT) {
      const n = Math.min(LAUNCH_LIMIT, count - sent);
      // Same tick, same zone, same slice: a retried step repeats the token and launches nothing twice.
      const clientToken = `${state.run.runId.slice(-40)}-${pipeline.ticks}-${zone.slice(-3)}-${sent}`;
      const out = await deps.autoScaling.launchInstances(data.asgName, {
        availabilityZone: zone,
        count: n,
        clientToken,
      });
      for (const _ of out.instanceIds) pipeline.requestedAt.push(iso(nowMs));
      pipeline.launchedByZone[zone] = (pipeline.launchedByZone[zone] ?? 0) + out.instanceIds.length;
      if (out.errors.length > 0) deps.log.warn(`launch into ${zone} fell short`, { errors: out.errors });
    }
  }
}

/** LaunchInstances launches at most 100 instances per call. */
const LAUNCH_LIMIT = 100;

async function recordReadiness(deps: Deps, state: RollState, pipeline: StoredPipeline): Promise<void> {
  if (pipeline.readySeconds.length === 0) return;
  const { input, run } = state;
  await recordObservations(deps, { cluster: input.cluster, nodeGroup: input.nodeGroup }, [
    observation(deps, run.runId, `wave-${pipeline.nextIndex}`, "replacement-ready", median(pipeline.readySeconds)),
  ]);
  pipeline.readySeconds = [];
}

/**
 * Nothing cordoned this tick. When nothing is draining, nothing is joining and yet outdated nodes are
 * left, no replacement stands where an outdated node is and none could be launched there (launches
 * refused, a zone short of capacity). Past the ready timeout without progress that is a
 * ReplacementNotReadyError that says so (not an instance that never joined).
 */
function diagnoseStall(
  deps: Deps,
  state: RollState,
  pipeline: StoredPipeline,
  views: ReturnType<typeof zoneViews>,
  nowMs: number,
): void {
  if (pipeline.waves.length > 0 || Object.keys(pipeline.joining).length > 0) return;
  const stalledFor = (nowMs - Date.parse(pipeline.lastProgressAt)) / 1000;
  if (stalledFor < state.input.readyTimeoutSeconds) return;
  const zones = [...views]
    .map(
      ([zone, v]) =>
        `${zone}: ${v.ready} Ready (floor ${v.baseline}), ${v.outdatedLeft} outdated left, ${v.joining} joining`,
    )
    .join("; ");
  deps.log.warn("roll stalled: no Ready replacement where outdated nodes are", { zones });
  throw new ReplacementNotReadyError(
    `no progress for ${Math.round(stalledFor)} s: no replacement is joining and none stands in an AZ that still has outdated nodes (${zones}); check the group's scaling activities for launches refused in those AZs (capacity, quotas, subnets)`,
  );
}

/** The earliest due drain look, or the replacements' expected Ready time; bounded below by minTickSeconds. */
function nextTickSeconds(
  pipeline: StoredPipeline,
  expectations: RollExpectations | undefined,
  nowMs: number,
  groupNodes: number,
): number {
  const candidates: number[] = [];
  for (const wave of pipeline.waves) candidates.push((Date.parse(wave.nextAt) - nowMs) / 1000);
  const oldestAsk = pipeline.requestedAt[0];
  if (Object.keys(pipeline.joining).length > 0 || oldestAsk !== undefined) {
    const since = oldestAsk !== undefined ? Date.parse(oldestAsk) : nowMs;
    candidates.push(
      nextLookSeconds({
        elapsedSeconds: (nowMs - since) / 1000,
        expectedSeconds: expectations?.replacementReadySeconds ?? REPLACEMENT_READY.median,
        slowSeconds: expectations?.replacementReadySlowSeconds ?? REPLACEMENT_READY.p90,
      }),
    );
  }
  const soonest = candidates.length > 0 ? Math.min(...candidates) : 30;
  return Math.min(30, Math.max(minTickSeconds(pipeline.ticks, groupNodes), Math.ceil(soonest)));
}
