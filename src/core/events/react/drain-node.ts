/**
 * One pass of draining one node for an event: cordon (idempotent: "already cordoned" is success), then
 * evict every drainable pod through the Eviction API (safety invariant 2: a 429 is a budget saying "not
 * now", never a reason to delete). The workflow calls it again after a short Wait until the node is
 * empty or its deadline passes. Evictions go out all at once on the first pass, so that pods with the
 * default 30 s grace period are gone well before a Spot instance's two minutes are up.
 */
import type { Deps, KubePort } from "../../ports";
import { isDrainable } from "../../roll/pods";
import { traceNodeAction } from "../../trace";
import type { BlockedPod, ReactionProgress } from "./state";

export interface DrainPassInput {
  runId: string;
  nodeName: string;
  instanceId: string;
  /** Another operation is draining the node: look at it, evict nothing (no node is drained twice). */
  watchOnly: boolean;
  /** Why the node is cordoned, for its trace. */
  why: string;
}

export interface DrainPassResult {
  /** The node object no longer exists. */
  nodeGone: boolean;
  /** This pass cordoned the node (it was schedulable before). */
  cordonedNow: boolean;
  remaining: number;
  evicted: number;
  refused: number;
  blocked: BlockedPod[];
}

export async function drainPass(
  deps: Pick<Deps, "log">,
  kube: KubePort,
  input: DrainPassInput,
): Promise<DrainPassResult> {
  const { nodeName, instanceId, runId } = input;
  let cordonedNow = false;
  if (!input.watchOnly) {
    const change = await kube.setUnschedulable(nodeName, true);
    if (change === "not-found") {
      return { nodeGone: true, cordonedNow, remaining: 0, evicted: 0, refused: 0, blocked: [] };
    }
    if (change === "changed") {
      cordonedNow = true;
      await traceNodeAction(deps.log, kube, { runId, node: nodeName, instanceId, action: "cordon", reason: input.why });
    }
  }
  const pods = (await kube.listPods({ nodeName })).filter(isDrainable);
  let evicted = 0;
  let refused = 0;
  const blocked: BlockedPod[] = [];
  if (!input.watchOnly) {
    for (const pod of pods) {
      if (pod.deleting) continue; // terminating within its grace period: wait for it
      const result = await kube.evictPod(pod.namespace, pod.name);
      const name = `${pod.namespace}/${pod.name}`;
      if (result.outcome === "evicted") {
        evicted++;
        deps.log.info(`evicted ${name} from ${nodeName}`, { runId, node: nodeName, instanceId });
      } else if (result.outcome === "blocked") {
        refused++;
        blocked.push({ pod: name, message: result.message });
      } else if (result.outcome === "refused") {
        blocked.push({ pod: name, message: `HTTP ${result.status}: ${result.message}` });
      }
    }
  }
  return { nodeGone: false, cordonedNow, remaining: pods.length, evicted, refused, blocked: blocked.slice(0, 5) };
}

const POLL_MIN_SECONDS = 2;
const POLL_MAX_SECONDS = 15;
const NEAR_DEADLINE_MS = 300_000;

/**
 * When to look again. A budget frees a slot as soon as an evicted pod's replacement is Ready (seconds),
 * so after progress look again soon. Close to a deadline (a Spot instance's two minutes) never wait more
 * than three seconds; far from one, back off while budgets refuse and nothing moves.
 */
export function drainPollSeconds(previous: number, pass: DrainPassResult, msToDeadline: number): number {
  const progressed = pass.evicted > 0;
  const refused = pass.blocked.length > 0;
  if (msToDeadline <= NEAR_DEADLINE_MS) return progressed || refused ? POLL_MIN_SECONDS : 3;
  if (progressed) return POLL_MIN_SECONDS;
  if (!refused) return 5;
  return Math.min(POLL_MAX_SECONDS, Math.max(POLL_MIN_SECONDS, previous * 2));
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
