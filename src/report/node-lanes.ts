/**
 * One lane per node the roll touched, derived from its waves and its replacements: each replacement
 * starts (launches and joins) from the tick that launched it until a tick saw it Ready, then serves;
 * each replaced node serves until its wave is cordoned and drains until the tick that terminated it.
 * A state changes when the step that observed or caused it finished, so the lanes say what Tugboat knew.
 */
import type { RollReplacement, RollRun, RollWave } from "./roll-run";

export type LaneState = "starting" | "serving" | "serving-old" | "draining" | "terminating";

export interface LaneSegment {
  state: LaneState;
  fromMs: number;
  toMs: number;
}

export interface NodeLane {
  zone: string;
  /** The wave (0-based) the node belongs to. */
  batch: number;
  role: "replacement" | "replaced";
  /** "wave 2, replacement 1 in us-east-1a" (a deployed history does not name the instances). */
  label: string;
  segments: LaneSegment[];
}

export const LANE_STATE_WORDS: Record<LaneState, string> = {
  starting: "launching and joining",
  serving: "serving (new)",
  "serving-old": "serving (to be replaced)",
  draining: "cordoned, draining",
  terminating: "drained, terminating",
};

export function nodeLanes(run: RollRun): NodeLane[] {
  const lanes: NodeLane[] = [];
  const paired = new Map<string, RollReplacement[]>();
  for (const r of run.replacements) {
    if (r.wave === undefined) continue;
    const key = `${r.wave} ${r.zone}`;
    paired.set(key, [...(paired.get(key) ?? []), r]);
  }
  for (const wave of run.waves) {
    for (const [zone, count] of Object.entries(wave.byZone).sort()) {
      // A wave's replaced nodes, then their replacements: in a dense picture each wave reads as one step
      // of a staircase instead of alternating thin lines.
      for (let n = 1; n <= count; n++) lanes.push(replacedLane(run, wave, zone, n));
      for (const [i, r] of (paired.get(`${wave.index} ${zone}`) ?? []).entries())
        lanes.push(replacementLane(run, r, `wave ${wave.index + 1}, replacement ${i + 1} in ${zone}`));
    }
  }
  // Replacements no wave used yet (the run stopped, or the tail needed fewer): drawn under the last wave.
  const lastWave = run.waves[run.waves.length - 1]?.index ?? 0;
  for (const [i, r] of run.replacements.filter((r) => r.wave === undefined).entries())
    lanes.push(replacementLane(run, r, `replacement ${i + 1} in ${r.zone}, not paired with a wave`, lastWave));
  return lanes;
}

function replacedLane(run: RollRun, wave: RollWave, zone: string, n: number): NodeLane {
  const segments: LaneSegment[] = [];
  const endMs = run.endMs;
  const push = (state: LaneState, fromMs: number, toMs: number) => {
    if (toMs > fromMs) segments.push({ state, fromMs, toMs });
  };
  push("serving-old", run.startMs, wave.cordonedMs);
  // A node empty before the rest of its wave went at the end of the tick that found it so.
  const goneMs = wave.goneAtByZone?.[zone]?.[n - 1] ?? wave.terminatedMs;
  if (goneMs !== undefined) {
    // One tick drains the last pods and terminates: the node is gone at its end.
    push("draining", wave.cordonedMs, goneMs);
  } else {
    // The wave stopped before terminating: the clean-up uncordons its nodes, which serve again.
    const back = run.restoredMs ?? endMs;
    push("draining", wave.cordonedMs, back);
    push("serving-old", back, endMs);
  }
  return {
    zone,
    batch: wave.index,
    role: "replaced",
    label: `wave ${wave.index + 1}, replaced node ${n} in ${zone}`,
    segments,
  };
}

function replacementLane(run: RollRun, r: RollReplacement, label: string, wave = r.wave ?? 0): NodeLane {
  const segments: LaneSegment[] = [];
  if (r.readyMs === undefined) {
    // Never seen Ready: the clean-up terminates it.
    const gone = run.restoredMs ?? run.endMs;
    if (gone > r.launchedMs) segments.push({ state: "starting", fromMs: r.launchedMs, toMs: gone });
  } else {
    if (r.readyMs > r.launchedMs) segments.push({ state: "starting", fromMs: r.launchedMs, toMs: r.readyMs });
    if (run.endMs > r.readyMs) segments.push({ state: "serving", fromMs: r.readyMs, toMs: run.endMs });
  }
  return { zone: r.zone, batch: wave, role: "replacement", label, segments };
}

/** Lanes per state in one AZ at an instant: what the timeline shows there. */
export function laneCountsAt(lanes: NodeLane[], zone: string, atMs: number): Record<LaneState, number> {
  const counts: Record<LaneState, number> = { starting: 0, serving: 0, "serving-old": 0, draining: 0, terminating: 0 };
  for (const lane of lanes) {
    if (lane.zone !== zone) continue;
    const segment = lane.segments.find((s) => s.fromMs <= atMs && atMs < s.toMs);
    if (segment) counts[segment.state]++;
  }
  return counts;
}
