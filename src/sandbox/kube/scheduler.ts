/**
 * A small kube-scheduler: binds Pending pods in creation order to Ready, schedulable, untainted
 * nodes of the right group with free pod capacity, honouring the zone of a pod's volume. Among
 * feasible nodes it spreads a workload's replicas across zones, then across nodes, then prefers the
 * least loaded node; ties break on zone and node name, so a placement is the same on every run.
 */
import { bindPod } from "./pods";
import { isDaemonPod, isNodeReady, isSchedulable, isTerminating, nodeGroupOf, nodeZone } from "./predicates";
import type { ClusterState } from "./state";
import type { NodeRecord, PodRecord } from "./types";

interface Placement {
  /** Non-DaemonSet pods bound per node, terminating ones included: they still hold their slot. */
  load: Map<string, number>;
  /** Per workload uid: its active bound replicas per zone and per node. */
  perZone: Map<string, Map<string, number>>;
  perNode: Map<string, Map<string, number>>;
}

function increment(map: Map<string, Map<string, number>>, outer: string, inner: string): void {
  let counts = map.get(outer);
  if (!counts) {
    counts = new Map();
    map.set(outer, counts);
  }
  counts.set(inner, (counts.get(inner) ?? 0) + 1);
}

function currentPlacement(state: ClusterState): Placement {
  const placement: Placement = { load: new Map(), perZone: new Map(), perNode: new Map() };
  for (const pod of state.pods.values()) {
    if (!pod.nodeName || isDaemonPod(pod)) continue;
    placement.load.set(pod.nodeName, (placement.load.get(pod.nodeName) ?? 0) + 1);
    if (isTerminating(pod)) continue;
    const node = state.nodes.get(pod.nodeName);
    if (node) increment(placement.perZone, pod.workload.uid, nodeZone(node));
    increment(placement.perNode, pod.workload.uid, pod.nodeName);
  }
  return placement;
}

/** Why each node was rejected, in the scheduler's words, for the FailedScheduling event. */
function rejection(state: ClusterState, pod: PodRecord, node: NodeRecord, placement: Placement): string | undefined {
  const group = pod.workload.spec.nodeGroup;
  if (!isNodeReady(node)) return "node(s) were not ready";
  if (node.unschedulable) return "node(s) were unschedulable";
  if (!isSchedulable(node)) return "node(s) had untolerated taint(s)";
  if (group !== undefined && nodeGroupOf(node) !== group) return "node(s) didn't match Pod's node affinity/selector";
  const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
  if (claim?.zone !== undefined && claim.zone !== nodeZone(node)) return "node(s) had volume node affinity conflict";
  if ((placement.load.get(node.name) ?? 0) >= node.podCapacity) return "Too many pods";
  return undefined;
}

function chooseNode(state: ClusterState, pod: PodRecord, placement: Placement): NodeRecord | string {
  const feasible: NodeRecord[] = [];
  const reasons = new Map<string, number>();
  for (const node of state.nodes.values()) {
    const reason = rejection(state, pod, node, placement);
    if (reason === undefined) feasible.push(node);
    else reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (feasible.length === 0) {
    const detail = [...reasons.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => `${count} ${reason}`)
      .join(", ");
    return `0/${state.nodes.size} nodes are available${detail ? `: ${detail}` : ""}.`;
  }
  const zones = placement.perZone.get(pod.workload.uid);
  const nodes = placement.perNode.get(pod.workload.uid);
  const rank = (node: NodeRecord): number[] => [
    zones?.get(nodeZone(node)) ?? 0,
    nodes?.get(node.name) ?? 0,
    placement.load.get(node.name) ?? 0,
  ];
  feasible.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) {
      const diff = (ra[i] as number) - (rb[i] as number);
      if (diff !== 0) return diff;
    }
    return nodeZone(a).localeCompare(nodeZone(b)) || a.name.localeCompare(b.name);
  });
  return feasible[0] as NodeRecord;
}

/** Binds every Pending pod that fits. `seed` places pods as they stand at t0 (Running and Ready). */
export function schedulePending(state: ClusterState, mode: "seed" | "live"): void {
  const pending = [...state.pods.values()]
    .filter((pod) => !pod.nodeName && !isTerminating(pod) && !isDaemonPod(pod))
    .sort((a, b) => a.seq - b.seq);
  if (pending.length === 0) return;
  const placement = currentPlacement(state);
  for (const pod of pending) {
    const choice = chooseNode(state, pod, placement);
    if (typeof choice === "string") {
      if (!pod.failedSchedulingReported) {
        pod.failedSchedulingReported = true;
        state.emitEvent({
          involved: { kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid },
          reason: "FailedScheduling",
          type: "Warning",
          message: choice,
          source: "default-scheduler",
        });
      }
      continue;
    }
    bindPod(state, pod, choice, mode);
    placement.load.set(choice.name, (placement.load.get(choice.name) ?? 0) + 1);
    increment(placement.perZone, pod.workload.uid, nodeZone(choice));
    increment(placement.perNode, pod.workload.uid, choice.name);
  }
}
