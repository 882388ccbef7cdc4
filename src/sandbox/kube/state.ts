/**
 * The cluster's store: every object the simulated API server knows, the resourceVersion counter,
 * and the two pieces of plumbing the modules share — the "something changed" hook (metrics integrate
 * over time, so they must see the state just before each change) and the zero-delay reconcile pass
 * that stands in for the controllers' and scheduler's watch loops.
 */

import { nodeAllocatable } from "../aws/catalog";
import type { SeededRandom, VirtualClock } from "../clock";
import type { Scenario, ScenarioNodeGroup } from "../scenario/schema";
import { TimingModel } from "../timing/model";
import { RbacStore } from "./auth/rbac-store";
import type { ControlPlane } from "./control-plane";
import { NodeBook } from "./node-book";
import { PodIndex, podKey } from "./pod-index";
import { isPodReady } from "./predicates";
import { podRequests, type Resources } from "./resources";
import type {
  ClaimRecord,
  EventRecord,
  InstanceRecord,
  NodeRecord,
  PdbRecord,
  PodRecord,
  WorkloadRecord,
} from "./types";
import type { ClusterFlavor } from "./versions";

/**
 * kube-apiserver stores each event with a lease of --event-ttl (default one hour) from when it was
 * written: an event not written again since is gone from lists and gets after that.
 */
export const EVENT_TTL_MS = 3_600_000;
/** A bound besides the TTL keeps a busy hour small. */
const MAX_EVENTS = 20_000;
/** Old events are dropped in chunks so that a long run does not shift the array on every event. */
const EVENT_TRIM_CHUNK = 2_000;

export interface DisruptionCounters {
  podsEvicted: number;
  evictionsRefusedByPdb: number;
  pdbViolations: number;
  podsLost: number;
}

export interface NewEvent {
  involved: { kind: string; name: string; namespace?: string; uid?: string; apiVersion?: string };
  reason: string;
  message: string;
  type?: "Normal" | "Warning";
  source: string;
  host?: string;
}

export { podKey };

export class ClusterState {
  /** Sampled durations (node Ready, pod start, volume attach, pod shutdown, API requests). */
  readonly timing: TimingModel;
  readonly flavor: ClusterFlavor;
  /** The control plane's minor version (GET /version); EKS updates move it. */
  serverMinor: string;
  readonly startedAtMs: number;

  readonly nodes = new Map<string, NodeRecord>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly pods = new PodIndex();
  readonly workloads: WorkloadRecord[] = [];
  readonly pdbs = new Map<string, PdbRecord>();
  readonly claims = new Map<string, ClaimRecord>();
  /** Events in the order they were written, the expired ones included until the next look (liveEvents). */
  private readonly events: EventRecord[] = [];
  /** When each of `events` was written (virtual ms), for the TTL. */
  private readonly eventWrittenMs: number[] = [];
  /** Expired events at the head of `events`, dropped from the arrays in chunks. */
  private expiredEvents = 0;
  /** ClusterRoles, Roles and their bindings: what the authorizer reads (auth/rbac-authorizer.ts). */
  readonly rbac: RbacStore;
  /** Names of the live events per namespace (the records' own strings: no key string per event). */
  private readonly eventNames = new Map<string, Set<string>>();
  readonly counters: DisruptionCounters = { podsEvicted: 0, evictionsRefusedByPdb: 0, pdbViolations: 0, podsLost: 0 };
  apiCalls = 0;
  /** Sampled round trips of those requests, summed. */
  apiCallSeconds = 0;
  /** Workloads whose controller must look again (a pod of theirs changed, or nodes came and went). */
  readonly dirtyWorkloads = new Set<WorkloadRecord>();
  /** Nodes that changed since the last scheduling pass: the only ones a previously unschedulable pod may now fit. */
  readonly touchedNodes = new Set<string>();
  /**
   * Nodes the DaemonSet controller must look at on its next pass: those registered since, and those that
   * lost a DaemonSet pod. Every other node already runs its daemons, so a pass costs no scan of the cluster.
   */
  readonly daemonSetNodes = new Set<string>();
  /** Counts changes; views are cached against it. */
  changeCount = 0;
  /** True while seedWorkloads lays out t0. */
  seeding = false;
  /** Self-managed clusters with control-plane machines: their nodes, static pods and etcd. */
  controlPlane: ControlPlane | undefined;

