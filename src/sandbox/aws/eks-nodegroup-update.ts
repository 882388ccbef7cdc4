/**
 * An EKS managed node group version update, run on the virtual clock as the EKS User Guide
 * describes it ("Understand each phase of node updates"):
 *
 * 1. Setup: a new launch template version with the target AMI; the Auto Scaling group moves to it;
 *    maxUnavailable from updateConfig (default 1).
 * 2. Scale up: max and desired grow by the larger of twice the number of Availability Zones and
 *    maxUnavailable. The phase succeeds when every zone that has old nodes has a new node and every
 *    new node is Ready; old nodes are then cordoned.
 * 3. Upgrade: up to maxUnavailable old nodes, picked at random, are drained through the eviction API
 *    (refusals retried); a node whose pods have not left within 15 minutes fails the update with
 *    PodEvictionFailure, unless `force`, which deletes them instead. 60 seconds after a node is
 *    empty it is terminated through Auto Scaling (without decrement, so a new node replaces it).
 *    Repeated until no node runs the old launch template version.
 * 4. Scale down: max and desired return to their values before the update.
 *
 * Modelled choices (the guide gives no figures): EVICTION_RETRY_SECONDS between eviction attempts,
 * POLL_SECONDS between readiness checks, NODE_READY_TIMEOUT_SECONDS before NodeCreationFailure.
 * A failed update stops where it is: the nodes it cordoned stay cordoned (as operators report after a
 * PodEvictionFailure) and the group keeps its raised sizes.
 */
import type { AutoScalingEngine } from "./asg-engine";
import type { GroupMember, SimEksUpdate, SimGroup, SimImage, SimNodegroup } from "./model";
import type { RegionContext } from "./world";

export const SETUP_SECONDS = 15;
export const POLL_SECONDS = 10;
export const EVICTION_RETRY_SECONDS = 5;
/** "If the Pods don't leave the node within 15 minutes … PodEvictionFailure". */
export const EVICTION_DEADLINE_SECONDS = 15 * 60;
/** "It cordons the node after every Pod is evicted and waits for 60 seconds." */
export const EVICTED_WAIT_SECONDS = 60;
export const NODE_READY_TIMEOUT_SECONDS = 20 * 60;

export interface VersionUpdateTarget {
  launchTemplateVersion: number;
  image: SimImage;
  version: string;
  releaseVersion: string;
}

interface Drain {
  instanceId: string;
  nodeName?: string;
  startMs: number;
  drained: boolean;
}

export class NodegroupVersionUpdate {
  private original = { maxSize: 0, desiredCapacity: 0 };
  private maxUnavailable = 1;
  private waitStartMs = 0;
  private drains: Drain[] = [];

  constructor(
    private readonly ctx: RegionContext,
    private readonly engine: AutoScalingEngine,
    private readonly nodegroup: SimNodegroup,
    private readonly group: SimGroup,
    private readonly update: SimEksUpdate,
    private readonly target: VersionUpdateTarget,
    private readonly force: boolean,
  ) {}

  start(): void {
    this.nodegroup.status = "UPDATING";
    this.nodegroup.modifiedMs = this.ctx.clock.nowMs();
    this.later(SETUP_SECONDS, "setup", () => this.setup());
  }

  private setup(): void {
    const { group } = this;
    group.launchTemplate = { ...group.launchTemplate, version: String(this.target.launchTemplateVersion) };
    const config = this.nodegroup.updateConfig;
    this.maxUnavailable =
      config.maxUnavailable ??
      (config.maxUnavailablePercentage !== undefined
        ? Math.max(1, Math.floor((group.desiredCapacity * config.maxUnavailablePercentage) / 100))
        : 1);
    this.original = { maxSize: group.maxSize, desiredCapacity: group.desiredCapacity };
    const surge = Math.max(2 * group.subnets.length, this.maxUnavailable);
    this.engine.applySizes(group, {
      minSize: group.minSize,
      maxSize: group.maxSize + surge,
      desiredCapacity: group.desiredCapacity + surge,
    });
    this.waitStartMs = this.ctx.clock.nowMs();
    this.later(POLL_SECONDS, "scale up", () => this.waitForNewNodes());
  }

  private waitForNewNodes(): void {
    const zonesWithOldNodes = new Set(this.outdated().map((m) => m.availabilityZone));
    const fresh = this.fresh();
    const everyZoneCovered = [...zonesWithOldNodes].every((zone) => fresh.some((m) => m.availabilityZone === zone));
    if (fresh.length > 0 && everyZoneCovered && this.freshAllReady()) {
      for (const member of this.outdated()) this.cordon(member.instanceId);
      this.nextBatch();
      return;
    }
    if (this.timedOut()) return;
    this.later(POLL_SECONDS, "scale up", () => this.waitForNewNodes());
  }

  private nextBatch(): void {
    const outdated = this.outdated();
    if (!this.freshAllReady()) {
      if (this.timedOut()) return;
      this.later(POLL_SECONDS, "upgrade", () => this.nextBatch());
      return;
    }
    if (outdated.length === 0) {
      this.scaleDown();
      return;
    }
    const batch = this.ctx.random.eksUpdate.shuffle(outdated).slice(0, this.maxUnavailable);
    const now = this.ctx.clock.nowMs();
    this.drains = batch.map((member) => ({
      instanceId: member.instanceId,
      nodeName: this.kube.nodeNameForInstance(member.instanceId),
      startMs: now,
      drained: false,
    }));
    for (const drain of this.drains) this.cordon(drain.instanceId);
    this.drainTick();
  }

