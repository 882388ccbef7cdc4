/**
 * The `drain` reaction (Spot interruption warning, instance stopping or shutting down): cordon within
 * the first step, evict through the Eviction API, and keep at it until the node is empty or the
 * event's deadline passes. A node a running roll is already draining is watched, not drained twice.
 */
import { POD_START } from "../../estimates/defaults";
import type { Deps, KubePort } from "../../ports";
import { cordonNodes, drainablePodsOn, type EvictionPass, evictionPass, nextDrainLook } from "../../replacement/drain";
import { type Journal, journalFor } from "../../replacement/journal";
import { traceNodeAction } from "../../trace";
import type { ReactionRequest } from "./request";
import {
  type BlockedPod,
  finishedReaction,
  REACTION_WORKFLOW,
  type ReactionProgress,
  type ReactionState,
  type TargetResult,
} from "./state";

/** The reaction's change journal (core/replacement/journal.ts): its cordon, a replacement's surge. */
export function reactionJournal(deps: Pick<Deps, "state" | "clock">, state: ReactionState): Journal {
  return journalFor(deps, {
    cluster: state.request.cluster,
    runId: state.run.runId,
    executionId: state.run.executionId,
    workflow: REACTION_WORKFLOW,
  });
}

/** The journal entry of the reaction's cordon of its node. */
export const CORDON_ENTRY = "cordon";

export interface DrainPassInput {
  nodeName: string;
  instanceId: string;
  /** Another operation is draining the node: look at it, evict nothing (no node is drained twice). */
  watchOnly: boolean;
  /** Why the node is cordoned, for its trace. */
  why: string;
}

export interface DrainPassResult extends EvictionPass {
  /** The node object no longer exists. */
  nodeGone: boolean;
  /** This pass cordoned the node (it was schedulable before). */
  cordonedNow: boolean;
}

/**
 * One pass of draining the event's node: cordon (recorded in the journal first; "already cordoned" is
 * success), then one eviction pass of the shared drain (core/replacement/drain.ts). Evictions go out
 * all at once on the first pass, so that pods with the default 30 s grace period are gone well before
 * a Spot instance's two minutes are up.
 */
export async function drainPass(
  deps: Pick<Deps, "log" | "state" | "clock">,
  kube: KubePort,
  state: ReactionState,
  input: DrainPassInput,
): Promise<DrainPassResult> {
  const { nodeName, instanceId } = input;
  const runId = state.run.runId;
  if (input.watchOnly) {
    const pods = (await drainablePodsOn(kube, [nodeName])).get(nodeName) ?? [];
    return { nodeGone: false, cordonedNow: false, remaining: pods.length, evicted: 0, refused: 0, blocked: [] };
  }
  const [change] = await cordonNodes(deps, kube, reactionJournal(deps, state), CORDON_ENTRY, [
    { node: nodeName, instanceId, reason: input.why },
  ]);
  if (change === "not-found") {
    return { nodeGone: true, cordonedNow: false, remaining: 0, evicted: 0, refused: 0, blocked: [] };
  }
  const pass = await evictionPass(deps, kube, [nodeName], { runId, instanceId });
  return { ...pass, nodeGone: false, cordonedNow: change === "changed", blocked: pass.blocked.slice(0, 5) };
}

/** Folds a pass into the loop's progress: counters add up, the rest is the latest view. */
export function afterPass(
  previous: ReactionProgress | undefined,
  pass: DrainPassResult,
  fields: Partial<ReactionProgress>,
): ReactionProgress {
  return {
    ...(previous ?? {
      done: false,
      failed: false,
      phase: "draining",
      attempts: 0,
      retryInSeconds: 2,
      evicted: 0,
      refusedByPdb: 0,
    }),
    ...fields,
    attempts: (previous?.attempts ?? 0) + 1,
    evicted: (previous?.evicted ?? 0) + pass.evicted,
    refusedByPdb: (previous?.refusedByPdb ?? 0) + pass.refused,
    remainingPods: pass.remaining,
    blocked: pass.blocked,
  };
}

export function describeBlocked(blocked: BlockedPod[]): string {
  const first = blocked[0];
  if (!first) return "";
  return `pod ${first.pod} cannot be evicted: ${first.message}${blocked.length > 1 ? ` (and ${blocked.length - 1} more)` : ""}`;
}

/** An event whose deadline is already behind us (a late delivery, a "shutting-down" notice) still gets this long. */
export const MIN_DRAIN_WINDOW_SECONDS = 30;

export function requireTarget(state: ReactionState): TargetResult {
  if (!state.target) throw new Error("reaction step before the target was looked at");
  return state.target;
}

/** The event's deadline (not earlier than the minimum window), else the configured drain timeout. */
export function initialDrainDeadline(request: ReactionRequest, nowMs: number): { ms: number; hard: boolean } {
  if (request.deadline) {
    return { ms: Math.max(Date.parse(request.deadline), nowMs + MIN_DRAIN_WINDOW_SECONDS * 1000), hard: true };
  }
  return { ms: nowMs + request.timing.drainTimeoutSeconds * 1000, hard: false };
}

