/**
 * The way out of every reaction, success or not (safety invariant 7): a replacement that stopped half
 * way puts its group back (strays terminated, max size restored, the victim uncordoned), a terminate
 * hook the reaction did not complete is completed so the instance is not held until the hook times
 * out, the cluster lock is released, and the RUN record says what happened.
 */
import { describeError } from "../../errors";
import type { Deps } from "../../ports";
import { releaseClusterLock } from "../../replacement/lock";
import { reconcile } from "../../replacement/reconcile";
import { CORDON_ENTRY, reactionJournal } from "./drain-step";
import { completeHook } from "./lifecycle-steps";
import { reactionRequestSchema } from "./request";
import { updateReactionRun } from "./run-record";
import type { ReactionOutcome, ReactionState, ReactionSummary } from "./state";

/**
 * A replacement puts its group back from its journal (core/replacement/reconcile.ts), whether it
 * finished or not: the victim uncordoned unless terminated, instances that never joined terminated,
 * the max size restored. Any other reaction's cordon is final: its node is going away.
 */
async function settleJournal(deps: Deps, state: ReactionState, action: string, notes: string[]): Promise<void> {
  const journal = reactionJournal(deps, state);
  if (action !== "replace") return journal.settle(CORDON_ENTRY);
  const { actions } = await reconcile(journal, deps);
  notes.push(...actions);
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

  await settleJournal(deps, state, action, notes).catch((err) => notes.push(`restore failed: ${describeError(err)}`));
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
