/**
 * Samples, per AZ, the CPU that Ready schedulable nodes offer pods against the CPU the pods there
 * request, over virtual time: the simulator's record behind the report's capacity picture. Pods bound to
 * a node count in its AZ; a pending pod counts where its zonal volume pins it (else nowhere: it has no AZ
 * yet). Throttled, and only changes are kept.
 */
import type { CapacitySample } from "../report/capacity";
import type { VirtualClock } from "./clock";
import type { SimulatedCluster } from "./kube/cluster";
import { podRequests } from "./kube/resources";

export class CapacityTimeline {
  readonly samples: CapacitySample[] = [];
  private lastKey = "";
  private lastAtMs = Number.NEGATIVE_INFINITY;
  private readonly requestsByWorkload: Map<string, number>;

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly minIntervalMs = 5_000,
  ) {
    this.requestsByWorkload = new Map(
      cluster.state.scenario.cluster.workloads.map((w) => [`${w.namespace}/${w.name}`, podRequests(w).cpuMillis]),
    );
  }

  attach(clock: VirtualClock): this {
    this.sample(clock.nowMs(), true);
    clock.onTick((now) => this.sample(now, false));
    return this;
  }

  sample(atMs: number, force: boolean): void {
    if (!force && atMs - this.lastAtMs < this.minIntervalMs) return;
    this.lastAtMs = atMs;
    const byZone: CapacitySample["byZone"] = {};
    const zone = (name: string) => {
      byZone[name] ??= { allocatableMillis: 0, requestedMillis: 0 };
      return byZone[name];
    };
    for (const [name, supply] of this.cluster.state.supplyByZone()) zone(name).allocatableMillis = supply.cpuMillis;
    for (const pod of this.cluster.pods()) {
      if (pod.workloadKind === "DaemonSet" || pod.deleting) continue;
      const where = pod.nodeName ? pod.availabilityZone : pod.volumeZone;
      if (!where) continue;
      zone(where).requestedMillis += this.requestsByWorkload.get(`${pod.namespace}/${pod.workload}`) ?? 0;
    }
    const key = JSON.stringify(byZone);
    if (key === this.lastKey && !force) return;
    this.lastKey = key;
    this.samples.push({ atMs, byZone });
  }
}