  private drainTick(): void {
    const now = this.ctx.clock.nowMs();
    const stuck: string[] = [];
    for (const drain of this.drains) {
      if (drain.drained) continue;
      const pods = drain.nodeName === undefined ? [] : this.kube.evictablePodsOnNode(drain.nodeName);
      if (pods.length === 0) {
        drain.drained = true;
        continue;
      }
      const overdue = now - drain.startMs >= EVICTION_DEADLINE_SECONDS * 1000;
      for (const pod of pods.filter((p) => !p.deleting)) {
        if (overdue && this.force) this.kube.deletePod(pod.namespace, pod.name);
        else if (!overdue) this.kube.evict(pod.namespace, pod.name);
      }
      if (overdue && !this.force) stuck.push(drain.nodeName ?? drain.instanceId);
    }
    if (stuck.length > 0) {
      this.fail(
        "PodEvictionFailure",
        `Reached max retries while trying to evict pods from nodes in node group ${this.nodegroup.name}`,
        stuck,
      );
      return;
    }
    if (this.drains.every((d) => d.drained)) {
      this.later(EVICTED_WAIT_SECONDS, "evicted wait", () => this.terminateBatch());
      return;
    }
    this.later(EVICTION_RETRY_SECONDS, "drain", () => this.drainTick());
  }

  private terminateBatch(): void {
    const at = this.engine.activities.now();
    for (const drain of this.drains) {
      const member = this.group.members.get(drain.instanceId);
      if (!member || member.lifecycleState.startsWith("Terminating")) continue;
      this.engine.terminateMember(this.group, drain.instanceId, {
        decrement: false,
        cause: `At ${at} instance ${drain.instanceId} was taken out of service in response to a user request.`,
      });
    }
    this.drains = [];
    this.waitStartMs = this.ctx.clock.nowMs();
    this.later(POLL_SECONDS, "upgrade", () => this.nextBatch());
  }

  private scaleDown(): void {
    const { group } = this;
    this.engine.applySizes(group, {
      minSize: group.minSize,
      maxSize: Math.max(this.original.maxSize, group.minSize),
      desiredCapacity: Math.max(this.original.desiredCapacity, group.minSize),
    });
    this.later(POLL_SECONDS, "scale down", () => this.finishWhenSettled());
  }

  private finishWhenSettled(): void {
    if (this.engine.capacityMembers(this.group).length > this.group.desiredCapacity) {
      this.later(POLL_SECONDS, "scale down", () => this.finishWhenSettled());
      return;
    }
    const { nodegroup, target } = this;
    nodegroup.version = target.version;
    nodegroup.releaseVersion = target.releaseVersion;
    nodegroup.launchTemplate = { ...nodegroup.launchTemplate, version: String(target.launchTemplateVersion) };
    nodegroup.status = "ACTIVE";
    nodegroup.modifiedMs = this.ctx.clock.nowMs();
    this.update.status = "Successful";
  }

  private fail(errorCode: string, errorMessage: string, resourceIds: string[]): void {
    this.update.status = "Failed";
    this.update.errors.push({ errorCode, errorMessage, resourceIds });
    this.nodegroup.status = "ACTIVE";
    this.nodegroup.modifiedMs = this.ctx.clock.nowMs();
  }

  /** Fails with NodeCreationFailure when new nodes took too long; true when it did. */
  private timedOut(): boolean {
    if (this.ctx.clock.nowMs() - this.waitStartMs < NODE_READY_TIMEOUT_SECONDS * 1000) return false;
    const notReady = this.fresh()
      .filter((m) => !this.isReady(m.instanceId))
      .map((m) => m.instanceId);
    this.fail("NodeCreationFailure", "Instances failed to join the kubernetes cluster", notReady);
    return true;
  }

  private outdated(): GroupMember[] {
    return this.engine
      .capacityMembers(this.group)
      .filter((m) => m.launchTemplateVersion !== this.target.launchTemplateVersion)
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  private fresh(): GroupMember[] {
    return this.engine
      .capacityMembers(this.group)
      .filter((m) => m.launchTemplateVersion === this.target.launchTemplateVersion);
  }

  /** Every launch the group owes has happened and every new node is Ready. */
  private freshAllReady(): boolean {
    const launchesOutstanding = this.engine.capacityMembers(this.group).length < this.group.desiredCapacity;
    return !launchesOutstanding && this.fresh().every((m) => this.isReady(m.instanceId));
  }

  private isReady(instanceId: string): boolean {
    const nodeName = this.kube.nodeNameForInstance(instanceId);
    return nodeName !== undefined && this.kube.isNodeReady(nodeName);
  }

  private cordon(instanceId: string): void {
    const nodeName = this.kube.nodeNameForInstance(instanceId);
    if (nodeName !== undefined) this.kube.setUnschedulable(nodeName, true);
  }

  /** The Kubernetes side of the node group's cluster: its API server's nodes and pods. */
  private get kube() {
    return this.ctx.clusterControl(this.nodegroup.clusterName);
  }

  private later(seconds: number, step: string, run: () => void): void {
    this.ctx.clock.after(seconds, `eks update ${this.nodegroup.name} ${step}`, run);
  }
}
