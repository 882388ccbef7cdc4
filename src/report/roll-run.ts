/**
 * A roll as its recorded events tell it: the plan, the replacements launched and seen Ready per AZ, each
 * wave (the nodes one "Advance roll" tick cordoned together) from its cordon to its termination, the
 * time PodDisruptionBudgets held its drain up, and where the run stopped. Read from state outputs only
 * (the `pipeline` a tick returns, src/core/roll/state.ts), the same in the sandbox and in a deployed
 * execution's history.
 */
import { budgetOf } from "../core/roll/pipeline";
import type { RecordedEvent } from "./recorded-events";

export interface BlockedInterval {
  fromMs: number;
  toMs: number;
  /** "namespace/name" of each budget that refused an eviction in the pass before this interval. */
  pdbs: string[];
}

/** Nodes cordoned together by one tick, drained and terminated together; waves overlap in time. */
export interface RollWave {
  /** 0-based, as the workflow counts; shown as index + 1. */
  index: number;
  byZone: Record<string, number>;
  size: number;
  /** When the first of the replacements paired with its nodes (per AZ, in launch order) was launched. */
  launchedMs?: number;
  /** When the last of them was seen Ready. */
  readyMs?: number;
  cordonedMs: number;
  /** Drained and terminated (one tick does both). */
  terminatedMs?: number;
  /** Per AZ, when each node that went before the rest of its wave was terminated (in order). */
  goneAtByZone?: Record<string, number[]>;
  /** Terminated, or the run went to clean up, or the history ends. */
  endMs: number;
  drainAttempts: number;
  blocked: BlockedInterval[];
  /** Set on the wave where the run stopped. */
  stoppedIn?: string;
}

/** A replacement the roll launched, as the ticks counted it per AZ (a history does not name instances). */
export interface RollReplacement {
  zone: string;
  launchedMs: number;
  readyMs?: number;
  /** The wave whose node it stood in for (the n-th replacement of an AZ for the n-th node cordoned there). */
  wave?: number;
}

export interface RollPlanFacts {
  groupSize: number;
  outdated: number;
  surge: number;
  batchesPlanned: number;
  predictedSeconds: number;
  estimateSource?: string;
  replacementReadySeconds?: number;
}

export interface RollSummaryFacts {
  outcome: string;
  nodesOutdatedBefore?: number;
  nodesOutdatedAfter?: number;
  nodesReplaced?: number;
  batches?: number;
  podsEvicted?: number;
  evictionsRefusedByPdb?: number;
  forcedDeletions?: number;
  durationSeconds?: number;
  reason?: string;
  notes?: string[];
}

export interface RollRun {
  cluster: string;
  nodeGroup: string;
  dryRun: boolean;
  startMs: number;
  endMs: number;
  plan?: RollPlanFacts;
  waves: RollWave[];
  replacements: RollReplacement[];
  summary?: RollSummaryFacts;
  /** When Restore group finished: a stopped wave's cordoned nodes are back in service from here. */
  restoredMs?: number;
  /** The last step that ran, the error a step failed with and the wave it stopped in, when the run did not succeed. */
  stop?: { state: string; atMs: number; error?: string; wave?: number };
  /** Every failure the run recorded, in order ("Advance roll: PdbBlockedTooLongError"). */
  errors: { state: string; atMs: number; error: string; cause?: string }[];
  managedUpdate: boolean;
}

