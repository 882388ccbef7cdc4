/**
 * One lane per node the roll touched, derived from its batches: each replacement starts (boots and
 * joins) from the batch's surge until the replacements were seen Ready, then serves; each replaced node
 * serves until its batch is cordoned, drains until the drain is done, and is terminated. A state changes
 * when the step that observed or caused it finished, so the lanes say what Tugboat knew at each instant.
 */
import type { RollBatch, RollRun } from "./roll-run";

export type LaneState = "starting" | "serving" | "serving-old" | "draining" | "terminating";

export interface LaneSegment {
  state: LaneState;
  fromMs: number;
  toMs: number;
}

export interface NodeLane {
  zone: string;
  batch: number;
  role: "replacement" | "replaced";
  /** "batch 2, replacement 1 in us-east-1a" (a deployed history does not name the instances). */
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
  for (const batch of run.batches) {
    for (const [zone, count] of Object.entries(batch.byZone).sort()) {
      // A batch's replaced nodes, then its replacements: in a dense picture each batch reads as one step
      // of a staircase instead of alternating thin lines.
      for (let n = 1; n <= count; n++) lanes.push(replacedLane(run, batch, zone, n));
      for (let n = 1; n <= count; n++) {
        const replacement = replacementLane(run, batch, zone, n);
        if (replacement) lanes.push(replacement);
      }
    }
  }
  return lanes;
}

function replacedLane(run: RollRun, batch: RollBatch, zone: string, n: number): NodeLane {
  const segments: LaneSegment[] = [];
  const endMs = run.endMs;
  const push = (state: LaneState, fromMs: number, toMs: number) => {
    if (toMs > fromMs) segments.push({ state, fromMs, toMs });
  };
  if (batch.cordonedMs === undefined) {
    push("serving-old", run.startMs, endMs);
  } else {
    push("serving-old", run.startMs, batch.cordonedMs);
    if (batch.terminatedMs !== undefined) {
      const drained = batch.drainedMs ?? batch.terminatedMs;
      push("draining", batch.cordonedMs, drained);
      push("terminating", drained, batch.terminatedMs);
    } else {
      // The batch stopped before terminating: the clean-up uncordons its nodes, which serve again.
      const back = run.restoredMs ?? endMs;
      push("draining", batch.cordonedMs, back);
      push("serving-old", back, endMs);
    }
  }
  return {
    zone,
    batch: batch.index,
    role: "replaced",
    label: `batch ${batch.index + 1}, replaced node ${n} in ${zone}`,
    segments,
  };
}

function replacementLane(run: RollRun, batch: RollBatch, zone: string, n: number): NodeLane | undefined {
  if (batch.surgedMs === undefined) return undefined;
  const segments: LaneSegment[] = [];
  if (batch.readyMs === undefined) {
    // Never seen Ready: the clean-up terminates it.
    const gone = run.restoredMs ?? run.endMs;
    if (gone > batch.surgedMs) segments.push({ state: "starting", fromMs: batch.surgedMs, toMs: gone });
  } else {
    segments.push({ state: "starting", fromMs: batch.surgedMs, toMs: batch.readyMs });
    if (run.endMs > batch.readyMs) segments.push({ state: "serving", fromMs: batch.readyMs, toMs: run.endMs });
  }
  return {
    zone,
    batch: batch.index,
    role: "replacement",
    label: `batch ${batch.index + 1}, replacement ${n} in ${zone}`,
    segments,
  };
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
