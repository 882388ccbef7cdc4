/**
 * The simulated Kubernetes cluster of the sandbox. The simulated region tells it about machines
 * (InstanceLifecycleListener); simulated EKS and benchmark strategies act on it directly
 * (ClusterControl); everything else — the production kube adapter included — reaches it over HTTP
 * through startKubeApiServer (server.ts). All time is the VirtualClock's, all names come from the
 * SeededRandom, so a run is the same for a given seed.
 */
import type { EvictionResult, NodeChange } from "../../core/model/kube";
import { hashString } from "../aws/ids";
import { SeededRandom, type VirtualClock } from "../clock";
import { EtcdCluster } from "../etcd/etcd-cluster";
import type { ClusterControl, InstanceLifecycleListener, LaunchedInstance } from "../links";
import type { Scenario } from "../scenario/schema";
import type { TimingModel } from "../timing/model";
import { ControlPlane } from "./control-plane";
import { reconcile } from "./controllers";
import { evictPod } from "./eviction";
import { type CapacityWindow, MetricsRecorder } from "./metrics";
import * as nodes from "./nodes";
import { deletePod } from "./pods";
import { isDaemonPod, isNodeReady, isTerminating, podsOnNode } from "./predicates";
import { seedWorkloads } from "./seed";
import { ClusterState } from "./state";
import type { CapacityRatios, ClusterMetrics, EventView, NodeView, PodView } from "./types";
import { eventViews, nodeViews, podViews } from "./views";
import { blockWorkload } from "./workloads";

export type { ClusterMetrics, EventView, NodeView, PodView } from "./types";

export class SimulatedCluster implements InstanceLifecycleListener, ClusterControl {
  /** The store behind the simulated API server (server.ts); not for other callers. */
  readonly state: ClusterState;
  private readonly recorder: MetricsRecorder;
  /** etcd of a self-managed cluster with control-plane machines; undefined otherwise. */
  readonly etcd: EtcdCluster | undefined;

  constructor(opts: {
    scenario: Scenario;
    clock: VirtualClock;
    rng: SeededRandom;
    timing?: TimingModel;
    /** A self-managed cluster created during the run: etcd waits for kubeadm init on its first node. */
    kubeadm?: boolean;
  }) {
    this.state = new ClusterState(opts.scenario, opts.clock, opts.rng, opts.timing);
    this.recorder = new MetricsRecorder(this.state);
    this.state.setReconcileHandler(() => reconcile(this.state));
    const cluster = opts.scenario.cluster;
    if (cluster.kind === "self-managed" && cluster.controlPlane) {
      // Its own random stream, so that adding a control plane leaves every other name of the run as it was.
      const etcdRng = new SeededRandom(hashString(`${opts.scenario.seed}:etcd`));
      this.etcd = new EtcdCluster(opts.clock, etcdRng);
      this.state.controlPlane = new ControlPlane(this.state, this.etcd);
    } else if (opts.kubeadm || (!cluster.name && opts.scenario.account)) {
      // An account may get a self-managed cluster created: etcd is there to be started by kubeadm init.
      const etcdRng = new SeededRandom(
        hashString(opts.kubeadm ? `${opts.scenario.seed}:etcd:${cluster.name}` : `${opts.scenario.seed}:etcd`),
      );
      this.etcd = new EtcdCluster(opts.clock, etcdRng);
    }
  }

  /** kubeadm init on a created cluster's first node: from now on control-plane nodes run etcd and static pods. */
  enableControlPlane(): ControlPlane | undefined {
    if (!this.state.controlPlane && this.etcd) this.state.controlPlane = new ControlPlane(this.state, this.etcd);
    return this.state.controlPlane;
  }

  // --- InstanceLifecycleListener -------------------------------------------------------------

  instanceRunning(instance: LaunchedInstance): void {
    nodes.instanceRunning(this.state, instance);
  }

  instanceShuttingDown(instanceId: string): void {
    nodes.instanceShuttingDown(this.state, instanceId);
  }

  instanceTerminated(instanceId: string): void {
    nodes.instanceTerminated(this.state, instanceId);
  }

  // --- Scenario and introspection ------------------------------------------------------------

