/**
 * A small kube-scheduler: binds Pending pods in creation order to Ready, schedulable, untainted
 * nodes of the right group with free pod capacity, honouring the zone of a pod's volume.
 *
 * Like kube-scheduler it does not examine every node of a large cluster: it walks the node list
 * (zones interleaved) from where the previous pod stopped and scores the first
 * numFeasibleNodesToFind feasible nodes (percentageOfNodesToScore: all nodes under 100, 42% of
 * 1,000, 10% of 5,000). Among those it spreads a workload's replicas across zones, then across
 * nodes, then prefers the least loaded node; ties break on zone and node name, so a placement is
 * the same on every run. A pod that found no node is only offered the nodes that changed since
 * (nothing else can have made room), which keeps stranded pods cheap.
 */
import { bindPod } from "./pods";
import { isNodeReady, isSchedulable, nodeGroupOf, nodeZone } from "./predicates";
import type { ClusterState } from "./state";
import type { NodeRecord, PodRecord } from "./types";

/** kube-scheduler's numFeasibleNodesToFind with the default adaptive percentage. */
export function feasibleNodesToFind(totalNodes: number): number {
  const minimum = 100;
  if (totalNodes < minimum) return totalNodes;
  const percentage = Math.max(5, 50 - Math.floor(totalNodes / 125));
  return Math.max(minimum, Math.floor((totalNodes * percentage) / 100));
}

function fits(state: ClusterState, pod: PodRecord, node: NodeRecord): boolean {
  // `schedulable` is kept by NodeBook: Ready, not cordoned, no NoSchedule/NoExecute taint.
  if (!node.schedulable || node.load >= node.podCapacity) return false;
  const group = pod.workload.spec.nodeGroup;
  if (group !== undefined && node.instance.nodeGroup !== group) return false;
  if (pod.claimKey === undefined) return true;
  const zone = state.claims.get(pod.claimKey)?.zone;
  return zone === undefined || zone === node.instance.availabilityZone;
}

/** Taints a pod does not tolerate but may still be placed over (kube-scheduler's TaintToleration score). */
function preferNoScheduleTaints(node: NodeRecord): number {
  let count = 0;
  for (const taint of node.taints) if (taint.effect === "PreferNoSchedule") count++;
  return count;
}

/**
 * The best node seen so far and its rank: fewer PreferNoSchedule taints (TaintToleration carries the
 * largest default score weight), then fewer replicas of the workload in its zone, then on the node,
 * then less load, then zone and node name.
 */
class Ranking {
  best: NodeRecord | undefined;
  private preferAvoid = 0;
  private zoneCount = 0;
  private nodeCount = 0;

  constructor(
    private readonly zones: ReadonlyMap<string, number> | undefined,
    private readonly nodes: ReadonlyMap<string, number> | undefined,
  ) {}

  offer(node: NodeRecord): void {
    const preferAvoid = preferNoScheduleTaints(node);
    const zoneCount = this.zones?.get(node.instance.availabilityZone) ?? 0;
    const nodeCount = this.nodes?.get(node.name) ?? 0;
    const best = this.best;
    if (best) {
      if (preferAvoid !== this.preferAvoid) {
        if (preferAvoid > this.preferAvoid) return;
      } else if (zoneCount !== this.zoneCount) {
        if (zoneCount > this.zoneCount) return;
      } else if (nodeCount !== this.nodeCount) {
        if (nodeCount > this.nodeCount) return;
      } else if (node.load !== best.load) {
        if (node.load > best.load) return;
      } else {
        const a = node.instance.availabilityZone;
        const b = best.instance.availabilityZone;
        if (a > b || (a === b && node.name > best.name)) return;
      }
    }
    this.best = node;
    this.preferAvoid = preferAvoid;
    this.zoneCount = zoneCount;
    this.nodeCount = nodeCount;
  }
}

