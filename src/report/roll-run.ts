/**
 * A roll as its recorded events tell it: the plan, each batch's milestones (selected, surged, replacements
 * Ready, cordoned, drained, terminated, validated), the drain attempts that PodDisruptionBudgets refused,
 * and where the run stopped. Read from state outputs only (src/core/roll/state.ts), the same in the
 * sandbox and in a deployed execution's history.
 */
import type { RecordedEvent } from "./recorded-events";

export interface BlockedInterval {
  fromMs: number;
  toMs: number;
  /** "namespace/name" of each budget that refused an eviction in this attempt. */
  pdbs: string[];
  pods: string[];
}

export interface RollBatch {
  /** 0-based, as the workflow counts; shown as index + 1. */
  index: number;
  byZone: Record<string, number>;
  size: number;
  selectedMs: number;
  surgedMs?: number;
  readyMs?: number;
  cordonedMs?: number;
  drainedMs?: number;
  terminatedMs?: number;
  validatedMs?: number;
  /** When the next batch was selected, or the run went to clean up. */
  endMs: number;
  drainAttempts: number;
  blocked: BlockedInterval[];
  /** Set on the batch where the run stopped. */
  stoppedIn?: string;
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
  batches: RollBatch[];
  summary?: RollSummaryFacts;
  /** When Restore group finished: a failed batch's cordoned nodes are back in service from here. */
  restoredMs?: number;
  /** The last step that ran, and the error a step failed with, when the run did not succeed. */
  stop?: { state: string; atMs: number; error?: string };
  /** Every failure the run recorded, in order ("Drain batch: PdbBlockedTooLongError"). */
  errors: { state: string; atMs: number; error: string; cause?: string }[];
  managedUpdate: boolean;
}

type Output = Record<string, unknown> | undefined;
const obj = (value: unknown): Output =>
  value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The budget a refused eviction names: "… The disruption budget web-pdb needs 11 healthy pods …". */
export function pdbOf(pod: string, message: string): string | undefined {
  const name = /disruption budget (\S+?)[.,]?\s/.exec(`${message} `)?.[1];
  if (!name) return undefined;
  const namespace = pod.includes("/") ? pod.split("/")[0] : undefined;
  return namespace ? `${namespace}/${name}` : name;
}

export function deriveRoll(events: RecordedEvent[]): RollRun {
  const first = events[0];
  const last = events[events.length - 1];
  const run: RollRun = {
    cluster: "",
    nodeGroup: "",
    dryRun: false,
    startMs: first?.atMs ?? 0,
    endMs: last?.atMs ?? 0,
    batches: [],
    errors: [],
    managedUpdate: false,
  };
  let batch: RollBatch | undefined;
  let lastDrainExit: { atMs: number; blocked: { pod: string; message: string }[] } | undefined;
  let lastEntered: RecordedEvent | undefined;
  const closeBatch = (atMs: number) => {
    if (batch) batch.endMs = atMs;
    batch = undefined;
  };

  for (const event of events) {
    if (event.kind === "entered") {
      lastEntered = event;
      if (event.state === "Drain batch" && batch && lastDrainExit && lastDrainExit.blocked.length > 0) {
        batch.blocked.push(blockedInterval(lastDrainExit, event.atMs));
      }
      if (event.state === "Restore group") closeBatch(event.atMs);
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
      case "Select next batch": {
        closeBatch(event.atMs);
        const cursor = obj(out?.batch);
        if (cursor && cursor.finished !== true && cursor.aborted !== true && num(cursor.size)) {
          batch = {
            index: num(cursor.index) ?? run.batches.length,
            byZone: (obj(cursor.byZone) as Record<string, number>) ?? {},
            size: num(cursor.size) ?? 0,
            selectedMs: event.atMs,
            endMs: event.atMs,
            drainAttempts: 0,
            blocked: [],
          };
          run.batches.push(batch);
        }
        lastDrainExit = undefined;
        break;
      }
      case "Surge batch":
        if (batch) batch.surgedMs = event.atMs;
        break;
      case "Check replacements Ready":
        if (batch && obj(out?.ready)?.done === true) batch.readyMs = event.atMs;
        break;
      case "Cordon batch":
        if (batch) batch.cordonedMs = event.atMs;
        break;
      case "Drain batch": {
        const drain = obj(out?.drain);
        if (batch) {
          batch.drainAttempts++;
          if (drain?.done === true) batch.drainedMs = event.atMs;
        }
        lastDrainExit = { atMs: event.atMs, blocked: (drain?.blocked as { pod: string; message: string }[]) ?? [] };
        break;
      }
      case "Terminate batch":
        if (batch) batch.terminatedMs = event.atMs;
        break;
      case "Validate batch":
        if (batch && obj(out?.validation)?.done === true) batch.validatedMs = event.atMs;
        break;
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
  if (batch) {
    // The run stopped inside a batch (a crash, or the history ends here): the batch ends with it.
    batch.endMs = run.endMs;
  }
  const outcome = run.summary?.outcome;
  if (outcome !== "succeeded" && lastEntered) {
    const failedStep = run.errors.find((e) => e.state !== "execution");
    const state = failedStep?.state ?? lastEntered.state;
    const atMs = failedStep?.atMs ?? lastEntered.atMs;
    run.stop = { state, atMs, ...(failedStep ? { error: failedStep.error } : {}) };
    const stoppedBatch = [...run.batches].reverse().find((b) => b.selectedMs <= atMs);
    if (stoppedBatch && stoppedBatch.validatedMs === undefined) stoppedBatch.stoppedIn = state;
  }
  return run;
}

function blockedInterval(
  exit: { atMs: number; blocked: { pod: string; message: string }[] },
  toMs: number,
): BlockedInterval {
  const pdbs = [...new Set(exit.blocked.map((b) => pdbOf(b.pod, b.message)).filter((p): p is string => !!p))].sort();
  return { fromMs: exit.atMs, toMs, pdbs, pods: exit.blocked.map((b) => b.pod) };
}

/** Seconds each budget held a batch's drain up: the intervals after an attempt it refused. */
export function blockedSecondsByPdb(batch: RollBatch): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const interval of batch.blocked) {
    for (const pdb of interval.pdbs.length > 0 ? interval.pdbs : ["(unnamed budget)"]) {
      seconds[pdb] = (seconds[pdb] ?? 0) + (interval.toMs - interval.fromMs) / 1000;
    }
  }
  return seconds;
}