  private readonly nodeBook = new NodeBook((node) => this.offeredResources(node));
  private resourceVersion = 1000;
  private sequence = 0;
  private readonly changeListeners: (() => void)[] = [];
  private reconcileHandler: (() => void) | undefined;
  private reconcileQueued = false;
  private reconciling = false;

  constructor(
    readonly scenario: Scenario,
    readonly clock: VirtualClock,
    readonly rng: SeededRandom,
    timing?: TimingModel,
  ) {
    this.timing = timing ?? new TimingModel(scenario.timing, scenario.seed, () => clock.nowMs());
    this.flavor = scenario.cluster.kind === "eks" ? "eks" : "self-managed";
    this.serverMinor = scenario.cluster.version;
    this.startedAtMs = clock.nowMs();
    this.rbac = new RbacStore(
      () => this.now(),
      () => this.nextResourceVersion(),
    );
  }

  now(): number {
    return this.clock.nowMs();
  }

  nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  touch(record: { resourceVersion: string }): void {
    record.resourceVersion = this.nextResourceVersion();
  }

  nodeGroup(name: string): ScenarioNodeGroup | undefined {
    return this.scenario.cluster.nodeGroups.find((group) => group.name === name);
  }

  /** Called before every change to what metrics measure, so integrals use the state that held until now. */
  onBeforeChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  beforeChange(): void {
    this.changeCount += 1;
    for (const listener of this.changeListeners) listener();
  }

  /** Re-counts a pod's readiness in the per-workload and per-budget counters after a change. */
  refreshReady(pod: PodRecord): void {
    const ready = isPodReady(this, pod);
    if (ready === pod.readyCounted) return;
    this.pods.countReady(pod, ready);
    // An OrderedReady StatefulSet waits on its pods' readiness.
    if (pod.workload.kind === "StatefulSet") {
      this.dirtyWorkloads.add(pod.workload);
      this.requestReconcile();
    }
  }

  /**
   * After any change to a node (registered, Ready, gone, cordoned, tainted, deleted): re-count it,
   * remember it for the next scheduling pass, and re-count its pods' readiness. A registration or
   * deletion (`membership`) also rebuilds the scheduling order, and lets DaemonSets look again.
   */
  nodeChanged(node: NodeRecord, membership = false): void {
    const present = this.nodes.get(node.name) === node;
    this.nodeBook.update(node, present);
    this.touchedNodes.add(node.name);
    for (const pod of this.pods.onNode(node.name)) this.refreshReady(pod);
    if (membership) {
      this.nodeBook.membershipChanged();
      if (present) this.daemonSetNodes.add(node.name);
      for (const workload of this.workloads) if (workload.kind === "DaemonSet") this.dirtyWorkloads.add(workload);
    }
    this.requestReconcile();
  }

  /** Every node in kube-scheduler's order: zones interleaved. */
  schedulingOrder(): readonly NodeRecord[] {
    return this.nodeBook.schedulingOrder(this.nodes.values());
  }

  /** Every node in name order (the order of list calls). */
  nodesByName(): readonly NodeRecord[] {
    return this.nodeBook.nameOrder(this.nodes.values());
  }

  /** Allocatable resources of Ready schedulable nodes per AZ, net of DaemonSet requests. */
  supplyByZone(): ReadonlyMap<string, Resources> {
    return this.nodeBook.supplyByZone();
  }

  /** A node's allocatable resources minus the requests of the DaemonSet pods it runs. */
  private offeredResources(node: NodeRecord): Resources {
    const allocatable = nodeAllocatable(node.instance.instanceType);
    let cpu = allocatable.cpuMillis;
    let memory = allocatable.memoryMiB;
    for (const workload of this.scenario.cluster.workloads) {
      if (workload.kind !== "DaemonSet") continue;
      if (workload.nodeGroup !== undefined && workload.nodeGroup !== node.instance.nodeGroup) continue;
      const requests = podRequests(workload);
      cpu -= requests.cpuMillis;
      memory -= requests.memoryMiB;
    }
    return { cpuMillis: Math.max(0, cpu), memoryMiB: Math.max(0, memory) };
  }