function rankingFor(state: ClusterState, pod: PodRecord): Ranking {
  return new Ranking(state.pods.zoneSpread(pod.workload), state.pods.nodeSpread(pod.workload));
}

class NodeWalker {
  private next = 0;

  constructor(private readonly state: ClusterState) {}

  /**
   * Scores up to numFeasibleNodesToFind feasible nodes, starting where the last pod stopped. The
   * t0 layout (`seed`) scores the minimum of 100: any even spread will do there, and a
   * 40,000-pod cluster is laid out five times faster.
   */
  choose(pod: PodRecord, mode: "seed" | "live"): NodeRecord | undefined {
    const nodes = this.state.schedulingOrder();
    const total = nodes.length;
    if (total === 0) return undefined;
    const wanted = mode === "seed" ? Math.min(total, 100) : feasibleNodesToFind(total);
    const ranking = rankingFor(this.state, pod);
    let found = 0;
    let processed = 0;
    let index = this.next % total;
    while (processed < total && found < wanted) {
      const node = nodes[index] as NodeRecord;
      processed += 1;
      index = index + 1 === total ? 0 : index + 1;
      if (!fits(this.state, pod, node)) continue;
      found += 1;
      ranking.offer(node);
    }
    this.next = index;
    return ranking.best;
  }
}

const walkers = new WeakMap<ClusterState, NodeWalker>();

function walkerFor(state: ClusterState): NodeWalker {
  let walker = walkers.get(state);
  if (!walker) {
    walker = new NodeWalker(state);
    walkers.set(state, walker);
  }
  return walker;
}

/** For a pod that found no node before: only nodes that changed since can have made room. */
function chooseAmongChanged(state: ClusterState, pod: PodRecord, names: string[]): NodeRecord | undefined {
  const ranking = rankingFor(state, pod);
  for (const name of names) {
    const node = state.nodes.get(name);
    if (node && fits(state, pod, node)) ranking.offer(node);
  }
  return ranking.best;
}

/** Why no node fits, in the scheduler's words, for the FailedScheduling event. */
function unschedulableMessage(state: ClusterState, pod: PodRecord): string {
  const reasons = new Map<string, number>();
  const group = pod.workload.spec.nodeGroup;
  const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
  for (const node of state.nodes.values()) {
    let reason: string;
    if (!isNodeReady(node)) reason = "node(s) were not ready";
    else if (node.unschedulable) reason = "node(s) were unschedulable";
    else if (!isSchedulable(node)) reason = "node(s) had untolerated taint(s)";
    else if (group !== undefined && nodeGroupOf(node) !== group)
      reason = "node(s) didn't match Pod's node affinity/selector";
    else if (claim?.zone !== undefined && claim.zone !== nodeZone(node))
      reason = "node(s) had volume node affinity conflict";
    else reason = "Too many pods";
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const detail = [...reasons.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reason, count]) => `${count} ${reason}`)
    .join(", ");
  return `0/${state.nodes.size} nodes are available${detail ? `: ${detail}` : ""}.`;
}

/** Binds every Pending pod that fits. `seed` places pods as they stand at t0 (Running and Ready). */
export function schedulePending(state: ClusterState, mode: "seed" | "live"): void {
  const touched = [...state.touchedNodes];
  state.touchedNodes.clear();
  if (state.pods.pending.size === 0) return;
  const walker = walkerFor(state);
  for (const pod of [...state.pods.pending]) {
    const choice = pod.schedulingAttempted ? chooseAmongChanged(state, pod, touched) : walker.choose(pod, mode);
    if (choice) {
      bindPod(state, pod, choice, mode);
      continue;
    }
    if (!pod.schedulingAttempted) {
      pod.schedulingAttempted = true;
      state.emitEvent({
        involved: { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid },
        reason: "FailedScheduling",
        type: "Warning",
        message: unschedulableMessage(state, pod),
        source: "default-scheduler",
      });
    }
  }
}
