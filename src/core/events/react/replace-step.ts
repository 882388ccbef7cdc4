/**
 * The `replace` reaction (rebalance recommendation, AWS Health scheduled retirement or maintenance):
 * surge first, like a roll (safety invariant 4). One pass per call, moving through phases:
 *
 *   waiting-for-lock → surging → awaiting-replacement → draining → terminating → done
 *
 * It takes the cluster lock, because it changes the group's sizes; raises desired capacity by one;
 * waits for a new Ready node (Auto Scaling launches into the zone with the fewest instances, so the
 * replacement is the victim's zone's when the group is balanced; docs/events.md says what happens
 * otherwise); then drains the victim and terminates it with the desired capacity decremented.
 */
import { ClusterLockedError } from "../../errors";
import type { Deps } from "../../ports";
import { recordSurge } from "../../replacement/journal";
import { acquireClusterLock } from "../../replacement/lock";
import { reconcileDeadRuns } from "../../replacement/reconcile";
import { traceNodeAction } from "../../trace";
import { drainFailureReason, drainLoopPass, reactionJournal, requireTarget } from "./drain-step";
import { replacementOperation } from "./holder";
import { matchNode } from "./identity";
import { REPLACEMENT_KEY, type ReactionProgress, type ReactionState, type StoredReplacement } from "./state";

const LOCK_POLL_SECONDS = 30;
const READY_POLL_SECONDS = 10;

type Pass = { next: ReactionProgress } | { final: ReactionProgress };

function isoIn(deps: Pick<Deps, "clock">, seconds: number): string {
  return new Date(deps.clock.now().getTime() + seconds * 1000).toISOString();
}

function fail(progress: ReactionProgress, reason: string): Pass {
  return { final: { ...progress, done: false, failed: true, phase: "done", reason } };
}

async function takeLock(deps: Deps, state: ReactionState, progress: ReactionProgress): Promise<Pass> {
  const { request, run } = state;
  const outcome = await acquireClusterLock(deps, {
    cluster: request.cluster,
    owner: run.executionId,
    operation: replacementOperation(request.instanceId),
  });
  if (outcome.acquired) {
    // Holding the lock, put back what dead runs left (their journals) before changing the group.
    const dead = await reconcileDeadRuns(deps, { cluster: request.cluster, runId: run.runId });
    if (dead.reconciledRuns.length > 0) {
      deps.log.warn(`reconciled the leftovers of ${dead.reconciledRuns.join(", ")}`, {
        runId: run.runId,
        actions: dead.actions,
      });
    }
    return { next: { ...progress, lockHeld: true, phase: "surging" } };
  }
  const lockDeadline = progress.lockDeadline ?? isoIn(deps, request.timing.lockWaitSeconds);
  if (deps.clock.now().getTime() >= Date.parse(lockDeadline)) {
    // Nothing was changed yet and the lock is another execution's: Finish reaction leaves it alone.
    throw new ClusterLockedError(
      `gave up waiting ${request.timing.lockWaitSeconds} s for the cluster lock: ${outcome.reason}`,
    );
  }
  return {
    final: {
      ...progress,
      phase: "waiting-for-lock",
      lockDeadline,
      retryInSeconds: LOCK_POLL_SECONDS,
      reason: outcome.reason,
    },
  };
}

async function surge(deps: Deps, state: ReactionState, progress: ReactionProgress): Promise<Pass> {
  const { request, run } = state;
  const groupName = requireTarget(state).groupName;
  if (!groupName) {
    return fail(
      progress,
      `${request.instanceId} is not in an Auto Scaling group: Tugboat cannot launch its replacement`,
    );
  }
  const group = await deps.autoScaling.describeGroup(groupName);
  if (!group) return fail(progress, `Auto Scaling group ${groupName} of ${request.instanceId} no longer exists`);
  if (!group.instances.some((i) => i.instanceId === request.instanceId)) {
    return {
      final: {
        ...progress,
        done: true,
        phase: "done",
        reason: `${request.instanceId} has left ${groupName}: nothing to replace`,
      },
    };
  }
  // A retried step finds its own bookkeeping and does not surge twice.
  if (!(await deps.state.getItem<StoredReplacement>(run.runId, REPLACEMENT_KEY))) {
    const original = { minSize: group.minSize, maxSize: group.maxSize, desiredCapacity: group.desiredCapacity };
    const stored: StoredReplacement = {
      asgName: group.name,
      original,
      membersBefore: group.instances.map((i) => i.instanceId),
      surgedAt: deps.clock.now().toISOString(),
    };
    await deps.state.putItem(run.runId, REPLACEMENT_KEY, stored);
    await recordSurge(reactionJournal(deps, state), group);
    const desired = original.desiredCapacity + 1;
    if (desired > group.maxSize) await deps.autoScaling.updateSizes(group.name, { maxSize: desired });
    await deps.autoScaling.updateSizes(group.name, { desiredCapacity: desired });
    deps.log.info(`surged ${group.name} to ${desired} to replace ${request.instanceId}`, { runId: run.runId });
  }
  return {
    final: {
      ...progress,
      phase: "awaiting-replacement",
      readyDeadline: isoIn(deps, request.timing.readyTimeoutSeconds),
      retryInSeconds: READY_POLL_SECONDS,
    },
  };
}

