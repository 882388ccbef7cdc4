/**
 * The waves of a pipelined roll (core/roll/pipeline.ts): the nodes cordoned together in one tick, drained
 * look by look and terminated once empty. Advance roll moves the due ones and starts at most one a tick.
 */
import { API_CONCURRENCY, mapPool } from "../../concurrency";
import type { RollExpectations } from "../../estimates/roll-estimates";
import type { KubePod } from "../../model/kube";
import type { Deps, KubePort } from "../../ports";
import { chooseVictims } from "../../roll/choose-victims";
import { interleaveByZone, type OutdatedMember } from "../../roll/outdated";
import { type PipelineWave, type StoredPipeline, waveProgress } from "../../roll/pipeline";
import { countByZone } from "../../roll/plan-roll";
import {
  type BatchCursor,
  batchKey,
  type DrainResult,
  type RollState,
  type StoredBatch,
  type WaveProgress,
} from "../../roll/state";
import { cordonBatch } from "./batch";
import { drainWaves, stillThere, type TickShared, terminateWaves } from "./drain";

const iso = (ms: number) => new Date(ms).toISOString();

const cursor = (index: number, expectations?: RollExpectations): BatchCursor => ({
  index,
  finished: false,
  aborted: false,
  size: 0,
  byZone: {},
  ...(expectations ? { expectations } : {}),
});

/**
 * Every wave whose look is due: one drain pass; the drained waves are terminated together and leave
 * the pipeline.
 */
export async function moveWaves(
  deps: Deps,
  state: RollState,
  pipeline: StoredPipeline,
  expectations: RollExpectations | undefined,
  nowMs: number,
  terminated: WaveProgress[],
  shared: TickShared,
): Promise<void> {
  const sub = (wave: PipelineWave): RollState => ({
    ...state,
    batch: cursor(wave.index, expectations),
    drain: wave.drain,
  });
  // A wave a budget refused looks again on every tick, before any younger wave: budgets free a slot at
  // a time, and a wave backing off would see younger waves, looking more often, take every slot until
  // its drain deadline passed.
  const due = pipeline.waves.filter((wave) => Date.parse(wave.nextAt) <= nowMs || wave.drain.blocked.length > 0);
  for (const wave of due) if (wave.nodes) shared.waveNodes.set(wave.index, wave.nodes);
  // One pass over every due wave, oldest first: an older wave asks the budgets before a younger one.
  const draining = due.filter((wave) => !wave.drain.done);
  const results = await drainWaves(deps, draining.map(sub), shared);
  draining.forEach((wave, i) => {
    const before = wave.drain.remainingPods;
    wave.drain = results[i] as DrainResult;
    if (wave.drain.remainingPods !== before) pipeline.lastProgressAt = iso(nowMs);
    if (!wave.drain.done) wave.nextAt = iso(nowMs + wave.drain.retryInSeconds * 1000);
  });
  // Every empty node of the due waves goes; a wave whose victims are all gone leaves the pipeline. A
  // wave that cannot be terminated stops the tick before any is (the restore then uncordons them).
  const replacedBefore = shared.tally.nodesReplaced;
  const gone = await terminateWaves(deps, due.map(sub), shared);
  if (shared.tally.nodesReplaced > replacedBefore) pipeline.lastProgressAt = iso(nowMs);
  for (const wave of due) {
    if (gone.has(wave.index)) terminated.push(waveProgress(wave, true));
    else keepNodes(wave, shared);
  }
  pipeline.waves = pipeline.waves.filter((wave) => !gone.has(wave.index));
}

/** The wave's nodes still to drain and terminate, for the next tick's pass. */
function keepNodes(wave: PipelineWave, shared: TickShared): void {
  const batch = shared.batches.get(wave.index);
  const nodes = wave.nodes ?? (batch ? stillThere(batch) : undefined);
  if (nodes) wave.nodes = nodes.filter((node) => !shared.terminatedNodes.has(node));
  for (const zone of shared.terminatedZones.get(wave.index) ?? []) {
    wave.goneByZone = { ...wave.goneByZone, [zone]: (wave.goneByZone?.[zone] ?? 0) + 1 };
  }
}

/**
 * PDB-aware choice within each AZ's room (core/roll/choose-victims), from the pods on the candidates.
 * `waiting`: pods a budget refused this tick, which still wait on cordoned nodes.
 */
export async function choose(
  kube: KubePort,
  candidates: OutdatedMember[],
  room: Record<string, number>,
  waiting: KubePod[] = [],
): Promise<OutdatedMember[]> {
  // Twice the room per AZ is enough to pick around a budget; listing more costs calls for nothing.
  const considered: OutdatedMember[] = [];
  const seen: Record<string, number> = {};
  for (const m of candidates) {
    const limit = 2 * (room[m.availabilityZone] ?? 0);
    if ((seen[m.availabilityZone] ?? 0) >= limit) continue;
    seen[m.availabilityZone] = (seen[m.availabilityZone] ?? 0) + 1;
    considered.push(m);
  }
  if (considered.length === 0) return [];
  const [lists, pdbs] = await Promise.all([
    mapPool(considered, API_CONCURRENCY, (m) => kube.listPods({ nodeName: m.nodeName as string })),
    kube.listPdbs(),
  ]);
  const podsByNode = new Map<string, KubePod[]>();
  considered.forEach((m, i) => {
    podsByNode.set(m.nodeName as string, lists[i] ?? []);
  });
  return chooseVictims(considered, room, podsByNode, pdbs, waiting);
}

/** Records the wave, cordons it and makes its first drain pass at once. */
export async function startWave(
  deps: Deps,
  state: RollState,
  pipeline: StoredPipeline,
  chosen: OutdatedMember[],
  expectations: RollExpectations | undefined,
  nowMs: number,
  terminated: WaveProgress[],
  shared: TickShared,
): Promise<void> {
  const { run } = state;
  const index = pipeline.nextIndex++;
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
    startedAt: iso(nowMs),
  };
  await deps.state.putItem(run.runId, batchKey(index), batch);
  shared.batches.set(index, batch);
  shared.data.batchesStarted = Math.max(shared.data.batchesStarted, index + 1);
  const sub: RollState = { ...state, batch: cursor(index, expectations) };
  const cordoned = await cordonBatch(deps, sub, shared.journal, shared.batches);
  const nodes = [...batch.cordoned];
  shared.waveNodes.set(index, nodes);
  const [drain] = (await drainWaves(deps, [{ ...sub, drain: cordoned }], shared)) as [DrainResult];
  pipeline.lastProgressAt = iso(nowMs);
  const wave: PipelineWave = {
    index,
    victims: victims.map((v) => v.instanceId),
    byZone: batch.byZone,
    drain,
    nextAt: iso(nowMs + drain.retryInSeconds * 1000),
    nodes,
  };
  if ((await terminateWaves(deps, [{ ...sub, drain }], shared)).has(index)) {
    terminated.push(waveProgress(wave, true));
    return;
  }
  keepNodes(wave, shared);
  pipeline.waves.push(wave);
}
