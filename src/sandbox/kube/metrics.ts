/**
 * Time-integrated figures. The store calls `accrue` before every change, so each integral adds the
 * value that held since the previous change; only the first change at a new instant does any work,
 * and that work reads counters the pod index and the node book keep (Ready pods per workload, the
 * scheduler's queue, allocatable resources per AZ), never every pod or node.
 *
 * Two measures judge a roll without using any notion Tugboat itself defines:
 *
 * - Capacity ratio, per AZ and for the cluster: the CPU and memory that Ready schedulable nodes
 *   offer ordinary pods (allocatable, from the instance type, minus the DaemonSet pods' requests)
 *   divided by the requests of every replica the scenario wants running (Deployments and
 *   StatefulSets at their desired replicas). A workload's demand is spread evenly over the AZs its
 *   scheduling allows (the AZs of its node group, or of every group). The ratio of a place is the
 *   smaller of its CPU and memory ratios; below 1, the wanted pods no longer fit there. The minimum
 *   over time is kept, since the start and over any window a caller opens.
 * - PDB deficit: per PodDisruptionBudget, the integral over time of desiredHealthy − currentHealthy
 *   when positive, in pod-seconds.
 */
import { computePdbStatus } from "./disruption";
import { podRequests, type Resources } from "./resources";
import type { ClusterState } from "./state";
import type { CapacityRatios, ClusterMetrics } from "./types";

export interface CapacityWindow {
  /** Minimum ratios since the window opened (sampled now as well). */
  minimum(): CapacityRatios;
  close(): void;
}

interface Minimum {
  az: number;
  cluster: number;
}

export class MetricsRecorder {
  private lastAccrualMs: number;
  private unavailableSeconds = 0;
  private zonalPendingSeconds = 0;
  private readonly pdbDeficit = new Map<string, number>();
  private readonly windows = new Set<Minimum>();
  private sinceStart: Minimum | undefined;
  /** Per workload: its AZs and one pod's requests (the scenario does not change them). */
  private demandShape: { replicas: () => number; zones: string[]; requests: Resources }[] = [];

  constructor(private readonly state: ClusterState) {
    this.lastAccrualMs = state.now();
    state.onBeforeChange(() => this.accrue());
    state.clock.onTick(() => {
      this.accrue();
      this.sampleCapacity();
    });
  }

  /** Called once t0 is laid out: the capacity minimum since the start begins here. */
  setBaseline(): void {
    const groups = this.state.scenario.cluster.nodeGroups;
    const zonesOf = (group: string | undefined) =>
      [
        ...new Set(
          groups
            .filter((g) => group === undefined || g.name === group)
            .flatMap((g) => Object.entries(g.zones).filter(([, n]) => n > 0))
            .map(([zone]) => zone),
        ),
      ].sort();
    this.demandShape = this.state.workloads
      .filter((w) => w.kind !== "DaemonSet")
      .map((w) => ({ replicas: () => w.replicas, zones: zonesOf(w.spec.nodeGroup), requests: podRequests(w.spec) }));
    this.sinceStart = { az: Number.POSITIVE_INFINITY, cluster: Number.POSITIVE_INFINITY };
    this.windows.add(this.sinceStart);
    this.sampleCapacity();
  }

  openWindow(): CapacityWindow {
    const window: Minimum = { az: Number.POSITIVE_INFINITY, cluster: Number.POSITIVE_INFINITY };
    this.windows.add(window);
    this.sampleCapacity();
    return {
      minimum: () => {
        this.accrue();
        this.sampleCapacity();
        return finite(window);
      },
      close: () => {
        this.windows.delete(window);
      },
    };
  }

  /** The ratios right now. */
  capacityNow(): CapacityRatios {
    return finite(this.ratiosNow());
  }

