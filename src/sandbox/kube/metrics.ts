/**
 * Time-integrated figures. The store calls `accrue` before every change, so each integral adds the
 * value that held since the previous change; only the first change at a new instant does any work,
 * and that work reads counters the pod index keeps (Ready pods per workload, the scheduler's
 * queue), never every pod. The AZ capacity floor is sampled at the same moments and after each
 * clock tick.
 */
import type { ClusterState } from "./state";
import type { ClusterMetrics } from "./types";

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
      this.baseline.set(group.name, this.state.readySchedulableByZone(group.name));
      this.floor.set(group.name, 1);
    }
  }

  private accrue(): void {
    const now = this.state.now();
    if (now <= this.lastAccrualMs) return;
    const seconds = (now - this.lastAccrualMs) / 1000;
    this.lastAccrualMs = now;
    this.unavailableSeconds += this.unavailableReplicas() * seconds;
    this.zonalPendingSeconds += this.zonalPending() * seconds;
    this.sampleCapacity();
  }

  private unavailableReplicas(): number {
    let unavailable = 0;
    for (const workload of this.state.workloads) {
      if (workload.kind === "DaemonSet") continue;
      unavailable += Math.max(0, workload.replicas - this.state.pods.readyOf(workload));
    }
    return unavailable;
  }

  private zonalPending(): number {
    let count = 0;
    for (const pod of this.state.pods.pending) if (pod.claimKey) count += 1;
    return count;
  }

  private sampleCapacity(): void {
    for (const [group, base] of this.baseline) {
      const now = this.state.readySchedulableByZone(group);
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
    return {
      podsEvicted: counters.podsEvicted,
      evictionsRefusedByPdb: counters.evictionsRefusedByPdb,
      pdbViolations: counters.pdbViolations,
      podsLost: counters.podsLost,
      podUnavailableSeconds: this.unavailableSeconds,
      zonalPodPendingSeconds: this.zonalPendingSeconds,
      pendingPods: this.state.pods.pending.size,
      azCapacityFloorByGroup: byGroup,
      azCapacityFloor: (nodeGroup: string) => byGroup[nodeGroup] ?? 1,
    };
  }
}
