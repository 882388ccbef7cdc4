/**
 * The roll workflow's state: what travels between states (small: ids, counters, deadlines) and what
 * lives in the store keyed by run (original group settings, plans, batches). Shared by the steps, the
 * workflow tests and the CLI so that a renamed field breaks type-checking, not an execution.
 */
import type { EstimateSource } from "../estimates/estimate";
import type { RollExpectations } from "../estimates/roll-estimates";
import type { RunRecord } from "../model/state";
import type { Deps } from "../ports";
import type { RollInput } from "./input";
import type { NodeGroupMode } from "./snapshot-types";

export interface RunRef {
  executionId: string;
  runId: string;
  startedAt: string;
}

/** The lock is ours (or our parent's); a lock held by another live execution is a ClusterLockedError. */
export interface LockResult {
  acquired: true;
  /** Held by the parent execution (an upgrade) on this roll's behalf: not released by the roll. */
  inherited?: boolean;
  tookOverFrom?: string;
}

export interface ReconcileResult {
  reconciledRuns: string[];
  actions: string[];
  /** The group settings before the dead run changed them: this run restores to these. */
  original?: RollRunData["original"];
}

export interface PlanResult {
  mode: NodeGroupMode;
  asgName: string;
  outdated: number;
  groupSize: number;
  surge: number;
  batchesPlanned: number;
  predictedSeconds: number;
  /** "defaults" or "history (N runs)": where the prediction's figures came from. */
  estimateSource: EstimateSource;
  /** When the check steps look first (medians of the same estimates). */
  expectations: RollExpectations;
}

export interface PreflightResult {
  ok: boolean;
  problems: string[];
  warnings: string[];
}

export interface BatchCursor {
  index: number;
  finished: boolean;
  aborted: boolean;
  size: number;
  byZone: Record<string, number>;
  readyDeadline?: string;
  /** Refreshed per batch from the store, so later batches poll with what the earlier ones observed. */
  expectations?: RollExpectations;
}

export interface CheckResult {
  done: boolean;
  failed: boolean;
  reason?: string;
  attempts: number;
  deadline?: string;
}

export interface SurgeResult {
  desiredCapacity: number;
  launched: number;
  at: string;
}

export interface DrainResult extends CheckResult {
  /** When the batch was cordoned: the drain's observed duration runs from here. */
  startedAt?: string;
  /** When a pass last evicted something: the drain's next look counts from here (core/replacement/drain.ts). */
  progressAt?: string;
  /** When to look again: soon after progress, backing off while budgets refuse and nothing moves. */
  retryInSeconds: number;
  remainingPods: number;
  blocked: { pod: string; message: string }[];
}

/** One tick of the pipelined roll (core/steps/roll/advance.ts); the rest lives in the store. */
export interface PipelineTick {
  finished: boolean;
  aborted: boolean;
  /** When to tick again (the workflow's Wait). */
  retryInSeconds: number;
  /** Outdated nodes still in the group, cordoned ones included (-1 when not looked at). */
  remaining: number;
  ticks: number;
  /** Nodes cordoned and draining. */
  draining: number;
  /** Replacements launched and not Ready yet. */
  joining: number;
  /** Refreshed from this node group's observations whenever a wave starts. */
  expectations?: RollExpectations;
  /** Waves draining after this tick, and those terminated in it: what the report draws per wave. */
  waves?: WaveProgress[];
  /** Replacements launched so far, per AZ (cumulative). */
  launchedByZone?: Record<string, number>;
  /** Ready nodes of the target configuration per AZ when the tick looked (before its launches). */
  readyNewByZone?: Record<string, number>;
}

/** One wave in a tick's output: a few counts per wave in flight, never a per-node or per-pod list. */
export interface WaveProgress {
  index: number;
  /** Nodes cordoned together, per AZ. */
  byZone: Record<string, number>;
  remainingPods: number;
  /** Drain passes so far. */
  attempts: number;
  /** Drained and terminated in this tick. */
  terminated: boolean;
  /** Nodes of a wave still draining that are already terminated, per AZ (each goes once it is empty). */
  goneByZone?: Record<string, number>;
  /** Budgets ("namespace/name") that refused an eviction in the last pass (a few at most). */
  blockedBy: string[];
  /** Evictions were refused by a budget the message did not name. */
  blockedUnnamed?: boolean;
}