  private ratiosNow(): Minimum {
    const supply = this.state.supplyByZone();
    const demand = new Map<string, Resources>();
    for (const shape of this.demandShape) {
      const replicas = shape.replicas();
      if (replicas === 0 || shape.zones.length === 0) continue;
      const share = replicas / shape.zones.length;
      for (const zone of shape.zones) {
        const sum = demand.get(zone) ?? { cpuMillis: 0, memoryMiB: 0 };
        sum.cpuMillis += share * shape.requests.cpuMillis;
        sum.memoryMiB += share * shape.requests.memoryMiB;
        demand.set(zone, sum);
      }
    }
    let az = Number.POSITIVE_INFINITY;
    const offered: Resources = { cpuMillis: 0, memoryMiB: 0 };
    const wanted: Resources = { cpuMillis: 0, memoryMiB: 0 };
    for (const [zone, want] of demand) {
      const have = supply.get(zone) ?? { cpuMillis: 0, memoryMiB: 0 };
      az = Math.min(az, ratio(have, want));
      wanted.cpuMillis += want.cpuMillis;
      wanted.memoryMiB += want.memoryMiB;
    }
    for (const [zone, have] of supply) {
      if (!demand.has(zone)) continue;
      offered.cpuMillis += have.cpuMillis;
      offered.memoryMiB += have.memoryMiB;
    }
    return { az, cluster: demand.size > 0 ? ratio(offered, wanted) : Number.POSITIVE_INFINITY };
  }

  private accrue(): void {
    const now = this.state.now();
    if (now <= this.lastAccrualMs) return;
    const seconds = (now - this.lastAccrualMs) / 1000;
    this.lastAccrualMs = now;
    this.unavailableSeconds += this.unavailableReplicas() * seconds;
    this.zonalPendingSeconds += this.zonalPending() * seconds;
    for (const [key, pdb] of this.state.pdbs) {
      const status = computePdbStatus(pdb);
      const deficit = status.desiredHealthy - status.currentHealthy;
      if (deficit > 0) this.pdbDeficit.set(key, (this.pdbDeficit.get(key) ?? 0) + deficit * seconds);
    }
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
    if (this.windows.size === 0) return;
    const now = this.ratiosNow();
    for (const window of this.windows) {
      window.az = Math.min(window.az, now.az);
      window.cluster = Math.min(window.cluster, now.cluster);
    }
  }

  snapshot(): ClusterMetrics {
    this.accrue();
    this.sampleCapacity();
    const counters = this.state.counters;
    const pdbDeficitPodSeconds: Record<string, number> = {};
    for (const key of this.state.pdbs.keys()) pdbDeficitPodSeconds[key] = this.pdbDeficit.get(key) ?? 0;
    for (const [key, value] of this.pdbDeficit) pdbDeficitPodSeconds[key] = value;
    return {
      podsEvicted: counters.podsEvicted,
      evictionsRefusedByPdb: counters.evictionsRefusedByPdb,
      pdbViolations: counters.pdbViolations,
      podsLost: counters.podsLost,
      podUnavailableSeconds: this.unavailableSeconds,
      zonalPodPendingSeconds: this.zonalPendingSeconds,
      pendingPods: this.state.pods.pending.size,
      pdbDeficitPodSeconds,
      pdbDeficitPodSecondsTotal: [...this.pdbDeficit.values()].reduce((a, b) => a + b, 0),
      minCapacityRatio: this.sinceStart ? finite(this.sinceStart) : this.capacityNow(),
    };
  }
}

/** The smaller of the CPU and memory ratios; a place that wants nothing is not short of anything. */
function ratio(have: Resources, want: Resources): number {
  const cpu = want.cpuMillis > 0 ? have.cpuMillis / want.cpuMillis : Number.POSITIVE_INFINITY;
  const memory = want.memoryMiB > 0 ? have.memoryMiB / want.memoryMiB : Number.POSITIVE_INFINITY;
  return Math.min(cpu, memory);
}

/** A place that wants nothing has no ratio: null (JSON has no Infinity). */
function finite(m: Minimum): CapacityRatios {
  const clean = (v: number) => (Number.isFinite(v) ? v : null);
  return { az: clean(m.az), cluster: clean(m.cluster) };
}
