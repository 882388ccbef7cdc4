/**
 * Samples a node group over virtual time: per AZ, Ready schedulable nodes that are old (to be
 * replaced) and new. It feeds the HTML report's SVG timeline. Sampling is throttled and only
 * changes are kept, so a 5,000-node run stays cheap.
 */
import type { VirtualClock } from "./clock";
import type { SimulatedCluster } from "./kube/cluster";

export interface TimelineSample {
  atMs: number;
  byZone: Record<string, { old: number; new: number; cordoned: number }>;
}

export class GroupTimeline {
  readonly samples: TimelineSample[] = [];
  private lastKey = "";
  private lastAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly nodeGroup: string,
    private readonly oldInstances: Set<string>,
    private readonly minIntervalMs = 5_000,
  ) {}

  attach(clock: VirtualClock): void {
    this.sample(clock.nowMs(), true);
    clock.onTick((now) => this.sample(now, false));
  }

  sample(atMs: number, force: boolean): void {
    if (!force && atMs - this.lastAtMs < this.minIntervalMs) return;
    const byZone: TimelineSample["byZone"] = {};
    this.cluster.forEachGroupNode(this.nodeGroup, (node) => {
      const zone = byZone[node.availabilityZone] ?? { old: 0, new: 0, cordoned: 0 };
      byZone[node.availabilityZone] = zone;
      if (!node.ready) return;
      if (node.unschedulable) zone.cordoned++;
      else if (this.oldInstances.has(node.instanceId)) zone.old++;
      else zone.new++;
    });
    this.lastAtMs = atMs;
    const key = JSON.stringify(byZone);
    if (key === this.lastKey && !force) return;
    this.lastKey = key;
    this.samples.push({ atMs, byZone });
  }
}