export type DrainVerdict = "drained" | "gone" | "deadline" | "continue";

/**
 * Past a hard deadline the instance is going away whatever is left on it. Past a soft one (a drain
 * timeout), only budgets that keep refusing end the drain: terminating pods get their grace period.
 */
export function drainVerdict(pass: DrainPassResult, nowMs: number, deadlineMs: number, hard: boolean): DrainVerdict {
  if (pass.nodeGone) return "gone";
  if (pass.remaining === 0) return "drained";
  if (nowMs >= deadlineMs && (hard || pass.blocked.length > 0)) return "deadline";
  return "continue";
}

export interface DrainLoopContext {
  deps: Deps;
  kube: KubePort;
  state: ReactionState;
  nodeName: string;
  watchOnly: boolean;
  why: string;
  /** Overrides the event's deadline (a replacement drains within the drain timeout, whatever the event said). */
  deadline?: { ms: number; hard: boolean };
  /** The loop's progress so far, when the caller has already moved it on in this pass (default: the state's). */
  previous?: ReactionProgress;
}

/** Runs one pass and turns it into the loop's next progress; shared by every reaction that drains. */
export async function drainLoopPass(
  ctx: DrainLoopContext,
): Promise<{ progress: ReactionProgress; verdict: DrainVerdict }> {
  const { deps, kube, state, nodeName } = ctx;
  const { request, run } = state;
  const before = ctx.previous ?? state.reaction;
  const previous = before?.phase === "draining" ? before : undefined;
  const nowMs = deps.clock.now().getTime();
  const hard = ctx.deadline?.hard ?? request.deadline !== null;
  const deadline = previous?.drainDeadline
    ? { ms: Date.parse(previous.drainDeadline), hard }
    : (ctx.deadline ?? initialDrainDeadline(request, nowMs));
  const pass = await drainPass(deps, kube, state, {
    nodeName,
    instanceId: request.instanceId,
    watchOnly: ctx.watchOnly,
    why: ctx.why,
  });
  const verdict = drainVerdict(pass, nowMs, deadline.ms, deadline.hard);
  const progressAt = pass.evicted > 0 || !previous?.progressAt ? new Date(nowMs).toISOString() : previous.progressAt;
  const progress = afterPass(before, pass, {
    phase: "draining",
    drainDeadline: new Date(deadline.ms).toISOString(),
    progressAt,
    retryInSeconds: nextDrainLook({
      secondsSinceProgress: (nowMs - Date.parse(progressAt)) / 1000,
      refused: pass.blocked.length > 0,
      podStartSeconds: POD_START.median,
      secondsToDeadline: (deadline.ms - nowMs) / 1000,
    }),
    // Only when this reaction cordoned the node: a failed replacement uncordons only what it cordoned.
    ...(pass.cordonedNow ? { cordonedAt: new Date(nowMs).toISOString() } : {}),
  });
  if (verdict === "drained") {
    progress.drainedAt = new Date(nowMs).toISOString();
    const by = ctx.watchOnly ? "by the operation holding it" : `${progress.evicted} pods evicted`;
    await traceNodeAction(deps.log, kube, {
      runId: run.runId,
      node: nodeName,
      instanceId: request.instanceId,
      action: "drained",
      reason: `drained ${nodeName} (${by}) for ${request.eventKind}`,
    });
  }
  return { progress, verdict };
}

export function drainFailureReason(nodeName: string, progress: ReactionProgress, deadlineHard: boolean): string {
  const blocked = describeBlocked(progress.blocked ?? []);
  const when = deadlineHard ? "before the event's deadline" : "within the drain timeout";
  return `could not drain ${nodeName} ${when} (${progress.drainDeadline}): ${progress.remainingPods} pods left${blocked ? `; ${blocked}` : ""}`;
}

export async function drainForEvent(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  const target = requireTarget(state);
  const { request } = state;
  if (!target.nodeName) {
    return finishedReaction("no node to drain");
  }
  const kube = await deps.kube(request.cluster);
  const watchOnly = target.holder?.draining ?? false;
  const { progress, verdict } = await drainLoopPass({
    deps,
    kube,
    state,
    nodeName: target.nodeName,
    watchOnly,
    why: `cordoned ${target.nodeName}: ${request.reason}`,
  });
  switch (verdict) {
    case "drained":
      return {
        ...progress,
        done: true,
        phase: "done",
        reason:
          progress.evicted > 0 || watchOnly
            ? `drained ${target.nodeName}: ${progress.evicted} pods evicted${watchOnly ? " (by the operation holding it)" : ""}`
            : `nothing left to drain on ${target.nodeName}`,
      };
    case "gone":
      return {
        ...progress,
        done: true,
        phase: "done",
        failed: (state.reaction?.remainingPods ?? 0) > 0,
        reason: `node ${target.nodeName} went away while draining, with ${state.reaction?.remainingPods ?? 0} pods left on it at the last look`,
      };
    case "deadline":
      return {
        ...progress,
        failed: true,
        phase: "done",
        reason: drainFailureReason(target.nodeName, progress, request.deadline !== null),
      };
    case "continue":
      return progress;
  }
}
