/**
 * The pods, indexed the ways the simulation asks about them, and counters kept as pods change so
 * that no question costs a scan of every pod: a 5,000-node cluster runs some 40,000 of them.
 * - by key (namespace/name), by workload, by node, and in key order for list calls;
 * - the scheduler's queue (unbound pods not being deleted) and pods waiting on a volume;
 * - per workload: Ready pods, and active bound pods per zone and per node (for spreading);
 * - per budget: selected pods, healthy pods, and their controllers (kept in PdbRecord).
 */
import type { NodeRecord, PodRecord, WorkloadRecord } from "./types";

const EMPTY: ReadonlySet<PodRecord> = new Set();

/** Orders keys as (namespace, name) tuples: the separator sorts below every name character. */
export function podKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

function bump(map: Map<string, Map<string, number>>, outer: string, inner: string, delta: number): void {
  let counts = map.get(outer);
  if (!counts) {
    counts = new Map();
    map.set(outer, counts);
  }
  const next = (counts.get(inner) ?? 0) + delta;
  if (next === 0) counts.delete(inner);
  else counts.set(inner, next);
}

export class PodIndex {
  private readonly byKey = new Map<string, PodRecord>();
  private readonly byWorkload = new Map<string, Set<PodRecord>>();
  private readonly byNode = new Map<string, Set<PodRecord>>();
  /** Unbound pods not being deleted, in creation order: the scheduler's queue. */
  readonly pending = new Set<PodRecord>();
  readonly waitingForVolume = new Set<PodRecord>();
  private readonly ready = new Map<string, number>();
  private readonly spreadByZone = new Map<string, Map<string, number>>();
  private readonly spreadByNode = new Map<string, Map<string, number>>();
  /**
   * Every pod in key order as of the last sorted() call, and what changed since (merged on the next
   * call). When nobody lists every pod for a while (a roll lists pods per node), the order would keep
   * each removed pod alive: past a quarter of it removed, the order is dropped and made anew when asked.
   */
  private sortedCache: PodRecord[] = [];
  private orderDropped = false;
  private readonly addedSinceSort = new Set<PodRecord>();
  private readonly removedSinceSort = new Set<PodRecord>();

  get size(): number {
    return this.byKey.size;
  }

  get(namespace: string, name: string): PodRecord | undefined {
    return this.byKey.get(podKey(namespace, name));
  }

  has(namespace: string, name: string): boolean {
    return this.byKey.has(podKey(namespace, name));
  }

  values(): IterableIterator<PodRecord> {
    return this.byKey.values();
  }

