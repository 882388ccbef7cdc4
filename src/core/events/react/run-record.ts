/**
 * A reaction's RUN record in Tugboat's store, so `tug status <cluster>` lists reactions next to rolls.
 * What a reaction changes is in its journal (core/replacement/journal.ts): a reaction that died after
 * its cordon or surge is put back by the next operation that takes the lock (safety invariant 6).
 */
import type { RunRecord, RunStatus } from "../../model/state";
import type { Deps } from "../../ports";
import type { RunRef } from "../../roll/state";
import type { ReactionRequest } from "./request";
import { REACTION_WORKFLOW } from "./state";

export interface ReactionRunData {
  eventId: string;
  eventKind: string;
  action: string;
  instanceId: string;
  nodeName: string | null;
  summary?: { outcome: string; reason: string };
}

export async function recordReactionRun(
  deps: Pick<Deps, "state" | "clock">,
  run: RunRef,
  request: ReactionRequest,
  facts: { nodeGroup: string; nodeName: string | null; action: string },
): Promise<void> {
  const existing = await deps.state.getRun(run.runId);
  if (existing) return; // a retried step: the record is already there
  const now = deps.clock.now().toISOString();
  const data: ReactionRunData = {
    eventId: request.eventId,
    eventKind: request.eventKind,
    action: facts.action,
    instanceId: request.instanceId,
    nodeName: facts.nodeName,
  };
  await deps.state.putRun({
    runId: run.runId,
    cluster: request.cluster,
    nodeGroup: facts.nodeGroup,
    workflow: REACTION_WORKFLOW,
    status: "running",
    startedAt: run.startedAt || now,
    updatedAt: now,
    data: data as unknown as Record<string, unknown>,
  });
}

export async function updateReactionRun(
  deps: Pick<Deps, "state" | "clock">,
  runId: string,
  change: (data: ReactionRunData, run: RunRecord) => void,
  status?: RunStatus,
): Promise<void> {
  const run = await deps.state.getRun(runId);
  if (!run) return;
  change(run.data as unknown as ReactionRunData, run);
  if (status) run.status = status;
  run.updatedAt = deps.clock.now().toISOString();
  await deps.state.putRun(run);
}
