/**
 * Cordons a wave of the roll (a set of victims stored under batchKey) and starts its drain clock.
 */

import { API_CONCURRENCY, mapPool } from "../../concurrency";
import type { Deps } from "../../ports";
import { type Journal, rollJournal } from "../../replacement/journal";
import { batchKey, type DrainResult, type RollState, type StoredBatch } from "../../roll/state";
import { traceNodeAction } from "../../trace";

const seconds = (deps: Deps, s: number) => new Date(deps.clock.now().getTime() + s * 1000).toISOString();

/** Cordons the batch and starts its drain clock. */
export async function cordonBatch(
  deps: Deps,
  state: RollState,
  journal: Journal = rollJournal(deps, state),
  known?: Map<number, StoredBatch>,
): Promise<DrainResult> {
  const { input, run, batch } = state;
  if (!batch) throw new Error("cordon without a batch");
  const stored = known?.get(batch.index) ?? (await deps.state.getItem<StoredBatch>(run.runId, batchKey(batch.index)));
  if (!stored) throw new Error(`batch ${batch.index} of run ${run.runId} is not in the store`);
  const kube = await deps.kube(input.cluster);
  const nodes = stored.victims.flatMap((v) => (v.nodeName ? [{ node: v.nodeName, instanceId: v.instanceId }] : []));
  await journal.record({ id: `batch-${batch.index}/cordon`, kind: "cordon", nodes });
  const changes = await mapPool(stored.victims, API_CONCURRENCY, async (victim) => {
    if (!victim.nodeName) return "not-found";
    const change = await kube.setUnschedulable(victim.nodeName, true);
    if (change === "changed") {
      await traceNodeAction(deps.log, kube, {
        runId: run.runId,
        node: victim.nodeName,
        instanceId: victim.instanceId,
        action: "cordon",
        reason: `cordoned ${victim.nodeName} for replacement: ${victim.reasons.join(", ")}`,
      });
    }
    return change;
  });
  stored.victims.forEach((victim, i) => {
    if (victim.nodeName && changes[i] !== "not-found" && !stored.cordoned.includes(victim.nodeName)) {
      stored.cordoned.push(victim.nodeName);
    }
  });
  await deps.state.putItem(run.runId, batchKey(batch.index), stored);
  return {
    done: false,
    failed: false,
    attempts: 0,
    deadline: seconds(deps, input.drainTimeoutSeconds),
    startedAt: deps.clock.now().toISOString(),
    remainingPods: -1,
    blocked: [],
    retryInSeconds: 2,
  };
}