  /**
   * Every pod in (namespace, name) order, as list calls return them. Pods added or removed since the
   * last call are merged into the previous order, so a list after a few changes costs one pass over
   * the pods instead of a sort of 40,000 keys.
   */
  sorted(): readonly PodRecord[] {
    if (this.orderDropped) {
      this.orderDropped = false;
      const keyed = [...this.byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      this.sortedCache = keyed.map(([, pod]) => pod);
      return this.sortedCache;
    }
    if (this.addedSinceSort.size === 0 && this.removedSinceSort.size === 0) return this.sortedCache;
    // The default sort compares UTF-16 code units, the same order as `<` on the keys.
    const added = [...this.addedSinceSort].map((pod) => ({ key: podKey(pod.namespace, pod.name), pod }));
    added.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const merged: PodRecord[] = [];
    let next = 0;
    for (const pod of this.sortedCache) {
      if (this.removedSinceSort.has(pod)) continue;
      const key = podKey(pod.namespace, pod.name);
      while (next < added.length && (added[next] as { key: string }).key < key)
        merged.push((added[next++] as { pod: PodRecord }).pod);
      merged.push(pod);
    }
    while (next < added.length) merged.push((added[next++] as { pod: PodRecord }).pod);
    this.addedSinceSort.clear();
    this.removedSinceSort.clear();
    this.sortedCache = merged;
    return merged;
  }

  ofWorkload(workload: WorkloadRecord): ReadonlySet<PodRecord> {
    return this.byWorkload.get(workload.uid) ?? EMPTY;
  }

  onNode(nodeName: string): ReadonlySet<PodRecord> {
    return this.byNode.get(nodeName) ?? EMPTY;
  }

  readyOf(workload: WorkloadRecord): number {
    return this.ready.get(workload.uid) ?? 0;
  }

  /** Active (not terminating) bound pods of the workload per zone, and per node. */
  zoneSpread(workload: WorkloadRecord): ReadonlyMap<string, number> | undefined {
    return this.spreadByZone.get(workload.uid);
  }

  nodeSpread(workload: WorkloadRecord): ReadonlyMap<string, number> | undefined {
    return this.spreadByNode.get(workload.uid);
  }

  add(pod: PodRecord): void {
    this.byKey.set(podKey(pod.namespace, pod.name), pod);
    let siblings = this.byWorkload.get(pod.workload.uid);
    if (!siblings) {
      siblings = new Set();
      this.byWorkload.set(pod.workload.uid, siblings);
    }
    siblings.add(pod);
    this.pending.add(pod);
    if (!this.orderDropped) this.addedSinceSort.add(pod);
  }

  bind(pod: PodRecord, node: NodeRecord): void {
    this.pending.delete(pod);
    let bound = this.byNode.get(node.name);
    if (!bound) {
      bound = new Set();
      this.byNode.set(node.name, bound);
    }
    bound.add(pod);
    if (pod.workload.kind !== "DaemonSet") node.load += 1;
    bump(this.spreadByZone, pod.workload.uid, pod.zone as string, 1);
    bump(this.spreadByNode, pod.workload.uid, node.name, 1);
  }

  /** The pod got a deletionTimestamp: no longer queued, no longer counted for spreading. */
  beginTerminating(pod: PodRecord): void {
    this.pending.delete(pod);
    if (pod.nodeName === undefined) return;
    bump(this.spreadByZone, pod.workload.uid, pod.zone as string, -1);
    bump(this.spreadByNode, pod.workload.uid, pod.nodeName, -1);
  }

  countReady(pod: PodRecord, ready: boolean): void {
    if (ready === pod.readyCounted) return;
    pod.readyCounted = ready;
    const delta = ready ? 1 : -1;
    this.ready.set(pod.workload.uid, (this.ready.get(pod.workload.uid) ?? 0) + delta);
    for (const pdb of pod.pdbs) pdb.healthy += delta;
  }

  /** Removes every trace of the pod. `node` is its node, if that still exists. */
  remove(pod: PodRecord, node: NodeRecord | undefined, wasTerminating: boolean): void {
    this.countReady(pod, false);
    this.byKey.delete(podKey(pod.namespace, pod.name));
    this.byWorkload.get(pod.workload.uid)?.delete(pod);
    this.pending.delete(pod);
    this.waitingForVolume.delete(pod);
    if (pod.nodeName !== undefined) {
      this.byNode.get(pod.nodeName)?.delete(pod);
      if (node && pod.workload.kind !== "DaemonSet") node.load -= 1;
      if (!wasTerminating) {
        bump(this.spreadByZone, pod.workload.uid, pod.zone as string, -1);
        bump(this.spreadByNode, pod.workload.uid, pod.nodeName, -1);
      }
    }
    // A pod added and removed between two lists never enters the order.
    if (this.orderDropped || this.addedSinceSort.delete(pod)) return;
    this.removedSinceSort.add(pod);
    if (this.removedSinceSort.size > 1000 && this.removedSinceSort.size * 4 > this.sortedCache.length) this.dropOrder();
  }

  private dropOrder(): void {
    this.orderDropped = true;
    this.sortedCache = [];
    this.addedSinceSort.clear();
    this.removedSinceSort.clear();
  }

  forgetNode(nodeName: string): void {
    this.byNode.delete(nodeName);
  }
}
