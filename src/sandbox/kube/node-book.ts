/**
 * Bookkeeping over nodes that the scheduler and the metrics read on every change, kept
 * incrementally so that a 5,000-node cluster never recounts its nodes:
 * - Ready schedulable nodes per node group and AZ (readySchedulableByZone);
 * - the allocatable resources of Ready schedulable nodes per AZ, net of DaemonSet requests (the
 *   capacity measure's supply);
 * - the scheduler's node order, zones interleaved (a, b, c, a, b, c…) like kube-scheduler's node
 *   tree, so that a scan of part of the list sees every zone.
 */
import { isSchedulable, nodeGroupOf, nodeZone } from "./predicates";
import type { Resources } from "./resources";
import type { NodeRecord } from "./types";

export class NodeBook {
  private readonly capacity = new Map<string, Map<string, number>>();
  private readonly supply = new Map<string, Resources>();
  private order: NodeRecord[] | undefined;
  private byName: NodeRecord[] | undefined;

  /** `resourcesOf`: what a node offers ordinary pods (allocatable minus its DaemonSet pods' requests). */
  constructor(private readonly resourcesOf: (node: NodeRecord) => Resources) {}

  /** Re-counts one node after a change; `present` is false once the Node object is deleted. */
  update(node: NodeRecord, present: boolean): void {
    const group = nodeGroupOf(node);
    const zone = nodeZone(node);
    let zones = this.capacity.get(group);
    if (!zones) {
      zones = new Map();
      this.capacity.set(group, zones);
    }
    if (present && !zones.has(zone)) zones.set(zone, 0);
    const schedulable = present && isSchedulable(node);
    if (schedulable === node.schedulable) return;
    node.schedulable = schedulable;
    zones.set(zone, (zones.get(zone) ?? 0) + (schedulable ? 1 : -1));
    const offered = this.resourcesOf(node);
    const sign = schedulable ? 1 : -1;
    const sum = this.supply.get(zone) ?? { cpuMillis: 0, memoryMiB: 0 };
    this.supply.set(zone, {
      cpuMillis: sum.cpuMillis + sign * offered.cpuMillis,
      memoryMiB: sum.memoryMiB + sign * offered.memoryMiB,
    });
  }

  /** Resources Ready schedulable nodes offer ordinary pods, per AZ, every node group counted. */
  supplyByZone(): ReadonlyMap<string, Resources> {
    return this.supply;
  }

  /** A node was registered or deleted: the scheduling order is rebuilt when next needed. */
  membershipChanged(): void {
    this.order = undefined;
    this.byName = undefined;
  }

  /** Every node in name order, as list calls return them; rebuilt only after a node came or went. */
  nameOrder(nodes: Iterable<NodeRecord>): readonly NodeRecord[] {
    if (!this.byName) this.byName = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.byName;
  }

  /** Every node, zones interleaved, each zone in name order. */
  schedulingOrder(nodes: Iterable<NodeRecord>): readonly NodeRecord[] {
    if (!this.order) {
      const byZone = new Map<string, NodeRecord[]>();
      for (const node of nodes) {
        const list = byZone.get(nodeZone(node));
        if (list) list.push(node);
        else byZone.set(nodeZone(node), [node]);
      }
      const zones = [...byZone.keys()].sort().map((zone) => {
        const list = byZone.get(zone) as NodeRecord[];
        return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      });
      const order: NodeRecord[] = [];
      const longest = Math.max(0, ...zones.map((list) => list.length));
      for (let i = 0; i < longest; i++)
        for (const list of zones) if (i < list.length) order.push(list[i] as NodeRecord);
      this.order = order;
    }
    return this.order;
  }

  /** Ready schedulable nodes per AZ of a group; `declaredZones` always appear (with 0). */
  readySchedulable(group: string, declaredZones: string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const zone of declaredZones) counts[zone] = 0;
    for (const [zone, count] of this.capacity.get(group) ?? []) counts[zone] = count;
    return counts;
  }
}