type Output = Record<string, unknown> | undefined;
const obj = (value: unknown): Output =>
  value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function deriveRoll(events: RecordedEvent[]): RollRun {
  const first = events[0];
  const last = events[events.length - 1];
  const run: RollRun = {
    cluster: "",
    nodeGroup: "",
    dryRun: false,
    startMs: first?.atMs ?? 0,
    endMs: last?.atMs ?? 0,
    waves: [],
    replacements: [],
    errors: [],
    managedUpdate: false,
  };
  const waves = new Map<number, RollWave>();
  /** Per wave, the tick that last saw its drain refused: the interval runs to the next tick's end. */
  const pendingBlocked = new Map<number, { atMs: number; pdbs: string[] }>();
  const closeBlocked = (index: number, atMs: number) => {
    const pending = pendingBlocked.get(index);
    const wave = waves.get(index);
    if (pending && wave && atMs > pending.atMs)
      wave.blocked.push({ fromMs: pending.atMs, toMs: atMs, pdbs: pending.pdbs });
    pendingBlocked.delete(index);
  };
  let launched: Record<string, number> = {};
  let readyBase: Record<string, number> | undefined;
  let lastWaves: Record<string, unknown>[] = [];
  let lastEntered: RecordedEvent | undefined;

  for (const event of events) {
    if (event.kind === "entered") {
      lastEntered = event;
      if (event.state === "Restore group")
        for (const index of [...pendingBlocked.keys()]) closeBlocked(index, event.atMs);
      continue;
    }
    if (event.kind === "caught" || event.kind === "failed") {
      if (event.error) {
        run.errors.push({
          state: event.state,
          atMs: event.atMs,
          error: event.error,
          ...(event.cause ? { cause: event.cause } : {}),
        });
      }
      continue;
    }
    if (event.kind !== "exited") continue;
    const out = obj(event.output);
    const input = obj(out?.input) ?? obj(out?.request);
    if (input && !run.cluster) {
      run.cluster = str(input.cluster) ?? "";
      run.nodeGroup = str(input.nodeGroup) ?? "";
      run.dryRun = input.dryRun === true;
    }
    switch (event.state) {
      case "Plan roll": {
        const plan = obj(out?.plan);
        if (plan) {
          const expectations = obj(plan.expectations);
          run.plan = {
            groupSize: num(plan.groupSize) ?? 0,
            outdated: num(plan.outdated) ?? 0,
            surge: num(plan.surge) ?? 0,
            batchesPlanned: num(plan.batchesPlanned) ?? 0,
            predictedSeconds: num(plan.predictedSeconds) ?? 0,
            ...(str(plan.estimateSource) ? { estimateSource: str(plan.estimateSource) } : {}),
            ...(num(expectations?.replacementReadySeconds) !== undefined
              ? { replacementReadySeconds: num(expectations?.replacementReadySeconds) }
              : {}),
          };
        }
        break;
      }
      case "Advance roll": {
        const tick = obj(out?.pipeline);
        if (!tick) break;
        const atMs = event.atMs;
        // Replacements seen Ready: the n first launched in an AZ, n counted from the first tick's look.
        const readyNew = obj(tick.readyNewByZone) as Record<string, number> | undefined;
        if (readyNew) {
          readyBase ??= { ...readyNew };
          for (const [zone, count] of Object.entries(readyNew)) {
            let ready = count - (readyBase[zone] ?? 0);
            for (const r of run.replacements) {
              if (r.zone !== zone || ready <= 0) continue;
              ready--;
              r.readyMs ??= atMs;
            }
          }
        }
        const launchedNow = (obj(tick.launchedByZone) as Record<string, number> | undefined) ?? launched;
        for (const [zone, count] of Object.entries(launchedNow).sort(([a], [b]) => a.localeCompare(b))) {
          for (let n = launched[zone] ?? 0; n < count; n++) run.replacements.push({ zone, launchedMs: atMs });
        }
        launched = { ...launchedNow };
        const progress = Array.isArray(tick.waves) ? (tick.waves as Record<string, unknown>[]) : [];
        for (const p of progress) {
          const index = num(p.index);
          if (index === undefined) continue;
          let wave = waves.get(index);
          if (!wave) {
            const byZone = (obj(p.byZone) as Record<string, number>) ?? {};
            wave = {
              index,
              byZone,
              size: Object.values(byZone).reduce((a, b) => a + b, 0),
              cordonedMs: atMs,
              endMs: atMs,
              drainAttempts: 0,
              blocked: [],
            };
            waves.set(index, wave);
            run.waves.push(wave);
          }
          closeBlocked(index, atMs);
          wave.drainAttempts = num(p.attempts) ?? wave.drainAttempts;
          for (const [zone, count] of Object.entries((obj(p.goneByZone) as Record<string, number>) ?? {})) {
            const goneAt = wave.goneAtByZone ?? {};
            const times = goneAt[zone] ?? [];
            while (times.length < count) times.push(atMs);
            goneAt[zone] = times;
            wave.goneAtByZone = goneAt;
          }
          if (p.terminated === true) {
            wave.terminatedMs = atMs;
            wave.endMs = atMs;
            continue;
          }
          const pdbs = Array.isArray(p.blockedBy) ? (p.blockedBy as string[]) : [];
          if (pdbs.length > 0 || p.blockedUnnamed === true) pendingBlocked.set(index, { atMs, pdbs });
        }
        lastWaves = progress;
        break;
      }
      case "Start managed node group update":
        run.managedUpdate = true;
        break;
      case "Restore group":
        run.restoredMs = event.atMs;
        break;
      case "Summarize": {
        const summary = obj(out?.summary);
        if (summary) run.summary = summary as unknown as RollSummaryFacts;
        break;
      }
    }
  }
  for (const index of [...pendingBlocked.keys()]) closeBlocked(index, run.endMs);
  for (const wave of run.waves) {
    // A wave still draining when the run stopped ends with the clean-up (or with the history).
    if (wave.terminatedMs === undefined) wave.endMs = run.restoredMs ?? run.endMs;
  }
  pairReplacements(run);
  const outcome = run.summary?.outcome;
  if (outcome !== "succeeded" && lastEntered) {
    const failedStep = run.errors.find((e) => e.state !== "execution");
    const state = failedStep?.state ?? lastEntered.state;
    const atMs = failedStep?.atMs ?? lastEntered.atMs;
    // The wave the run stopped in: of those the last tick left draining, one a budget held up, else the oldest.
    const draining = lastWaves.filter((p) => p.terminated !== true);
    const held = draining.find((p) => Array.isArray(p.blockedBy) && (p.blockedBy as unknown[]).length > 0);
    const index = num((held ?? draining[0])?.index);
    const wave = index !== undefined ? waves.get(index) : undefined;
    run.stop = {
      state,
      atMs,
      ...(failedStep ? { error: failedStep.error } : {}),
      ...(wave ? { wave: wave.index } : {}),
    };
    if (wave) wave.stoppedIn = state;
  }
  return run;
}

