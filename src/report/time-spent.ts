/**
 * Where a batch's time went, from its milestones: surging, replacements booting and joining, cordoning,
 * draining, waiting on PodDisruptionBudgets (named), terminating, validating, and the rest (the steps and
 * waits between batches). The parts add up to the batch's span.
 */
import { blockedSecondsByPdb, type RollBatch } from "./roll-run";

export type TimeKind = "surge" | "boot-join" | "cordon" | "drain" | "pdb-blocked" | "terminate" | "validate" | "other";

export const TIME_KIND_WORDS: Record<TimeKind, string> = {
  surge: "surge",
  "boot-join": "boot + join",
  cordon: "cordon",
  drain: "drain",
  "pdb-blocked": "PDB-blocked",
  terminate: "terminate",
  validate: "validate",
  other: "other steps and waits",
};

export interface TimePart {
  kind: TimeKind;
  seconds: number;
}

export interface BatchTime {
  batch: number;
  parts: TimePart[];
  totalSeconds: number;
  /** Budgets that held the drain up, longest first, with seconds. */
  blockedBy: { pdb: string; seconds: number }[];
}

export function batchTime(batch: RollBatch): BatchTime {
  const parts: TimePart[] = [];
  const span = (from: number | undefined, to: number | undefined) =>
    from !== undefined && to !== undefined && to > from ? (to - from) / 1000 : 0;
  const add = (kind: TimeKind, seconds: number) => {
    if (seconds > 0) parts.push({ kind, seconds });
  };
  add("surge", span(batch.selectedMs, batch.surgedMs));
  add("boot-join", span(batch.surgedMs, batch.readyMs ?? (batch.stoppedIn ? batch.endMs : undefined)));
  add("cordon", span(batch.readyMs, batch.cordonedMs));
  const drainEnd = batch.drainedMs ?? (batch.cordonedMs !== undefined && batch.stoppedIn ? batch.endMs : undefined);
  const drainSpan = span(batch.cordonedMs, drainEnd);
  const blocked = Math.min(
    drainSpan,
    batch.blocked.reduce((sum, b) => sum + span(b.fromMs, Math.min(b.toMs, drainEnd ?? b.toMs)), 0),
  );
  add("drain", drainSpan - blocked);
  add("pdb-blocked", blocked);
  add("terminate", span(batch.drainedMs, batch.terminatedMs));
  add("validate", span(batch.terminatedMs, batch.validatedMs));
  const totalSeconds = (batch.endMs - batch.selectedMs) / 1000;
  const accounted = parts.reduce((sum, p) => sum + p.seconds, 0);
  add("other", totalSeconds - accounted);
  const blockedBy = Object.entries(blockedSecondsByPdb(batch))
    .map(([pdb, seconds]) => ({ pdb, seconds }))
    .sort((a, b) => b.seconds - a.seconds || a.pdb.localeCompare(b.pdb));
  return { batch: batch.index, parts, totalSeconds, blockedBy };
}