async function awaitReplacement(deps: Deps, state: ReactionState, progress: ReactionProgress): Promise<Pass> {
  const { request, run } = state;
  const stored = await deps.state.getItem<StoredReplacement>(run.runId, REPLACEMENT_KEY);
  if (!stored)
    throw new Error(`replacement of ${request.instanceId}: run ${run.runId} has no bookkeeping in the store`);
  const group = await deps.autoScaling.describeGroup(stored.asgName);
  const newcomers = (group?.instances ?? []).filter(
    (i) => !stored.membersBefore.includes(i.instanceId) && !i.lifecycleState.startsWith("Terminating"),
  );
  const instances = newcomers.length > 0 ? await deps.ec2.describeInstances(newcomers.map((i) => i.instanceId)) : [];
  const nodes = newcomers.length > 0 ? await (await deps.kube(request.cluster)).listNodes() : [];
  const ready = newcomers
    .map((member) => {
      const dns = instances.find((i) => i.instanceId === member.instanceId)?.privateDnsName ?? null;
      return { member, node: matchNode(nodes, member.instanceId, dns) };
    })
    .filter(({ node }) => node?.ready && !node.unschedulable);
  const zone = requireTarget(state).availabilityZone;
  const chosen = ready.find(({ member }) => member.availabilityZone === zone) ?? ready[0];
  if (chosen) {
    if (chosen.member.availabilityZone !== zone) {
      deps.log.warn(
        `the replacement of ${request.instanceId} landed in ${chosen.member.availabilityZone}, not ${zone}: Auto Scaling's zone balancing chose it, and its AZRebalance restores ${zone} after the termination`,
        { runId: run.runId },
      );
    }
    return {
      next: {
        ...progress,
        phase: "draining",
        replacementId: chosen.member.instanceId,
        replacementZone: chosen.member.availabilityZone,
      },
    };
  }
  if (deps.clock.now().getTime() < Date.parse(progress.readyDeadline ?? "")) {
    return { final: { ...progress, retryInSeconds: READY_POLL_SECONDS } };
  }
  const stray = newcomers.map((i) => i.instanceId);
  return fail(
    progress,
    `no replacement for ${request.instanceId} became a Ready node within ${request.timing.readyTimeoutSeconds} s` +
      (stray.length > 0
        ? `: ${stray.join(", ")} launched but never joined (check the AMI, user data, node IAM role and access entries)`
        : ": nothing was launched (check the group's scaling activities for capacity or quota errors)"),
  );
}

async function drainVictim(deps: Deps, state: ReactionState, progress: ReactionProgress): Promise<Pass> {
  const { request } = state;
  const nodeName = requireTarget(state).nodeName;
  if (!nodeName) return { next: { ...progress, phase: "terminating" } };
  const { progress: drained, verdict } = await drainLoopPass({
    deps,
    kube: await deps.kube(request.cluster),
    state,
    nodeName,
    watchOnly: false,
    why: `cordoned ${nodeName} for replacement by ${progress.replacementId}: ${request.reason}`,
    deadline: { ms: deps.clock.now().getTime() + request.timing.drainTimeoutSeconds * 1000, hard: false },
    previous: progress,
  });
  if (verdict === "continue") return { final: drained };
  if (verdict === "deadline") return fail(drained, drainFailureReason(nodeName, drained, false));
  return { next: { ...drained, phase: "terminating" } };
}

async function terminateVictim(deps: Deps, state: ReactionState, progress: ReactionProgress): Promise<Pass> {
  const { request, run } = state;
  await reactionJournal(deps, state).record({
    id: "terminate",
    kind: "terminate",
    instanceIds: [request.instanceId],
  });
  const result = await deps.autoScaling.terminateInstance(request.instanceId, true);
  const nodeName = requireTarget(state).nodeName;
  if (nodeName) {
    await traceNodeAction(deps.log, await deps.kube(request.cluster), {
      runId: run.runId,
      node: nodeName,
      instanceId: request.instanceId,
      action: "terminate",
      reason: `terminated ${request.instanceId} (${nodeName}) with desired capacity decremented, replaced by ${progress.replacementId}`,
    });
  }
  // The max size raised for the surge is restored by Finish reaction, from the journal.
  const where = progress.replacementZone ? ` in ${progress.replacementZone}` : "";
  return {
    final: {
      ...progress,
      done: true,
      phase: "done",
      terminated: result === "terminating",
      reason: `replaced ${request.instanceId} with ${progress.replacementId}${where}: drained (${progress.evicted} pods evicted) and terminated`,
    },
  };
}

const PHASES: Record<string, (deps: Deps, state: ReactionState, progress: ReactionProgress) => Promise<Pass>> = {
  started: takeLock,
  "waiting-for-lock": takeLock,
  surging: surge,
  "awaiting-replacement": awaitReplacement,
  draining: drainVictim,
  terminating: terminateVictim,
};

export async function replaceInstance(deps: Deps, state: ReactionState): Promise<ReactionProgress> {
  let progress: ReactionProgress = state.reaction ?? {
    done: false,
    failed: false,
    phase: "started",
    attempts: 0,
    retryInSeconds: 0,
    evicted: 0,
    refusedByPdb: 0,
  };
  progress = { ...progress, attempts: progress.attempts + 1 };
  for (;;) {
    const phase = PHASES[progress.phase];
    if (!phase) throw new Error(`replacement of ${state.request.instanceId}: unknown phase "${progress.phase}"`);
    const pass = await phase(deps, state, progress);
    if ("final" in pass) return pass.final;
    progress = pass.next;
  }
}
