/**
 * Node-level pipelining of a self-managed roll (pure). Instead of batches that each wait for their
 * slowest replacement, the roll keeps `surge` extra instances in flight and, whenever an AZ holds more
 * Ready schedulable nodes than it had at the start, cordons that many outdated nodes of the AZ for
 * draining. The safety rules are the batch roll's, applied per node:
 * - surge first: no node is cordoned before the AZ has a Ready replacement for it;
 * - no AZ's Ready schedulable nodes ever drop below their count at the start (cordoning only the excess);
 * - never more than `surge` instances beyond the group's desired capacity at the start;
 * - evictions through the Eviction API only (the drain step), so every PDB holds.
 */

import type { GroupMember } from "./snapshot-types";
import type { DrainResult, WaveProgress } from "./state";

/** A set of nodes cordoned together, drained and terminated together (a "wave"). */
export interface PipelineWave {
  index: number;
  victims: string[];
  /** Nodes per AZ (absent in a pipeline stored before it was kept). */
  byZone?: Record<string, number>;
  drain: DrainResult;
  /** When the drain should be looked at again. */
  nextAt: string;
  /** Nodes still to drain and terminate (absent in a pipeline stored before it was kept: the batch says). */
  nodes?: string[];
  /**
   * Nodes already terminated, per AZ: a node goes as soon as it is empty, not with the slowest of its
   * wave, and the report draws each one's drain to its own end.
   */
  goneByZone?: Record<string, number>;
}

/** The roll's pipeline between ticks (kept in the store, not in the workflow state). */
export interface StoredPipeline {
  waves: PipelineWave[];
  nextIndex: number;
  /** Replacements launched and not yet a Ready node: instance → when this roll first saw it so. */
  joining: Record<string, string>;
  /** When each replacement asked for and not yet Ready was requested (oldest first). */
  requestedAt: string[];
  /** Surge → Ready seconds of replacements Ready since the last observation was recorded. */
  readySeconds: number[];
  lastProgressAt: string;
  /** The first tick: the pipeline's duration runs from here. */
  startedAt: string;
  ticks: number;
  /** Launched replacements that never joined: terminated by the restore step. */
  strayInstances?: string[];
  /** Launches requested per zone (counted in the summary notes). */
  launchedByZone: Record<string, number>;
}

export const PIPELINE_KEY = "pipeline";

/** At most this many budgets named per wave in a tick's output: the workflow state stays small. */
const BUDGETS_NAMED = 5;

/** The budget a refused eviction names ("… The disruption budget web-pdb needs 11 healthy pods …"), as "namespace/name". */
export function budgetOf(pod: string, message: string): string | undefined {
  const name = /disruption budget (\S+?)[.,]?\s/.exec(`${message} `)?.[1];
  if (!name) return undefined;
  const namespace = pod.includes("/") ? pod.split("/")[0] : undefined;
  return namespace ? `${namespace}/${name}` : name;
}

/** A wave as a tick reports it (the tick's output, hence the recorded history): counts and names, no pod lists. */
export function waveProgress(wave: PipelineWave, terminated: boolean): WaveProgress {
  const budgets = [
    ...new Set(wave.drain.blocked.map((b) => budgetOf(b.pod, b.message)).filter((p): p is string => !!p)),
  ].sort();
  return {
    index: wave.index,
    byZone: wave.byZone ?? {},
    remainingPods: wave.drain.remainingPods,
    attempts: wave.drain.attempts,
    terminated,
    ...(wave.goneByZone && Object.keys(wave.goneByZone).length > 0 ? { goneByZone: { ...wave.goneByZone } } : {}),
    blockedBy: budgets.slice(0, BUDGETS_NAMED),
    ...(wave.drain.blocked.length > 0 && budgets.length === 0 ? { blockedUnnamed: true } : {}),
  };
}

export function emptyPipeline(nowIso: string): StoredPipeline {
  return {
    waves: [],
    nextIndex: 0,
    joining: {},
    requestedAt: [],
    readySeconds: [],
    lastProgressAt: nowIso,
    startedAt: nowIso,
    ticks: 0,
    launchedByZone: {},
  };
}

