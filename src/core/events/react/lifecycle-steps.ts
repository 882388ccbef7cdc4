/**
 * Reactions to Auto Scaling lifecycle hooks. Every path ends in a completed hook: an instance left in
 * Terminating:Wait or Pending:Wait blocks its group until the hook times out, which is the failure
 * users of other termination handlers keep hitting when a node is already gone.
 *
 * - terminate: drain, recording a heartbeat every HEARTBEAT_EVERY_SECONDS (well inside the 30 s minimum
 *   heartbeat timeout, so any hook configuration holds), then CONTINUE;
 * - launch: CONTINUE once the instance's node is Ready, ABANDON if it never joins;
 * - a hook with nothing to wait for (no node, warm pool, the holder's own termination): complete at once.
 */
import type { Deps } from "../../ports";
import { traceNodeAction } from "../../trace";
import { drainFailureReason, drainLoopPass, requireTarget } from "./drain-step";
import { matchNode } from "./identity";
import type { ReactionLifecycle } from "./request";
import type { ReactionProgress, ReactionState } from "./state";

export const HEARTBEAT_EVERY_SECONDS = 10;
/** How often a launch is looked at while its node boots and joins. */
const READY_POLL_SECONDS = 10;

function requireLifecycle(state: ReactionState): ReactionLifecycle {
  const lifecycle = state.request.lifecycle;
  if (!lifecycle) throw new Error(`reaction ${state.run.runId}: a lifecycle step without a lifecycle action`);
  return lifecycle;
}

function started(): ReactionProgress {
  return { done: false, failed: false, phase: "started", attempts: 0, retryInSeconds: 0, evicted: 0, refusedByPdb: 0 };
}

/** CompleteLifecycleAction; "not-found" (completed by someone, or timed out) is an outcome, not an error. */
export async function completeHook(
  deps: Pick<Deps, "autoScaling" | "log">,
  state: ReactionState,
  result: "CONTINUE" | "ABANDON",
  why: string,
): Promise<"CONTINUE" | "ABANDON" | "not-found"> {
  const lifecycle = requireLifecycle(state);
  const outcome = await deps.autoScaling.completeLifecycleAction({
    groupName: lifecycle.groupName,
    hookName: lifecycle.hookName,
    instanceId: lifecycle.instanceId,
    token: lifecycle.token,
    result,
  });
  const attributes = { runId: state.run.runId, instanceId: lifecycle.instanceId, hook: lifecycle.hookName, result };
  if (outcome === "not-found") {
    deps.log.warn(
      `lifecycle action ${lifecycle.hookName} of ${lifecycle.instanceId} was no longer active: ${why}`,
      attributes,
    );
    return "not-found";
  }
  deps.log.info(
    `completed lifecycle action ${lifecycle.hookName} of ${lifecycle.instanceId} with ${result}: ${why}`,
    attributes,
  );
  return result;
}

export async function completeLifecycleNow(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  const note = state.target?.note || state.request.reason;
  const completed = await completeHook(deps, state, "CONTINUE", note);
  return {
    ...started(),
    done: true,
    phase: "done",
    attempts: 1,
    lifecycleCompleted: completed,
    reason: `lifecycle action ${completed === "not-found" ? "already gone" : "completed with CONTINUE"}: ${note}`,
  };
}