export interface ManagedUpdateResult extends CheckResult {
  updateId: string;
  status: string;
  /** When the version update was requested, and when to look again (first at the estimate, then backing off). */
  startedAt?: string;
  retryInSeconds?: number;
}

export interface Halt {
  reason: string;
}

export interface StepFailure {
  Error: string;
  Cause: string;
}

export interface RollState {
  input: RollInput;
  run: RunRef;
  lock?: LockResult;
  reconcile?: ReconcileResult;
  plan?: PlanResult;
  preflight?: PreflightResult;
  batch?: BatchCursor;
  pipeline?: PipelineTick;
  surge?: SurgeResult;
  ready?: CheckResult & { retryInSeconds: number };
  drain?: DrainResult;
  validation?: CheckResult;
  managed?: ManagedUpdateResult;
  halt?: Halt;
  error?: StepFailure;
}

export type RollOutcome = "succeeded" | "failed" | "refused" | "aborted";

export interface RollSummary {
  outcome: RollOutcome;
  cluster: string;
  nodeGroup: string;
  runId: string;
  dryRun: boolean;
  nodesOutdatedBefore: number;
  nodesOutdatedAfter: number;
  nodesReplaced: number;
  batches: number;
  /** Replacements the roll launched itself (LaunchInstances); absent for an EKS managed group. */
  instancesLaunched?: number;
  podsEvicted: number;
  evictionsRefusedByPdb: number;
  forcedDeletions: number;
  durationSeconds: number;
  reason?: string;
  notes: string[];
}

/** Everything about a run the workflow state is too small to hold. */
export interface RollRunData {
  asgName: string;
  mode: NodeGroupMode;
  original: { minSize: number; maxSize: number; desiredCapacity: number; suspendedProcesses: string[] };
  baselineByZone: Record<string, number>;
  surge: number;
  outdatedBefore: number;
  pendingPodsAtStart: number;
  /** Processes this run suspended (and must resume). */
  suspendedByRun: string[];
  counters: { podsEvicted: number; evictionsRefusedByPdb: number; forcedDeletions: number; nodesReplaced: number };
  batchesStarted: number;
  notes: string[];
  summary?: RollSummary;
  /** Set when a later run reconciled this one's leftovers. */
  reconciledBy?: string;
  /** The upgrade execution this roll ran under, if any. */
  parentExecutionId?: string;
}

export interface StoredBatch {
  index: number;
  victims: { instanceId: string; availabilityZone: string; nodeName?: string; reasons: string[] }[];
  byZone: Record<string, number>;
  cordoned: string[];
  terminated: string[];
  startedAt: string;
  /** Replacements launched for the batch that never joined by its deadline: terminated on restore. */
  strayInstances?: string[];
  /** The journal's terminate entries of the batch, settled with its cordon once every victim is gone. */
  terminateEntries?: string[];
}

export const batchKey = (index: number) => `batch-${String(index).padStart(5, "0")}`;
export const planKey = (index: number) => `plan-batch-${String(index).padStart(5, "0")}`;

export async function loadRunData(
  deps: Pick<Deps, "state">,
  runId: string,
): Promise<RunRecord & { data: RollRunData }> {
  const run = await deps.state.getRun(runId);
  if (!run) throw new Error(`run ${runId} has no record in the store`);
  return run as RunRecord & { data: RollRunData };
}

export async function updateRunData(
  deps: Pick<Deps, "state" | "clock">,
  runId: string,
  mutate: (data: RollRunData, run: RunRecord) => void,
): Promise<RollRunData> {
  const run = await loadRunData(deps, runId);
  mutate(run.data, run);
  run.updatedAt = deps.clock.now().toISOString();
  await deps.state.putRun(run);
  return run.data;
}
