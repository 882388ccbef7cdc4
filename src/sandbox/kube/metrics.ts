/**
 * Time-integrated figures. The store calls `accrue` before every change, so each integral adds the
 * value that held since the previous change; only the first change at a new instant pays for the
 * computation, which keeps a burst of changes at one instant cheap. The AZ capacity floor is sampled
 * at the same moments and after each clock tick.
 */
import { isPodReady, isSchedulable, isTerminating, nodeGroupOf, nodeZone } from "./predicates";
import type { ClusterState } from "./state";
import type { ClusterMetrics } from "./types";

export function readySchedulableByZone(state: ClusterState, nodeGroup: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const zone of Object.keys(state.nodeGroup(nodeGroup)?.zones ?? {})) counts[zone] = 0;
  for (const node of state.nodes.values()) {
    if (nodeGroupOf(node) !== nodeGroup) continue;
    const zone = nodeZone(node);
    counts[zone] = (counts[zone] ?? 0) + (isSchedulable(node) ? 1 : 0);
  }
  return counts;
}

export class MetricsRecorder {
  private lastAccrualMs: number;
  private unavailableSeconds = 0;
  private zonalPendingSeconds = 0;
  private readonly baseline = new Map<string, Record<string, number>>();
  private readonly floor = new Map<string, number>();

  constructor(private readonly state: ClusterState) {
    this.lastAccrualMs = state.now();
    state.onBeforeChange(() => this.accrue());
    state.clock.onTick(() => {
      this.accrue();
      this.sampleCapacity();
    });
  }

  /** Records each group's Ready schedulable nodes per AZ: the denominators of azCapacityFloor. */
  setBaseline(): void {
    for (const group of this.state.scenario.cluster.nodeGroups) {
      this.baseline.set(group.name, readySchedulableByZone(this.state, group.name));
      this.floor.set(group.name, 1);
    }
  }

  private accrue(): void {
    const now = this.state.now();
    if (now <= this.lastAccrualMs) return;
    const seconds = (now - this.lastAccrualMs) / 1000;
    this.lastAccrualMs = now;
    const { unavailable, zonalPending } = this.instantaneous();
    this.unavailableSeconds += unavailable * seconds;
    this.zonalPendingSeconds += zonalPending * seconds;
    this.sampleCapacity();
  }

  private instantaneous(): { unavailable: number; zonalPending: number } {
    const ready = new Map<string, number>();
    let zonalPending = 0;
    for (const pod of this.state.pods.values()) {
      if (pod.claimKey && !pod.nodeName && !isTerminating(pod)) zonalPending += 1;
      if (isPodReady(this.state, pod)) ready.set(pod.workload.uid, (ready.get(pod.workload.uid) ?? 0) + 1);
    }
    let unavailable = 0;
    for (const workload of this.state.workloads) {
      if (workload.kind === "DaemonSet") continue;
      unavailable += Math.max(0, workload.replicas - (ready.get(workload.uid) ?? 0));
    }
    return { unavailable, zonalPending };
  }

  private sampleCapacity(): void {
    for (const [group, base] of this.baseline) {
      const now = readySchedulableByZone(this.state, group);
      let floor = this.floor.get(group) ?? 1;
      for (const [zone, count] of Object.entries(base)) {
        if (count > 0) floor = Math.min(floor, (now[zone] ?? 0) / count);
      }
      this.floor.set(group, floor);
    }
  }

  snapshot(): ClusterMetrics {
    this.accrue();
    this.sampleCapacity();
    const counters = this.state.counters;
    const byGroup = Object.fromEntries(this.floor);
    let pendingPods = 0;
    for (const pod of this.state.pods.values()) if (!pod.nodeName && !isTerminating(pod)) pendingPods += 1;
    return {
      podsEvicted: counters.podsEvicted,
      evictionsRefusedByPdb: counters.evictionsRefusedByPdb,
      pdbViolations: counters.pdbViolations,
      podsLost: counters.podsLost,
      podUnavailableSeconds: this.unavailableSeconds,
      zonalPodPendingSeconds: this.zonalPendingSeconds,
      pendingPods,
      azCapacityFloorByGroup: byGroup,
      azCapacityFloor: (nodeGroup: string) => byGroup[nodeGroup] ?? 1,
    };
  }
}
