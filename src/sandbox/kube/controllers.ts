/**
 * The workload controllers, as upstream behaves where it matters for a drain:
 * - ReplicaSet: counts only active pods (no deletionTimestamp), so it creates a replacement as soon
 *   as a pod starts terminating — old and new run side by side during the grace period.
 * - StatefulSet (podManagementPolicy OrderedReady): an ordinal is recreated with the same name only
 *   once the old pod is fully gone, and the controller stops at the first ordinal that is missing,
 *   terminating or not Running and Ready.
 * - DaemonSet: one pod per node of its group, bound directly and tolerating cordons.
 * Each pass looks only at the workloads something happened to (ClusterState.dirtyWorkloads).
 */
import { flat } from "../flat";
import { safeSuffix } from "./names";
import { bindPod, createPod, startContainers } from "./pods";
import { isPodReady, isTerminating, nodeGroupOf } from "./predicates";
import { schedulePending } from "./scheduler";
import type { ClusterState } from "./state";
import type { PodRecord, WorkloadRecord } from "./types";
import { ensureClaim } from "./volumes";

function uniquePodName(state: ClusterState, namespace: string, prefix: string): string {
  for (;;) {
    const name = flat(`${prefix}-${safeSuffix(state.rng, 5)}`);
    if (!state.pods.has(namespace, name)) return name;
  }
}

export function createReplicaSetPod(state: ClusterState, workload: WorkloadRecord, usedSlots: Set<number>): PodRecord {
  const name = uniquePodName(state, workload.namespace, workload.replicaSetName as string);
  if (!workload.spec.zonalVolumes) return createPod(state, workload, { name });
  let slot = 0;
  while (usedSlots.has(slot)) slot += 1;
  usedSlots.add(slot);
  const claimKey = ensureClaim(state, workload.namespace, `${workload.name}-data-${slot}`);
  return createPod(state, workload, { name, slot, claimKey });
}

function syncReplicaSet(state: ClusterState, workload: WorkloadRecord): void {
  const active = [...state.pods.ofWorkload(workload)].filter((pod) => !isTerminating(pod));
  const usedSlots = new Set(active.map((pod) => pod.slot).filter((slot): slot is number => slot !== undefined));
  for (let missing = workload.replicas - active.length; missing > 0; missing--) {
    createReplicaSetPod(state, workload, usedSlots);
  }
}

export function createStatefulSetPod(state: ClusterState, workload: WorkloadRecord, ordinal: number): PodRecord {
  const name = `${workload.name}-${ordinal}`;
  const claimKey = workload.spec.zonalVolumes ? ensureClaim(state, workload.namespace, `data-${name}`) : undefined;
  return createPod(state, workload, { name, ordinal, claimKey });
}

function syncStatefulSet(state: ClusterState, workload: WorkloadRecord): void {
  for (let ordinal = 0; ordinal < workload.replicas; ordinal++) {
    const pod = state.pods.get(workload.namespace, `${workload.name}-${ordinal}`);
    if (!pod) {
      createStatefulSetPod(state, workload, ordinal);
      return;
    }
    if (isTerminating(pod) || !isPodReady(state, pod)) return;
  }
}

/**
 * Creates the missing DaemonSet pods; at t0 (`seed`) on every node, where they stand Running and Ready,
 * afterwards on the nodes that may lack one (ClusterState.daemonSetNodes).
 */
export function syncDaemonSet(state: ClusterState, workload: WorkloadRecord, mode: "seed" | "live"): void {
  const candidates = mode === "seed" ? state.nodes.keys() : state.daemonSetNodes;
  for (const name of candidates) {
    const node = state.nodes.get(name);
    if (!node || node.shuttingDown) continue;
    if (workload.spec.nodeGroup !== undefined && nodeGroupOf(node) !== workload.spec.nodeGroup) continue;
    if (runsDaemon(state, workload, name)) continue;
    const pod = createPod(state, workload, { name: uniquePodName(state, workload.namespace, workload.name) });
    bindPod(state, pod, node, mode);
  }
}

/** A pod of the DaemonSet is bound to the node, terminating or not (upstream waits for it to go). */
function runsDaemon(state: ClusterState, workload: WorkloadRecord, nodeName: string): boolean {
  for (const pod of state.pods.onNode(nodeName)) if (pod.workload === workload) return true;
  return false;
}

/** One reconcile pass: the controllers of changed workloads, then pods waiting on a volume, then the scheduler. */
export function reconcile(state: ClusterState): void {
  if (state.dirtyWorkloads.size > 0) {
    // Scenario order, so that a run creates pods (and draws names) in the same order every time.
    const dirty = state.workloads.filter((workload) => state.dirtyWorkloads.has(workload));
    state.dirtyWorkloads.clear();
    for (const workload of dirty) {
      if (workload.kind === "Deployment") syncReplicaSet(state, workload);
      else if (workload.kind === "StatefulSet") syncStatefulSet(state, workload);
      else syncDaemonSet(state, workload, "live");
    }
  }
  // Every DaemonSet was dirtied when these nodes came or lost a daemon, and has looked at them now.
  state.daemonSetNodes.clear();
  for (const pod of [...state.pods.waitingForVolume]) startContainers(state, pod);
  schedulePending(state, "live");
}