  readySchedulableByZone(nodeGroup: string): Record<string, number> {
    return this.nodeBook.readySchedulable(nodeGroup, Object.keys(this.nodeGroup(nodeGroup)?.zones ?? {}));
  }

  setReconcileHandler(handler: () => void): void {
    this.reconcileHandler = handler;
  }

  /**
   * Queues one reconcile pass (controllers, then scheduler) as a zero-delay clock event, as the
   * watch-driven loops of a real control plane react within milliseconds of a change.
   */
  requestReconcile(): void {
    if (this.reconcileQueued || this.reconciling || !this.reconcileHandler) return;
    this.reconcileQueued = true;
    this.clock.after(0, "kube: reconcile", () => this.runReconcile());
  }

  runReconcile(): void {
    this.reconcileQueued = false;
    if (!this.reconcileHandler) return;
    this.reconciling = true;
    try {
      this.reconcileHandler();
    } finally {
      this.reconciling = false;
    }
  }

  /**
   * Records an event, except while the t0 layout is built: a cluster that has been running for a
   * while no longer holds the events of its creation (kube-apiserver keeps them an hour).
   */
  emitEvent(event: NewEvent): EventRecord | undefined {
    if (this.seeding) return undefined;
    const at = this.now();
    const namespace = event.involved.namespace ?? "default";
    const record: EventRecord = {
      namespace,
      // Real event names are `<object>.<hex unix nanoseconds>`; the sequence keeps them unique per instant.
      name: `${event.involved.name}.${(at * 1000 + this.nextSequence()).toString(16)}`,
      uid: `event-${this.sequence}`,
      resourceVersion: this.nextResourceVersion(),
      involvedObject: { ...event.involved, namespace: event.involved.namespace },
      reason: event.reason,
      message: event.message,
      type: event.type ?? "Normal",
      sourceComponent: event.source,
      sourceHost: event.host,
      firstMs: at,
      lastMs: at,
      count: 1,
      api: "core",
    };
    this.storeEvent(record);
    return record;
  }

  storeEvent(record: EventRecord): void {
    this.expireEvents();
    this.events.push(record);
    this.eventWrittenMs.push(this.now());
    let names = this.eventNames.get(record.namespace);
    if (names === undefined) {
      names = new Set();
      this.eventNames.set(record.namespace, names);
    }
    names.add(record.name);
    const live = this.events.length - this.expiredEvents;
    if (live > MAX_EVENTS + EVENT_TRIM_CHUNK) this.dropEvents(live - MAX_EVENTS);
  }

  /** The events kube-apiserver still holds, oldest written first. */
  liveEvents(): readonly EventRecord[] {
    this.expireEvents();
    return this.expiredEvents === 0 ? this.events : this.events.slice(this.expiredEvents);
  }

  private expireEvents(): void {
    const cutoff = this.now() - EVENT_TTL_MS;
    let expired = 0;
    const live = this.events.length - this.expiredEvents;
    while (expired < live && (this.eventWrittenMs[this.expiredEvents + expired] as number) <= cutoff) expired += 1;
    if (expired > 0) this.dropEvents(expired);
  }

  /** Forgets the `count` oldest live events; the arrays shrink once enough of them have gone. */
  private dropEvents(count: number): void {
    for (let index = this.expiredEvents; index < this.expiredEvents + count; index++) {
      const old = this.events[index] as EventRecord;
      this.eventNames.get(old.namespace)?.delete(old.name);
    }
    this.expiredEvents += count;
    if (this.expiredEvents >= EVENT_TRIM_CHUNK) {
      this.events.splice(0, this.expiredEvents);
      this.eventWrittenMs.splice(0, this.expiredEvents);
      this.expiredEvents = 0;
    }
  }

  hasEvent(namespace: string, name: string): boolean {
    this.expireEvents();
    return this.eventNames.get(namespace)?.has(name) ?? false;
  }
}
