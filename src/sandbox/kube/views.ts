/**
 * Read-only snapshots of nodes, pods and events for tests, reports and benchmarks. Node and pod
 * snapshots are rebuilt only after something changed, so callers that ask repeatedly in a loop
 * (a report walking every node) pay for one build.
 */
import { effectiveTaints, isNodeReady, isPodReady, isTerminating } from "./predicates";
import type { ClusterState } from "./state";
import type { EventView, NodeView, PodView } from "./types";

interface Cached<T> {
  changeCount: number;
  views: readonly T[];
}

const nodeCache = new WeakMap<ClusterState, Cached<NodeView>>();
const podCache = new WeakMap<ClusterState, Cached<PodView>>();

export function nodeViews(state: ClusterState): readonly NodeView[] {
  const cached = nodeCache.get(state);
  if (cached && cached.changeCount === state.changeCount) return cached.views;
  const views = state.nodesByName().map(
    (node): NodeView =>
      Object.freeze({
        name: node.name,
        instanceId: node.instance.instanceId,
        availabilityZone: node.instance.availabilityZone,
        nodeGroup: node.instance.nodeGroup,
        instanceType: node.instance.instanceType,
        kubeletVersion: node.kubeletVersion,
        ready: isNodeReady(node),
        unschedulable: node.unschedulable,
        shuttingDown: node.shuttingDown,
        taints: effectiveTaints(node, "").map(({ key, value, effect }) =>
          value === undefined ? { key, effect } : { key, value, effect },
        ),
        labels: { ...node.labels },
        registeredAtMs: node.createdAtMs,
        ...(node.readyAtMs !== undefined ? { readyAtMs: node.readyAtMs } : {}),
        workloadPods: node.load,
        podCapacity: node.podCapacity,
      }),
  );
  Object.freeze(views);
  nodeCache.set(state, { changeCount: state.changeCount, views });
  return views;
}

export function podViews(state: ClusterState): readonly PodView[] {
  const cached = podCache.get(state);
  if (cached && cached.changeCount === state.changeCount) return cached.views;
  const views = state.pods.sorted().map((pod) => {
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
      if (pod.zone) view.availabilityZone = pod.zone;
    }
    if (claim) {
      view.claimName = claim.name;
      if (claim.zone) view.volumeZone = claim.zone;
    }
    return Object.freeze(view);
  });
  Object.freeze(views);
  podCache.set(state, { changeCount: state.changeCount, views });
  return views;
}

export function eventViews(state: ClusterState): EventView[] {
  return state.liveEvents().map((event) => ({
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
