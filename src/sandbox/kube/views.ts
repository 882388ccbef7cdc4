/** Read-only snapshots of nodes, pods and events for tests, reports and benchmarks. */
import { effectiveTaints, isDaemonPod, isNodeReady, isPodReady, isTerminating } from "./predicates";
import type { ClusterState } from "./state";
import { rfc3339 } from "./time";
import type { EventView, NodeView, PodView } from "./types";

export function nodeViews(state: ClusterState): NodeView[] {
  const load = new Map<string, number>();
  for (const pod of state.pods.values()) {
    if (pod.nodeName && !isDaemonPod(pod)) load.set(pod.nodeName, (load.get(pod.nodeName) ?? 0) + 1);
  }
  const now = rfc3339(state.now());
  return [...state.nodes.values()]
    .map((node) => ({
      name: node.name,
      instanceId: node.instance.instanceId,
      availabilityZone: node.instance.availabilityZone,
      nodeGroup: node.instance.nodeGroup,
      instanceType: node.instance.instanceType,
      kubeletVersion: node.kubeletVersion,
      ready: isNodeReady(node),
      unschedulable: node.unschedulable,
      shuttingDown: node.shuttingDown,
      taints: effectiveTaints(node, now).map(({ key, value, effect }) =>
        value === undefined ? { key, effect } : { key, value, effect },
      ),
      labels: { ...node.labels },
      registeredAtMs: node.createdAtMs,
      readyAtMs: node.readyAtMs,
      workloadPods: load.get(node.name) ?? 0,
      podCapacity: node.podCapacity,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function podViews(state: ClusterState): PodView[] {
  return [...state.pods.values()]
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    .map((pod) => {
      const claim = pod.claimKey ? state.claims.get(pod.claimKey) : undefined;
      const view: PodView = {
        namespace: pod.namespace,
        name: pod.name,
        workloadKind: pod.workload.kind,
        workload: pod.workload.name,
        phase: pod.phase,
        ready: isPodReady(state, pod),
        deleting: isTerminating(pod),
        createdAtMs: pod.createdAtMs,
      };
      if (pod.nodeName) {
        view.nodeName = pod.nodeName;
        const zone = state.nodes.get(pod.nodeName)?.instance.availabilityZone;
        if (zone) view.availabilityZone = zone;
      }
      if (claim) {
        view.claimName = claim.name;
        if (claim.zone) view.volumeZone = claim.zone;
      }
      return view;
    });
}

export function eventViews(state: ClusterState): EventView[] {
  return state.events.map((event) => ({
    namespace: event.namespace,
    name: event.name,
    involvedKind: event.involvedObject.kind,
    involvedName: event.involvedObject.name,
    type: event.type,
    reason: event.reason,
    message: event.message,
    source: event.sourceComponent,
    atMs: event.lastMs,
  }));
}