/**
 * The n-th replacement launched in an AZ stands in for the n-th node cordoned there: a node is cordoned
 * only once its AZ holds a Ready replacement for it, so launch order and cordon order agree.
 */
function pairReplacements(run: RollRun): void {
  const byZone = new Map<string, RollReplacement[]>();
  for (const r of run.replacements) byZone.set(r.zone, [...(byZone.get(r.zone) ?? []), r]);
  const used = new Map<string, number>();
  for (const wave of [...run.waves].sort((a, b) => a.cordonedMs - b.cordonedMs || a.index - b.index)) {
    for (const [zone, count] of Object.entries(wave.byZone)) {
      const queue = byZone.get(zone) ?? [];
      const from = used.get(zone) ?? 0;
      for (const r of queue.slice(from, from + count)) {
        r.wave = wave.index;
        wave.launchedMs = Math.min(wave.launchedMs ?? r.launchedMs, r.launchedMs);
        if (r.readyMs !== undefined) wave.readyMs = Math.max(wave.readyMs ?? r.readyMs, r.readyMs);
      }
      used.set(zone, from + count);
    }
  }
}

/** The budget a refused eviction names, as "namespace/name" (core/roll/pipeline.ts reads it the same way). */
export const pdbOf = budgetOf;

/** Seconds each budget held a wave's drain up: the intervals after a pass it refused. */
export function blockedSecondsByPdb(wave: RollWave): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const interval of wave.blocked) {
    for (const pdb of interval.pdbs.length > 0 ? interval.pdbs : ["(unnamed budget)"]) {
      seconds[pdb] = (seconds[pdb] ?? 0) + (interval.toMs - interval.fromMs) / 1000;
    }
  }
  return seconds;
}
