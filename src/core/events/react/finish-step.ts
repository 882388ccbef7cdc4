/**
 * The way out of every reaction, success or not (safety invariant 7): a replacement that stopped half
 * way puts its group back (strays terminated, max size restored, the victim uncordoned), a terminate
 * hook the reaction did not complete is completed so the instance is not held until the hook times
 * out, the cluster lock is released, and the RUN record says what happened.
 */
import { describeError } from "../../errors";
import { releaseClusterLock } from "../../replacement/lock";
import type { Deps } from "../../ports";
import { traceNodeAction } from "../../trace";
import { completeHook } from "./lifecycle-steps";
import { reactionRequestSchema } from "./request";
import { updateReactionRun } from "./run-record";
import {
  REPLACEMENT_KEY,
  type ReactionOutcome,
  type ReactionState,
  type ReactionSummary,
  type StoredReplacement,
} from "./state";

async function restoreReplacement(deps: Deps, state: ReactionState, notes: string[]): Promise<void> {
  const { request, run, reaction } = state;
  const stored = await deps.state.getItem<StoredReplacement>(run.runId, REPLACEMENT_KEY);
  if (!stored || reaction?.terminated) return;
  const kube = await deps.kube(request.cluster);
  const nodeName = state.target?.nodeName;
  if (nodeName && reaction?.cordonedAt) {
    if ((await kube.setUnschedulable(nodeName, false)) === "changed") {
      notes.push(`uncordoned ${nodeName}`);
      await traceNodeAction(deps.log, kube, {
        runId: run.runId,
        node: nodeName,
        instanceId: request.instanceId,
        action: "uncordon",
        reason: `uncordoned ${nodeName}: its replacement stopped before terminating it`,
      });
    }
  }
  const group = await deps.autoScaling.describeGroup(stored.asgName);
  if (!group) return;
  const nodes = await kube.listNodes();
  const strays = group.instances.filter(
    (i) =>
      !stored.membersBefore.includes(i.instanceId) &&
      i.instanceId !== reaction?.replacementId &&
      !nodes.some((n) => n.instanceId === i.instanceId && n.ready),
  );
  for (const stray of strays) {
    if ((await deps.autoScaling.terminateInstance(stray.instanceId, true)) === "terminating") {
      notes.push(`terminated ${stray.instanceId}, which never joined the cluster`);
    }
  }
  const after = await deps.autoScaling.describeGroup(stored.asgName);
  const maxSize = Math.max(stored.original.maxSize, after?.desiredCapacity ?? 0);
  if (after && after.maxSize !== maxSize) {
    await deps.autoScaling.updateSizes(stored.asgName, { maxSize });
    notes.push(`restored ${stored.asgName} max ${maxSize}`);
  }
  if (after && after.desiredCapacity > stored.original.desiredCapacity) {
    notes.push(
      `desired capacity left at ${after.desiredCapacity}: the Ready replacement keeps serving next to ${request.instanceId}`,
    );
  }
}

function outcomeOf(state: ReactionState): ReactionOutcome {
  if (state.error || state.reaction?.failed) return "failed";
  if (state.target?.action === "ignore") return "ignored";
  return "succeeded";
}

function reasonOf(state: ReactionState): string {
  if (state.error) {
    let cause = state.error.Cause;
    try {
      cause = (JSON.parse(state.error.Cause) as { errorMessage?: string }).errorMessage ?? cause;
    } catch {
      // Cause is not Lambda's JSON: keep it as it is.
    }
    return `${state.error.Error}: ${cause}`;
  }
  return state.reaction?.reason ?? state.target?.note ?? state.request.reason;
}

export async function finishReaction(deps: Deps, state: ReactionState): Promise<ReactionSummary> {
  const { run } = state;
  const parsed = reactionRequestSchema.safeParse(state.request);
  if (!parsed.success) {
    // Nothing was done for a request that never validated: say why, touch nothing.
    const raw = (state.request ?? {}) as Partial<ReactionState["request"]>;
    return {
      outcome: "failed",
      eventId: String(raw.eventId ?? ""),
      cluster: String(raw.cluster ?? ""),
      instanceId: String(raw.instanceId ?? ""),
      nodeName: null,
      action: "ignore",
      reason: reasonOf(state),
      podsEvicted: 0,
      lifecycleCompleted: null,
      notes: [],
    };
  }
  const request = parsed.data;
  const notes: string[] = [];
  const outcome = outcomeOf(state);
  const action = state.target?.action ?? request.action;
  let lifecycleCompleted = state.reaction?.lifecycleCompleted ?? null;

  if (outcome === "failed" && action === "replace") {
    await restoreReplacement(deps, state, notes).catch((err) => notes.push(`restore failed: ${describeError(err)}`));
  }
  const lifecycle = request.lifecycle;
  if (outcome === "failed" && lifecycle?.transition === "autoscaling:EC2_INSTANCE_TERMINATING" && !lifecycleCompleted) {
    lifecycleCompleted = await completeHook(
      deps,
      state,
      "CONTINUE",
      "the reaction failed; the instance is not held until its hook times out",
    ).catch((err) => {
      notes.push(`could not complete the lifecycle action: ${describeError(err)}`);
      return null;
    });
  }
  if (state.reaction?.lockHeld || action === "replace") {
    const { released } = await releaseClusterLock(deps, request.cluster, run.executionId);
    if (released) notes.push(`released the cluster lock of ${request.cluster}`);
  }
  const reason = reasonOf(state);
  const summary: ReactionSummary = {
    outcome,
    eventId: request.eventId,
    cluster: request.cluster,
    instanceId: request.instanceId,
    nodeName: state.target?.nodeName ?? request.nodeName,
    action,
    reason,
    podsEvicted: state.reaction?.evicted ?? 0,
    lifecycleCompleted,
    notes,
  };
  await updateReactionRun(
    deps,
    run.runId,
    (data) => {
      data.summary = { outcome, reason };
    },
    outcome === "failed" ? "failed" : "succeeded",
  );
  const log = outcome === "failed" ? deps.log.warn : deps.log.info;
  log.call(deps.log, `reaction ${run.runId} ${outcome}: ${reason}`, {
    runId: run.runId,
    instanceId: request.instanceId,
    action,
  });
  return summary;
}
