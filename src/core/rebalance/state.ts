/**
 * The rebalance workflow's state (small: ids, counters, deadlines) and its run record in the store.
 * What must be undone after a crash (raised sizes, launches, cordons, terminations) is in the run's
 * change journal (core/replacement/journal.ts), not here: the run record and the moves keep only what
 * the rebalance itself reads (its counters, the instances each move launched, chose and removed).
 */
import type { RunRecord } from "../model/state";
import type { Deps } from "../ports";
import type { LockResult, ReconcileResult, RunRef, StepFailure } from "../roll/state";
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

/** The run record's data: the rebalance's counters and notes. */
export interface RebalanceRunData {
  workflow: "rebalance-azs";
  trigger: string;
  /** Moves started. */
  moves: number;
  launched: number;
  removed: number;
  capacityFailures: Record<string, number>;
  /** Why AZRebalance was suspended, per Auto Scaling group this run suspended it on. */
  suspensions: Record<string, string>;
  notes: string[];
  pendingZonalPodsBefore?: number;
  summary?: RebalanceSummary;
}

/** One move: what it planned, launched, chose and removed (its changes are in the journal). */
export interface StoredMove {
  index: number;
  asgName: string;
  startedAt: string;
  /** Zones to launch in, one per instance, and zones to remove one surplus node from, one per node. */
  launches: string[];
  removals: string[];
  /** The group's instances before the move raised its size: anything else alive is the move's launch. */
  membersBefore: string[];
  /** The group's max size before the move raised it: put back once the move is over. */
  maxSizeBefore: number;
  /** Instances this move launched that landed where they were meant to. */
  launched: string[];
  /** Launches that landed outside their short zone (a capacity failure), terminated at once. */
  strayInstances: string[];
  /** The surplus nodes chosen in the long zones. */
  victims: { instanceId: string; availabilityZone: string; nodeName?: string }[];
  /** Victims terminated so far. */
  terminated: string[];
  /** Set when the surplus nodes are chosen: past it, budgets that still refuse halt the run. */
  drainDeadline?: string;
}

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

export const moveKey = (index: number) => `move-${String(index).padStart(5, "0")}`;

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