export async function drainAndCompleteLifecycle(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  const target = requireTarget(state);
  const lifecycle = requireLifecycle(state);
  const { request } = state;
  const nowMs = deps.clock.now().getTime();
  const previous = state.reaction ?? started();
  const lastBeat = Date.parse(previous.lastHeartbeatAt ?? request.eventTime ?? request.receivedAt);
  let heartbeat: Pick<ReactionProgress, "lastHeartbeatAt" | "heartbeats"> = {};
  if (nowMs - lastBeat >= HEARTBEAT_EVERY_SECONDS * 1000) {
    const beat = await deps.autoScaling.recordLifecycleActionHeartbeat({
      groupName: lifecycle.groupName,
      hookName: lifecycle.hookName,
      instanceId: lifecycle.instanceId,
      token: lifecycle.token,
    });
    if (beat === "not-found") {
      return {
        ...previous,
        done: true,
        phase: "done",
        lifecycleCompleted: "not-found",
        reason: `lifecycle action ${lifecycle.hookName} of ${lifecycle.instanceId} is no longer active (completed elsewhere or timed out); the drain stops`,
      };
    }
    heartbeat = { lastHeartbeatAt: new Date(nowMs).toISOString(), heartbeats: (previous.heartbeats ?? 0) + 1 };
  }
  if (!target.nodeName) return completeLifecycleNow(deps, state);
  const nodeName = target.nodeName;
  const kube = await deps.kube(request.cluster);
  const watchOnly = target.holder?.draining ?? false;
  const { progress, verdict } = await drainLoopPass({
    deps,
    kube,
    state,
    nodeName,
    watchOnly,
    why: `cordoned ${nodeName}: ${request.reason}`,
  });
  const withBeat = { ...progress, ...heartbeat, heartbeats: heartbeat.heartbeats ?? previous.heartbeats ?? 0 };
  if (verdict === "continue") return withBeat;
  if (verdict === "deadline") {
    // The hook cannot hold the instance for ever, and a timed-out hook helps nobody: complete and say why.
    const reason = drainFailureReason(nodeName, withBeat, false);
    const completed = await completeHook(deps, state, "CONTINUE", reason);
    return { ...withBeat, done: false, failed: true, phase: "done", lifecycleCompleted: completed, reason };
  }
  const why = verdict === "gone" ? `node ${nodeName} is gone` : `drained ${nodeName}`;
  const completed = await completeHook(deps, state, "CONTINUE", `${why} (${withBeat.heartbeats} heartbeats)`);
  return {
    ...withBeat,
    done: true,
    phase: "done",
    lifecycleCompleted: completed,
    reason: `${why}, then completed the lifecycle action`,
  };
}

export async function awaitReadyAndCompleteLifecycle(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  const { request, run } = state;
  const lifecycle = requireLifecycle(state);
  const nowMs = deps.clock.now().getTime();
  const previous = state.reaction ?? started();
  const since = Date.parse(request.eventTime ?? request.receivedAt);
  const readyDeadline =
    previous.readyDeadline ?? new Date(since + request.timing.readyTimeoutSeconds * 1000).toISOString();
  const base = { ...previous, attempts: previous.attempts + 1, phase: "awaiting-node", readyDeadline };

  const [instance] = await deps.ec2.describeInstances([request.instanceId]);
  if (!instance || instance.state === "terminated" || instance.state === "shutting-down") {
    return {
      ...base,
      done: true,
      phase: "done",
      reason: `${request.instanceId} went away before its node joined; its lifecycle action went with it`,
    };
  }
  const kube = await deps.kube(request.cluster);
  const node = matchNode(await kube.listNodes(), request.instanceId, instance.privateDnsName || request.privateDnsName);
  if (node?.ready) {
    if (lifecycle.rootVolumeReplacement && node.unschedulable) {
      // Cordoned for the root volume swap by this instance's terminate hook; back in service now.
      await kube.setUnschedulable(node.name, false);
      await traceNodeAction(deps.log, kube, {
        runId: run.runId,
        node: node.name,
        instanceId: request.instanceId,
        action: "uncordon",
        reason: `uncordoned ${node.name}: back from root volume replacement and Ready`,
      });
    }
    const completed = await completeHook(deps, state, "CONTINUE", `node ${node.name} is Ready`);
    return {
      ...base,
      done: true,
      phase: "done",
      lifecycleCompleted: completed,
      reason: `node ${node.name} is Ready; lifecycle action completed`,
    };
  }
  if (nowMs >= Date.parse(readyDeadline)) {
    const why = node
      ? `node ${node.name} registered but is not Ready after ${request.timing.readyTimeoutSeconds} s`
      : `${request.instanceId} did not join the cluster within ${request.timing.readyTimeoutSeconds} s (no node with its providerID or private DNS name): check the AMI, user data, node IAM role and access entries`;
    const completed = await completeHook(deps, state, lifecycle.resultIfNeverReady ?? "ABANDON", why);
    return {
      ...base,
      done: true,
      phase: "done",
      lifecycleCompleted: completed,
      reason: `${why}; lifecycle action abandoned so Auto Scaling replaces the instance`,
    };
  }
  return { ...base, retryInSeconds: READY_POLL_SECONDS };
}