  /**
   * Creates the scenario's workloads (Deployments, StatefulSets, DaemonSets, PDBs, PVs) and places
   * their pods Running and Ready at t0 on the initial nodes, then applies the scenario's
   * `pdb-blocked` faults. Call after the region has registered the initial instances.
   */
  seedWorkloads(): void {
    seedWorkloads(this.state);
    this.recorder.setBaseline();
  }

  metrics(): ClusterMetrics {
    return this.recorder.snapshot();
  }

  /** Starts keeping the minimum capacity ratios from now on (a roll measures its own window). */
  openCapacityWindow(): CapacityWindow {
    return this.recorder.openWindow();
  }

  /** The capacity ratios right now. */
  capacityNow(): CapacityRatios {
    return this.recorder.capacityNow();
  }

  /** Ready, schedulable nodes per AZ of one node group (label tugboat.io/node-group). */
  readySchedulableByZone(nodeGroup: string): Record<string, number> {
    return this.state.readySchedulableByZone(nodeGroup);
  }

  nodes(): readonly NodeView[] {
    return nodeViews(this.state);
  }

  /**
   * Visits the nodes of one group that are not shutting down, reading only what a sampler needs: far
   * cheaper than nodes() when it runs on every tick of a 5,000-node run.
   */
  forEachGroupNode(
    nodeGroup: string,
    visit: (node: { availabilityZone: string; instanceId: string; ready: boolean; unschedulable: boolean }) => void,
  ): void {
    for (const node of this.state.nodes.values()) {
      if (node.instance.nodeGroup !== nodeGroup || node.shuttingDown) continue;
      visit({
        availabilityZone: node.instance.availabilityZone,
        instanceId: node.instance.instanceId,
        ready: isNodeReady(node),
        unschedulable: node.unschedulable,
      });
    }
  }

  pods(): readonly PodView[] {
    return podViews(this.state);
  }

  /** Events emitted by the simulated control plane and written by clients, oldest first. */
  events(): readonly EventView[] {
    return eventViews(this.state);
  }

  /** Makes every pod of a workload unready for a while (the `pdb-blocked` fault), so its PDB refuses evictions. */
  blockWorkload(namespace: string, name: string, clearAfterSeconds?: number): void {
    blockWorkload(this.state, namespace, name, clearAfterSeconds);
  }

  /** HTTP requests served. */
  apiCalls(): number {
    return this.state.apiCalls;
  }

  /** Sampled round trips of every API request served so far, in seconds. */
  apiCallSeconds(): number {
    return this.state.apiCallSeconds;
  }

  /** Simulated EKS moves the control plane's version (GET /version) when a cluster update completes. */
  setServerVersion(minorVersion: string): void {
    this.state.serverMinor = minorVersion;
  }

  // --- ClusterControl -----------------------------------------------------------------------

  nodeNameForInstance(instanceId: string): string | undefined {
    const name = this.state.instances.get(instanceId)?.nodeName;
    return name !== undefined && this.state.nodes.has(name) ? name : undefined;
  }

  isNodeReady(nodeName: string): boolean {
    return isNodeReady(this.state.nodes.get(nodeName));
  }

  removeTaint(nodeName: string, key: string): void {
    const node = this.state.nodes.get(nodeName);
    if (!node?.taints.some((t) => t.key === key)) return;
    this.state.beforeChange();
    node.taints = node.taints.filter((t) => t.key !== key);
    this.state.touch(node);
    this.state.nodeChanged(node);
  }

  setUnschedulable(nodeName: string, unschedulable: boolean): NodeChange {
    return nodes.setUnschedulable(this.state, nodeName, unschedulable);
  }

  evict(namespace: string, name: string): EvictionResult {
    return evictPod(this.state, namespace, name).result;
  }

  evictablePodsOnNode(nodeName: string): { namespace: string; name: string; deleting: boolean }[] {
    return podsOnNode(this.state, nodeName)
      .filter((pod) => !isDaemonPod(pod))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
      .map((pod) => ({ namespace: pod.namespace, name: pod.name, deleting: isTerminating(pod) }));
  }

  deletePod(namespace: string, name: string): void {
    const pod = this.state.pods.get(namespace, name);
    if (pod) deletePod(this.state, pod, { viaEviction: false });
  }
}
