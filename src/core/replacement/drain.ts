/**
 * The one drain, shared by every workflow that replaces nodes (a roll's batch, an event reaction, a
 * rebalance). A pass evicts every drainable pod of the given nodes through the Eviction API only
 * (safety invariant 2: a 429 is a budget saying "not now", never a reason to delete) and reports what
 * is left; the workflow waits `nextDrainLook` seconds and calls it again until the nodes are empty or
 * its deadline passes. Cordoning is the caller's, recorded in its journal first (`cordonNodes`).
 */
import { API_CONCURRENCY, mapPool } from "../concurrency";
import { nextLookSeconds, POLL_MIN_SECONDS } from "../estimates/poll";
import type { KubePod, NodeChange } from "../model/kube";
import type { Deps, KubePort } from "../ports";
import { isDrainable } from "../roll/pods";
import { traceNodeAction } from "../trace";
import type { Journal } from "./journal";

export interface BlockedPod {
  pod: string;
  message: string;
}

export interface EvictionPass {
  /** Drainable pods still on the nodes at this look (terminating ones included). */
  remaining: number;
  evicted: number;
  /** Evictions a PodDisruptionBudget refused (429). */
  refused: number;
  /** Pods that could not be evicted now, with why (a budget, another refusal). */
  blocked: BlockedPod[];
}

/** Drainable pods on each node (DaemonSet and mirror pods stay). */
export async function drainablePodsOn(kube: KubePort, nodes: string[]): Promise<Map<string, KubePod[]>> {
  const lists = await mapPool(nodes, API_CONCURRENCY, async (node) =>
    (await kube.listPods({ nodeName: node })).filter(isDrainable),
  );
  return new Map(nodes.map((node, i) => [node, lists[i] ?? []]));
}

/** One pass: evicts what may go now from `nodes`, reports what is left. Idempotent. */
export async function evictionPass(
  deps: Pick<Deps, "log">,
  kube: KubePort,
  nodes: string[],
  context: { runId: string; instanceId?: string },
): Promise<EvictionPass> {
  const { passes } = await evictionPasses(deps, kube, [nodes], context);
  return passes[0] as EvictionPass;
}

/**
 * One pass over several groups of nodes at once (a roll's due waves, oldest first): one pool lists every
 * node and one pool evicts in the groups' order, so an older group still asks its budgets first. Also
 * returns what each node ran at this look.
 */
export async function evictionPasses(
  deps: Pick<Deps, "log">,
  kube: KubePort,
  groups: string[][],
  context: { runId: string; instanceId?: string },
): Promise<{ passes: EvictionPass[]; podsByNode: Map<string, KubePod[]> }> {
  const podsByNode = await drainablePodsOn(kube, groups.flat());
  const passes = groups.map((): EvictionPass => ({ remaining: 0, evicted: 0, refused: 0, blocked: [] }));
  const toEvict: { pass: EvictionPass; node: string; pod: KubePod }[] = [];
  groups.forEach((nodes, i) => {
    const pass = passes[i] as EvictionPass;
    for (const node of nodes) {
      const pods = podsByNode.get(node) ?? [];
      pass.remaining += pods.length;
      // Terminating pods are within their grace period: wait for them.
      for (const pod of pods) if (!pod.deleting) toEvict.push({ pass, node, pod });
    }
  });
  await mapPool(toEvict, API_CONCURRENCY, async ({ pass, node, pod }) => {
    const name = `${pod.namespace}/${pod.name}`;
    const result = await kube.evictPod(pod.namespace, pod.name);
    if (result.outcome === "evicted") {
      pass.evicted++;
      deps.log.info(`evicted ${name} from ${node}`, { ...context, node });
    } else if (result.outcome === "blocked") {
      pass.refused++;
      pass.blocked.push({ pod: name, message: result.message });
    } else if (result.outcome === "refused") {
      pass.blocked.push({ pod: name, message: `HTTP ${result.status}: ${result.message}` });
    }
  });
  return { passes, podsByNode };
}

/** Never wait longer than this between looks while budgets refuse. */
export const DRAIN_POLL_MAX_SECONDS = 15;
/** Close to a deadline (a Spot instance's two minutes), every look counts: look every POLL_MIN_SECONDS. */
export const NEAR_DEADLINE_SECONDS = 300;

export interface DrainLookInput {
  /** Seconds since the last pass that evicted something (or since the drain started). */
  secondsSinceProgress: number;
  /** A budget (or another refusal) kept a pod in place at this pass. */
  refused: boolean;
  /** How long an evicted pod's replacement takes to be Ready: when its budget frees the next slot. */
  podStartSeconds: number;
  /** Seconds left before the drain's deadline, if it has one. */
  secondsToDeadline?: number;
}

/**
 * When to look again. Pods only terminating (nothing refused): every POLL_MIN_SECONDS. Budgets
 * refusing: a slot frees once an evicted pod's replacement is Ready, about podStartSeconds after the
 * last progress, so the first look is then; past it, looks back off ×1.5 up to DRAIN_POLL_MAX_SECONDS
 * (`nextLookSeconds`, core/estimates/poll.ts). Near a deadline, every POLL_MIN_SECONDS.
 */
export function nextDrainLook(input: DrainLookInput): number {
  if (input.secondsToDeadline !== undefined && input.secondsToDeadline <= NEAR_DEADLINE_SECONDS) {
    return POLL_MIN_SECONDS;
  }
  return input.refused
    ? nextLookSeconds({
        elapsedSeconds: input.secondsSinceProgress,
        expectedSeconds: input.podStartSeconds + 1,
        maxSeconds: DRAIN_POLL_MAX_SECONDS,
      })
    : POLL_MIN_SECONDS;
}

export interface CordonTarget {
  node: string;
  instanceId?: string;
  /** Why, for the node's trace. */
  reason: string;
}

/**
 * Cordons nodes, recording them in the journal first (entry `entryId`). Idempotent: a node already
 * cordoned is "unchanged", a node gone "not-found".
 */
export async function cordonNodes(
  deps: Pick<Deps, "log">,
  kube: KubePort,
  journal: Journal,
  entryId: string,
  targets: CordonTarget[],
): Promise<NodeChange[]> {
  await journal.record({
    id: entryId,
    kind: "cordon",
    nodes: targets.map((t) => ({ node: t.node, ...(t.instanceId ? { instanceId: t.instanceId } : {}) })),
  });
  return mapPool(targets, API_CONCURRENCY, async (target) => {
    const change = await kube.setUnschedulable(target.node, true);
    if (change === "changed") {
      await traceNodeAction(deps.log, kube, {
        runId: journal.owner.runId,
        node: target.node,
        ...(target.instanceId ? { instanceId: target.instanceId } : {}),
        action: "cordon",
        reason: target.reason,
      });
    }
    return change;
  });
}
