/**
 * The rebalance workflow's state (small: ids, counters, deadlines) and its run record in the store.
 * The run record keeps the fields the dead-run reconciler reads (asgName, original sizes, moves as
 * batches with their cordons and terminations), written before each change.
 */
import type { RunRecord } from "../model/state";
import type { Deps } from "../ports";
import type { LockResult, ReconcileResult, RunRef, StepFailure, StoredBatch } from "../roll/state";
import { batchKey } from "../roll/state";
import type { RebalanceInput, RebalanceRequest } from "./input";

export type RebalanceOutcome = "succeeded" | "partial" | "refused" | "failed";

export interface ChecksResult {
  /** A no-go check failed: nothing is changed, the reason says why. */
  refused: boolean;
  reason?: string;
  groups: number;
  /** Zones launches are not tried in (recent capacity failures): never a reason to move nodes into them. */
  shortZones: string[];
  pendingZonalPods: number;
  /** Per group, per zone: instances, as observed before any move. */
  before: Record<string, Record<string, number>>;
  /** The planned first move per group (what a dry run reports). */
  planned: string[];
}

export interface MoveCursor {
  index: number;
  /** No move left (balanced, stuck, or out of moves): go and validate. */
  done: boolean;
  group?: string;
  asgName?: string;
  launches?: string[];
  removals?: string[];
  readyDeadline?: string;
  drainDeadline?: string;
  stuck?: string;
}

export interface LaunchCheck {
  done: boolean;
  failed: boolean;
  reason?: string;
  retryInSeconds: number;
  placed: number;
  misplaced: number;
}

export interface SurplusDrain {
  done: boolean;
  retryInSeconds: number;
  remainingPods: number;
  evicted: number;
  refusedByPdb: number;
  blocked: { pod: string; message: string }[];
}

export interface RebalanceSummary {
  outcome: RebalanceOutcome;
  cluster: string;
  runId: string;
  dryRun: boolean;
  trigger: string;
  /** Tugboat's own counts (the sandbox compares them with what the world recorded). */
  launched: number;
  removed: number;
  moves: number;
  capacityFailures: Record<string, number>;
  pendingZonalPodsBefore: number;
  pendingZonalPodsAfter: number;
  reason?: string;
  notes: string[];
}

export interface RebalanceState {
  request?: unknown;
  input: RebalanceInput;
  run: RunRef;
  lock?: LockResult;
  reconcile?: ReconcileResult;
  checks?: ChecksResult;
  move?: MoveCursor;
  launch?: LaunchCheck;
  drain?: SurplusDrain;
  validation?: { pendingZonalPods: number; balanced: boolean; notes: string[] };
  error?: StepFailure;
  releaseError?: StepFailure;
  summary?: RebalanceSummary;
}

export type StartState = { request: RebalanceRequest | unknown; run: RunRef };

/** The run record's data: the reconciler's fields (see RollRunData) and the rebalance's own. */
export interface RebalanceRunData {
  workflow: "rebalance-azs";
  trigger: string;
  /** The group of the move under way, and its sizes before the move: what a reconciler restores. */
  asgName?: string;
  original?: { minSize: number; maxSize: number; desiredCapacity: number; suspendedProcesses: string[] };
  /** Always empty: AZRebalance is suspended on purpose and stays so (see suspensions). */
  suspendedByRun: string[];
  batchesStarted: number;
  launched: number;
  removed: number;
  capacityFailures: Record<string, number>;
  /** Why AZRebalance was suspended, per Auto Scaling group this run suspended it on. */
  suspensions: Record<string, string>;
  notes: string[];
  pendingZonalPodsBefore?: number;
  summary?: RebalanceSummary;
}

/** One move, journaled before its changes, in the reconciler's batch shape. */
export type StoredMove = StoredBatch & {
  asgName: string;
  launches: string[];
  removals: string[];
  /** The group's instances before the move raised its size. */
  membersBefore: string[];
  /** Instances this move launched that landed where they were meant to. */
  launched: string[];
  /** Set when the surplus nodes are chosen: past it, budgets that still refuse halt the run. */
  drainDeadline?: string;
};

export async function loadRebalanceRun(
  deps: Pick<Deps, "state">,
  runId: string,
): Promise<RunRecord & { data: RebalanceRunData }> {
  const run = await deps.state.getRun(runId);
  if (!run) throw new Error(`run ${runId} has no record in the store`);
  return run as RunRecord & { data: RebalanceRunData };
}

export async function updateRebalanceRun(
  deps: Pick<Deps, "state" | "clock">,
  runId: string,
  mutate: (data: RebalanceRunData, run: RunRecord) => void,
): Promise<RebalanceRunData> {
  const run = await loadRebalanceRun(deps, runId);
  mutate(run.data, run);
  run.updatedAt = deps.clock.now().toISOString();
  await deps.state.putRun(run);
  return run.data;
}

export const moveKey = batchKey;

export function loadMove(deps: Pick<Deps, "state">, runId: string, index: number): Promise<StoredMove | undefined> {
  return deps.state.getItem<StoredMove>(runId, moveKey(index));
}

export function saveMove(deps: Pick<Deps, "state">, runId: string, move: StoredMove): Promise<void> {
  return deps.state.putItem(runId, moveKey(move.index), move);
}

/** Recent capacity failures per cluster, kept across runs (what the launch-unsuccessful trigger records). */
export const CAPACITY_SCOPE = (cluster: string) => `capacity#${cluster}`;
export const CAPACITY_KEY = "failures";
/** A capacity failure keeps a zone out of launches this long (EC2 capacity comes back within hours). */
export const CAPACITY_FAILURE_TTL_MS = 60 * 60_000;

export interface CapacityFailures {
  /** Zone → ISO time of the latest failure. */
  zones: Record<string, string>;
}