export interface ZoneView {
  /** Ready, schedulable nodes now. */
  ready: number;
  /** Ready schedulable nodes at the start: the floor. */
  baseline: number;
  /** Launched replacements not yet Ready. */
  joining: number;
  /** Outdated nodes not yet cordoned by the roll. */
  outdatedLeft: number;
}

export function zoneViews(
  live: GroupMember[],
  outdatedIds: Set<string>,
  inWaves: Set<string>,
  baselineByZone: Record<string, number>,
): Map<string, ZoneView> {
  const views = new Map<string, ZoneView>();
  const view = (zone: string) => {
    let v = views.get(zone);
    if (!v) {
      v = { ready: 0, baseline: baselineByZone[zone] ?? 0, joining: 0, outdatedLeft: 0 };
      views.set(zone, v);
    }
    return v;
  };
  for (const zone of Object.keys(baselineByZone)) view(zone);
  for (const m of live) {
    const v = view(m.availabilityZone);
    if (m.nodeReady && !m.unschedulable) v.ready++;
    if (outdatedIds.has(m.instanceId)) {
      if (!inWaves.has(m.instanceId)) v.outdatedLeft++;
    } else if (!m.nodeReady) v.joining++;
  }
  return views;
}

/** Outdated nodes each AZ may cordon now: its Ready schedulable nodes beyond its floor. */
export function roomByZone(views: Map<string, ZoneView>): Record<string, number> {
  const room: Record<string, number> = {};
  for (const [zone, v] of views) room[zone] = Math.max(0, Math.min(v.outdatedLeft, v.ready - v.baseline));
  return room;
}

/** Desired capacity that keeps `surge` replacements in flight while outdated nodes remain. */
export function surgeTarget(originalDesired: number, surge: number, outdatedRemaining: number): number {
  return originalDesired + Math.min(surge, outdatedRemaining);
}

/**
 * Where `count` new replacements should go: one at a time to the AZ whose outdated nodes most lack
 * capacity beyond the floor (outdated left − excess Ready − replacements on their way), never to an AZ
 * with nothing left to replace. Fewer than `count` when every AZ is covered.
 */
export function launchZones(views: Map<string, ZoneView>, count: number): Record<string, number> {
  const lack = new Map<string, number>();
  for (const [zone, v] of views) {
    const covered = Math.max(0, v.ready - v.baseline) + v.joining;
    lack.set(zone, v.outdatedLeft - covered);
  }
  const out: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    let best: string | undefined;
    for (const [zone, l] of [...lack].sort(([a], [b]) => a.localeCompare(b))) {
      if (l <= 0) continue;
      if (best === undefined || l > (lack.get(best) ?? 0)) best = zone;
    }
    if (best === undefined) break;
    out[best] = (out[best] ?? 0) + 1;
    lack.set(best, (lack.get(best) ?? 0) - 1);
  }
  return out;
}

/** Nodes the ticks of a roll list per second at most: each tick lists every node of the group. */
export const NODES_LISTED_PER_SECOND = 1000;

/**
 * The shortest wait between two ticks. A tick costs a Lambda invocation, a few state transitions and
 * history events (limit 25,000), and it lists every node of the group and the pods of every draining
 * node. On the 300-node `large` roll (three seeds), a 2 s floor took 422 ticks a roll and 1,558 s; 4 s,
 * 275 ticks and 1,581 s; 5 s, 232 ticks and 1,600 s. A drain or a replacement is noticed at most one
 * interval late, while every tick loads the API server: the floor is the one a 5,000-node group
 * already had (NODES_LISTED_PER_SECOND), for every group.
 */
export const MIN_TICK_SECONDS = 5;

/**
 * Look less often on very long rolls (the history limit), and on big groups keep the lists to about
 * NODES_LISTED_PER_SECOND nodes a second (a 10,000-node group: a tick at most every 10 s), a load the
 * API server carries beside its other clients.
 */
export function minTickSeconds(ticks: number, groupNodes = 0): number {
  const byHistory = ticks > 1600 ? 15 : ticks > 900 ? 8 : MIN_TICK_SECONDS;
  return Math.max(byHistory, Math.ceil(groupNodes / NODES_LISTED_PER_SECOND));
}
