/**
 * Coordination with the operation holding the cluster lock (safety invariant 5). A node in the current
 * batch of a running roll, or the victim of a running replacement, is that operation's to drain: a
 * reaction does not drain it a second time, and completes the lifecycle hook of a termination the
 * holder made itself at once (the holder drained the node before terminating it).
 */
import type { Deps } from "../../ports";
import { batchKey, type StoredBatch } from "../../roll/state";
import { type InstanceHolder, REACTION_WORKFLOW } from "./state";

const ROLL_OPERATION = "roll-node-group ";
const UPGRADE_OPERATION = "upgrade-cluster ";

/** The lock operation of a replacement reaction: it names its victim, so other reactions can tell. */
export function replacementOperation(instanceId: string): string {
  return `${REACTION_WORKFLOW} replace ${instanceId}`;
}

/** Step Functions execution ARNs end in ":<name>"; the run id of a workflow is its execution's name. */
function executionName(executionId: string): string {
  return executionId.slice(executionId.lastIndexOf(":") + 1);
}

export async function findInstanceHolder(
  deps: Pick<Deps, "state" | "executions">,
  cluster: string,
  instanceId: string,
  ownExecutionId: string,
): Promise<InstanceHolder | null> {
  const lock = await deps.state.getLock(cluster);
  if (!lock || lock.owner === ownExecutionId) return null;
  const isRoll = lock.operation.startsWith(ROLL_OPERATION) || lock.operation.startsWith(UPGRADE_OPERATION);
  const isReplacement = lock.operation === replacementOperation(instanceId);
  if (!isRoll && !isReplacement) return null;
  // A dead holder holds nothing: its leftovers are reconciled by the next operation that takes the lock.
  if ((await deps.executions.status(lock.owner)) !== "RUNNING") return null;
  const runId = executionName(lock.owner);

  if (isReplacement) {
    return {
      kind: "replacement",
      executionId: lock.owner,
      runId,
      draining: true,
      terminated: false,
      description: `replacement ${runId} of ${instanceId}, which drains it before terminating it`,
    };
  }
  if (lock.operation.startsWith(UPGRADE_OPERATION)) {
    // An upgrade rolls node groups through child executions working under its lock.
    const children = (await deps.state.listRuns(cluster, 20)).filter(
      (run) =>
        run.workflow === "roll-node-group" &&
        run.status === "running" &&
        (run.data as { parentExecutionId?: string }).parentExecutionId === lock.owner,
    );
    for (const child of children) {
      const holder = await rollHolding(
        deps,
        child.runId,
        lock.owner,
        `${lock.operation}, roll of ${child.nodeGroup}`,
        instanceId,
      );
      if (holder) return holder;
    }
    return null;
  }
  return rollHolding(deps, runId, lock.owner, lock.operation, instanceId);
}

/** Waves of a pipelined roll a reaction looks through for its instance. */
const RECENT_WAVES = 20;

/** The roll `runId` holds the instance when it is a victim of one of the roll's latest waves. */
async function rollHolding(
  deps: Pick<Deps, "state">,
  runId: string,
  executionId: string,
  operation: string,
  instanceId: string,
): Promise<InstanceHolder | null> {
  const run = await deps.state.getRun(runId);
  if (run?.status !== "running") return null;
  const started = Number((run.data as { batchesStarted?: number }).batchesStarted ?? 0);
  if (started < 1) return null;
  // A pipelined roll has several waves in flight: look through the latest ones, newest first.
  let batch: StoredBatch | undefined;
  let victim: StoredBatch["victims"][number] | undefined;
  for (let index = started - 1; index >= Math.max(0, started - RECENT_WAVES) && !victim; index--) {
    batch = await deps.state.getItem<StoredBatch>(runId, batchKey(index));
    victim = batch?.victims.find((v) => v.instanceId === instanceId);
  }
  if (!batch || !victim) return null;
  const draining = victim.nodeName !== undefined && batch.cordoned.includes(victim.nodeName);
  const terminated = batch.terminated.includes(instanceId);
  return {
    kind: "roll",
    executionId,
    runId,
    draining,
    terminated,
    description: `roll ${runId} (${operation}), batch ${batch.index + 1}${terminated ? ", which drained and terminated it" : draining ? ", which is draining it" : ", which will drain it"}`,
  };
}
