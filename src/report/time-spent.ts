/**
 * Where a wave's time went, from its milestones: waiting for its replacements (from the launch of the
 * first one paired with its nodes until the tick that saw them Ready cordoned the wave), draining,
 * waiting on PodDisruptionBudgets (named), and the rest. The parts add up to the wave's span.
 */
import { blockedSecondsByPdb, type RollWave } from "./roll-run";

export type TimeKind = "replacements" | "drain" | "pdb-blocked" | "other";

export const TIME_KIND_WORDS: Record<TimeKind, string> = {
  replacements: "waiting for replacements",
  drain: "drain",
  "pdb-blocked": "PDB-blocked",
  other: "other",
};

export interface TimePart {
  kind: TimeKind;
  seconds: number;
}

export interface WaveTime {
  wave: number;
  parts: TimePart[];
  totalSeconds: number;
  /** Budgets that held the drain up, longest first, with seconds. */
  blockedBy: { pdb: string; seconds: number }[];
}

/** Where a wave starts: its first replacement's launch, or its cordon when no launch was paired with it. */
export const waveStartMs = (wave: RollWave) => Math.min(wave.launchedMs ?? wave.cordonedMs, wave.cordonedMs);

export function waveTime(wave: RollWave): WaveTime {
  const parts: TimePart[] = [];
  const span = (from: number, to: number) => (to > from ? (to - from) / 1000 : 0);
  const add = (kind: TimeKind, seconds: number) => {
    if (seconds > 0) parts.push({ kind, seconds });
  };
  const startMs = waveStartMs(wave);
  add("replacements", span(startMs, wave.cordonedMs));
  const drainSpan = span(wave.cordonedMs, wave.endMs);
  const blocked = Math.min(
    drainSpan,
    wave.blocked.reduce((sum, b) => sum + span(b.fromMs, Math.min(b.toMs, wave.endMs)), 0),
  );
  add("drain", drainSpan - blocked);
  add("pdb-blocked", blocked);
  const totalSeconds = (wave.endMs - startMs) / 1000;
  // Rounding leaves crumbs of a millisecond: the rest counts from a tenth of a second.
  const rest = totalSeconds - parts.reduce((sum, p) => sum + p.seconds, 0);
  if (rest >= 0.1) add("other", rest);
  const blockedBy = Object.entries(blockedSecondsByPdb(wave))
    .map(([pdb, seconds]) => ({ pdb, seconds }))
    .sort((a, b) => b.seconds - a.seconds || a.pdb.localeCompare(b.pdb));
  return { wave: wave.index, parts, totalSeconds, blockedBy };
}
