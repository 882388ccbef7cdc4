/**
 * The node-replacement building blocks a rebalance uses (core/replacement), each reached through one
 * function here: the cluster lock, the one-node drain pass, the run's change journal and the reconciler
 * of dead runs' leftovers, whatever workflow wrote them.
 */
import { ClusterLockedError } from "../errors";
import type { Deps, KubePort } from "../ports";
import { cordonNodes, type EvictionPass, evictionPass } from "../replacement/drain";
import { type Journal, journalFor } from "../replacement/journal";
import { acquireClusterLock, releaseClusterLock } from "../replacement/lock";
import { reconcileDeadRuns as reconcileDeadRunsOfCluster } from "../replacement/reconcile";
import type { ReconcileResult } from "../roll/state";

export const REBALANCE_OPERATION = "rebalance-azs";

/** Takes the cluster lock for this execution, or throws ClusterLockedError naming the holder. */
export async function takeClusterLock(
  deps: Deps,
  cluster: string,
  executionId: string,
): Promise<{ acquired: true; tookOverFrom?: string }> {
  const outcome = await acquireClusterLock(deps, { cluster, owner: executionId, operation: REBALANCE_OPERATION });
  if (!outcome.acquired) throw new ClusterLockedError(outcome.reason);
  return outcome.tookOverFrom ? { acquired: true, tookOverFrom: outcome.tookOverFrom.owner } : { acquired: true };
}

export function releaseLock(deps: Deps, cluster: string, executionId: string): Promise<{ released: boolean }> {
  return releaseClusterLock(deps, cluster, executionId);
}

/** The rebalance run's change journal: every change is recorded before it is made. */
export function rebalanceJournal(
  deps: Pick<Deps, "state" | "clock">,
  cluster: string,
  run: { executionId: string; runId: string },
): Journal {
  return journalFor(deps, { cluster, runId: run.runId, executionId: run.executionId, workflow: REBALANCE_OPERATION });
}

/** The journal entry of a termination the rebalance makes (a surplus node, a launch in the wrong zone). */
export const terminateEntryId = (instanceId: string) => `terminate/${instanceId}`;

/** The journal entries `recordSurge` opens for a group. */
export const surgeEntryIds = (asgName: string) => ({ sizes: `sizes/${asgName}`, launch: `launch/${asgName}` });

/** The journal entry of a node's cordon (drainNodePass). */
export const cordonEntryId = (nodeName: string) => `cordon/${nodeName}`;

/** Repairs what dead runs left behind, whatever workflow wrote them, from their journals. */
export async function reconcileDeadRuns(
  deps: Deps,
  cluster: string,
  run: { executionId: string; runId: string; startedAt: string },
): Promise<ReconcileResult> {
  const dead = await reconcileDeadRunsOfCluster(deps, { cluster, runId: run.runId });
  return { reconciledRuns: dead.reconciledRuns, actions: dead.actions };
}

export interface NodeDrainPass extends EvictionPass {
  nodeGone: boolean;
  cordonedNow: boolean;
}

/** One pass of draining one node: cordon (journalled first, idempotent), then evict through the Eviction API only. */
export async function drainNodePass(
  deps: Deps,
  kube: KubePort,
  journal: Journal,
  node: { runId: string; nodeName: string; instanceId: string; why: string },
): Promise<NodeDrainPass> {
  const [change] = await cordonNodes(deps, kube, journal, cordonEntryId(node.nodeName), [
    { node: node.nodeName, instanceId: node.instanceId, reason: node.why },
  ]);
  if (change === "not-found") {
    return { nodeGone: true, cordonedNow: false, remaining: 0, evicted: 0, refused: 0, blocked: [] };
  }
  const pass = await evictionPass(deps, kube, [node.nodeName], { runId: node.runId, instanceId: node.instanceId });
  return { ...pass, nodeGone: false, cordonedNow: change === "changed", blocked: pass.blocked.slice(0, 5) };
}
