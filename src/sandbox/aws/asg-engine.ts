/**
 * Auto Scaling's behaviour on the virtual clock: capacity reconciliation, launches across zones,
 * scale-in by the Default termination policy, AZRebalance, and each member's lifecycle
 * (Pending → [Pending:Wait] → InService → Terminating → [Terminating:Wait] → gone).
 *
 * Modelled choices, grounded where AWS publishes numbers:
 * - The group acts RECONCILE_DELAY_SECONDS after a change, as the service does within seconds.
 * - Instances in a Terminating state no longer count toward the desired capacity, so a termination
 *   without decrement launches its replacement at once, while the old instance still drains.
 * - A launch refused in one zone (insufficient capacity) is recorded as a Failed activity and
 *   tried in the next zone; when every zone refuses, the group tries again LAUNCH_RETRY_SECONDS later.
 * - AZRebalance launches first (the group may exceed desired by the larger of 1 or 10% of max, as the
 *   User Guide says) and terminates in the fullest zone once the new instance is in service. It waits
 *   until every member is InService, and ignores zones short of capacity.
 * - Members of EKS managed node groups are drained by EKS before they terminate (eks-drainer.ts).
 * - An instance that goes away behind the group's back (TerminateInstances, Spot interruption) is
 *   marked Unhealthy and replaced, desired capacity unchanged.
 */
import { ActivityLog, causes } from "./asg-activities";
import { launchInstance } from "./asg-launch";
import { LifecycleActions, TERMINATING } from "./asg-lifecycle";
import { countByZone, launchZoneOrder, pickForScaleIn, rebalanceMove } from "./asg-placement";
import { drainManagedNode } from "./eks-drainer";
import { asgGroupNotFound } from "./errors";
import type { Ec2Fleet } from "./fleet";
import type { GroupMember, LifecycleResult, SimGroup, SimInstance } from "./model";
import type { RegionContext } from "./world";

export const RECONCILE_DELAY_SECONDS = 5;
export const LAUNCH_RETRY_SECONDS = 60;

export class AutoScalingEngine {
  readonly activities: ActivityLog;
  readonly lifecycle: LifecycleActions;
  private readonly reconcileDue = new Map<string, number>();

  constructor(
    private readonly ctx: RegionContext,
    private readonly fleet: Ec2Fleet,
  ) {
    this.activities = new ActivityLog(ctx);
    this.lifecycle = new LifecycleActions(ctx, {
      launchSettled: (group, instanceId, result) => this.launchSettled(group, instanceId, result),
      terminateSettled: (group, instanceId) => this.terminateSettled(group, instanceId),
    });
    fleet.hooks = {
      onRunning: (instance) => this.instanceRunning(instance),
      onShuttingDown: (instance) => this.instanceShuttingDown(instance),
      onTerminated: (instance) => this.instanceTerminated(instance),
    };
  }

  requireGroup(name: string): SimGroup {
    const group = this.ctx.world.groups.get(name);
    if (!group) throw asgGroupNotFound(name);
    return group;
  }

  /** Members that count toward the desired capacity (not on their way out). */
  capacityMembers(group: SimGroup): GroupMember[] {
    return [...group.members.values()].filter((m) => !m.lifecycleState.startsWith("Terminating"));
  }

  isSuspended(group: SimGroup, process: string): boolean {
    return group.suspended.has(process);
  }

  /** Records an instance that exists when the scenario starts. */
  adoptInitial(group: SimGroup, instance: SimInstance, launchTemplateVersion: number): void {
    group.members.set(instance.instanceId, {
      instanceId: instance.instanceId,
      availabilityZone: instance.availabilityZone,
      lifecycleState: "InService",
      healthStatus: "Healthy",
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchTemplateVersion,
      launchedForRebalance: false,
    });
    this.ctx.world.groupOfInstance.set(instance.instanceId, group.name);
  }

  /** Applies already-validated sizes and lets the group act on them. */
  applySizes(
    group: SimGroup,
    sizes: { minSize: number; maxSize: number; desiredCapacity: number },
    cause?: string,
  ): void {
    group.minSize = sizes.minSize;
    group.maxSize = sizes.maxSize;
    if (sizes.desiredCapacity !== group.desiredCapacity && cause) group.lastCapacityCause = cause;
    group.desiredCapacity = sizes.desiredCapacity;
    this.scheduleReconcile(group);
  }

  /** Takes a member out of service; `decrement` lowers the desired capacity (no replacement). */
  terminateMember(group: SimGroup, instanceId: string, options: { decrement: boolean; cause: string }): string {
    const member = group.members.get(instanceId);
    if (!member) throw new Error(`terminateMember: ${instanceId} is not a member of ${group.name}`);
    if (options.decrement) group.desiredCapacity -= 1;
    this.lifecycle.discard(group, instanceId);
    this.activities.finish(
      member.launchActivityId,
      "Cancelled",
      "Instance was taken out of service before it was in service.",
    );
    member.launchedForRebalance = false;
    const activity = this.activities.start(group, {
      description: `Terminating EC2 instance: ${instanceId}`,
      cause: options.cause,
      details: this.detailsOf(group, member),
      instanceId,
    });
    member.terminateActivityId = activity.activityId;
    if (group.kind === "eks-managed") {
      // EKS drains its managed nodes before they go; the group's own hooks run after that.
      member.lifecycleState = "Terminating:Wait";
      const waiting = () => group.members.get(instanceId)?.lifecycleState === "Terminating:Wait";
      drainManagedNode(this.ctx, instanceId, waiting, () => {
        if (waiting()) this.enterTerminateHooks(group, member);
      });
    } else {
      this.enterTerminateHooks(group, member);
    }
    this.scheduleReconcile(group);
    return activity.activityId;
  }

  private enterTerminateHooks(group: SimGroup, member: GroupMember): void {
    if (this.lifecycle.begin(group, member.instanceId, TERMINATING)) {
      member.lifecycleState = "Terminating:Wait";
    } else {
      member.lifecycleState = "Terminating";
      this.proceedWithTermination(member);
    }
  }

  /** Runs reconciliation RECONCILE_DELAY_SECONDS from now (or sooner, if already due sooner). */
  scheduleReconcile(group: SimGroup, delaySeconds = RECONCILE_DELAY_SECONDS): void {
    const dueMs = this.ctx.clock.nowMs() + delaySeconds * 1000;
    const existing = this.reconcileDue.get(group.name);
    if (existing !== undefined && group.reconcileTimerId !== undefined) {
      if (existing <= dueMs) return;
      this.ctx.clock.cancel(group.reconcileTimerId);
    }
    this.reconcileDue.set(group.name, dueMs);
    group.reconcileTimerId = this.ctx.clock.at(dueMs, `asg reconcile ${group.name}`, () => this.reconcile(group));
  }

  reconcile(group: SimGroup): void {
    group.reconcileTimerId = undefined;
    this.reconcileDue.delete(group.name);
    const live = this.capacityMembers(group);
    const rebalancing = live.filter((m) => m.launchedForRebalance).length;
    if (live.length < group.desiredCapacity) {
      if (!this.isSuspended(group, "Launch")) this.launchMany(group, group.desiredCapacity - live.length);
    } else if (live.length > group.desiredCapacity + rebalancing) {
      if (!this.isSuspended(group, "Terminate")) this.scaleIn(group, live.length - group.desiredCapacity - rebalancing);
    } else {
      group.lastCapacityCause = undefined;
      if (rebalancing === 0) this.maybeRebalance(group, live);
    }
  }

  private launchMany(group: SimGroup, count: number): void {
    for (let i = 0; i < count; i++) {
      const from = this.capacityMembers(group).length;
      const at = this.activities.now();
      const cause = [group.lastCapacityCause, causes.launch(at, from, from + 1)].filter(Boolean).join("  ");
      const order = launchZoneOrder(this.zones(group), countByZone(this.zones(group), this.capacityMembers(group)));
      if (!this.launchOne(group, order, cause, false)) {
        this.scheduleReconcile(group, LAUNCH_RETRY_SECONDS);
        return;
      }
    }
  }

  /**
   * LaunchInstances: launches into one zone now, raising desired capacity by what launched. Stops at the
   * first launch the zone cannot serve (its failed activity says why).
   */
  launchInto(group: SimGroup, zone: string, count: number): { instanceIds: string[]; error?: string } {
    const instanceIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const from = this.capacityMembers(group).length;
      const cause = `At ${this.activities.now()} a user request launched instances, changing the desired capacity from ${from} to ${from + 1}.`;
      const member = this.launchOne(group, [zone], cause, false);
      if (!member) {
        return { instanceIds, error: `could not launch into ${zone}: see the group's scaling activities` };
      }
      group.desiredCapacity += 1;
      instanceIds.push(member.instanceId);
    }
    return { instanceIds };
  }

  /** Launches one instance into the first zone of `zoneOrder` that has capacity. */
  private launchOne(
    group: SimGroup,
    zoneOrder: string[],
    cause: string,
    forRebalance: boolean,
  ): GroupMember | undefined {
    return launchInstance(
      { ctx: this.ctx, fleet: this.fleet, activities: this.activities, lifecycle: this.lifecycle },
      group,
      zoneOrder,
      cause,
      forRebalance,
    );
  }

  private scaleIn(group: SimGroup, count: number): void {
    const live = this.capacityMembers(group);
    const picks = pickForScaleIn(
      live.map((m) => this.candidate(m)),
      count,
      this.ctx.clock.nowMs(),
      this.ctx.random.scaleIn,
    );
    let size = live.length;
    for (const instanceId of picks) {
      const cause = [group.lastCapacityCause, causes.scaleIn(this.activities.now(), size, size - 1)]
        .filter(Boolean)
        .join("  ");
      this.terminateMember(group, instanceId, { decrement: false, cause });
      size--;
    }
  }

  private maybeRebalance(group: SimGroup, live: GroupMember[]): void {
    if (this.isSuspended(group, "AZRebalance") || this.isSuspended(group, "Launch")) return;
    if (live.some((m) => m.lifecycleState !== "InService")) return;
    const usable = this.zones(group).filter((zone) => !this.ctx.faults.isCapacityShort(zone));
    const move = rebalanceMove(usable, countByZone(usable, live));
    if (!move) return;
    const ceiling = group.desiredCapacity + Math.max(1, Math.floor(group.maxSize / 10));
    if (live.length + 1 > ceiling) return;
    this.launchOne(group, [move.launchZone], causes.rebalanceLaunch(this.activities.now(), move.launchZone), true);
  }

  /** The rebalancing launch is in service: the fullest zone gives up an instance. */
  private finishRebalance(group: SimGroup, arrived: GroupMember): void {
    arrived.launchedForRebalance = false;
    if (this.isSuspended(group, "Terminate")) return;
    const others = this.capacityMembers(group).filter((m) => m.instanceId !== arrived.instanceId);
    const [pick] = pickForScaleIn(
      others.map((m) => this.candidate(m)),
      1,
      this.ctx.clock.nowMs(),
      this.ctx.random.scaleIn,
    );
    if (pick === undefined) return;
    const zone = group.members.get(pick)?.availabilityZone ?? "";
    this.terminateMember(group, pick, {
      decrement: false,
      cause: causes.rebalanceTerminate(this.activities.now(), zone),
    });
  }

  private instanceRunning(instance: SimInstance): void {
    const group = this.ctx.world.groupFor(instance.instanceId);
    const member = group?.members.get(instance.instanceId);
    if (!group || !member) return;
    if (member.lifecycleState === "Pending" || member.lifecycleState === "Pending:Proceed") {
      this.markInService(group, member);
    }
  }

  private launchSettled(group: SimGroup, instanceId: string, result: LifecycleResult): void {
    const member = group.members.get(instanceId);
    if (member?.lifecycleState !== "Pending:Wait") return;
    if (result === "ABANDON") {
      this.terminateMember(group, instanceId, {
        decrement: false,
        cause: causes.lifecycleAbandon(this.activities.now(), "launch"),
      });
      return;
    }
    const running = this.ctx.world.instances.get(instanceId)?.state === "running";
    if (running) this.markInService(group, member);
    else member.lifecycleState = "Pending:Proceed";
  }

  private terminateSettled(group: SimGroup, instanceId: string): void {
    const member = group.members.get(instanceId);
    if (member?.lifecycleState === "Terminating:Wait") this.proceedWithTermination(member);
  }

  private proceedWithTermination(member: GroupMember): void {
    member.lifecycleState = "Terminating:Proceed";
    this.fleet.terminate(member.instanceId, "User initiated");
  }

  private markInService(group: SimGroup, member: GroupMember): void {
    member.lifecycleState = "InService";
    this.activities.finish(member.launchActivityId, "Successful");
    this.ctx.events.emit(
      "aws.autoscaling",
      "EC2 Instance Launch Successful",
      [group.arn, this.ctx.events.instanceArn(member.instanceId)],
      this.activityEventDetail(group, member, member.launchActivityId, "Launching a new EC2 instance"),
    );
    if (member.launchedForRebalance) this.finishRebalance(group, member);
    else this.scheduleReconcile(group);
  }

  /** EC2 is taking the instance away; if the group did not ask for it, its health check notices. */
  private instanceShuttingDown(instance: SimInstance): void {
    const group = this.ctx.world.groupFor(instance.instanceId);
    const member = group?.members.get(instance.instanceId);
    if (!group || !member || member.lifecycleState.startsWith("Terminating")) return;
    member.healthStatus = "Unhealthy";
    this.lifecycle.discard(group, member.instanceId);
    this.activities.finish(member.launchActivityId, "Cancelled", "Instance was terminated before it was in service.");
    member.launchedForRebalance = false;
    member.lifecycleState = "Terminating:Proceed";
    member.terminateActivityId = this.activities.start(group, {
      description: `Terminating EC2 instance: ${member.instanceId}`,
      cause: causes.healthCheck(this.activities.now()),
      details: this.detailsOf(group, member),
      instanceId: member.instanceId,
    }).activityId;
    this.scheduleReconcile(group);
  }

  private instanceTerminated(instance: SimInstance): void {
    const group = this.ctx.world.groupFor(instance.instanceId);
    const member = group?.members.get(instance.instanceId);
    if (!group || !member) return;
    this.activities.finish(member.terminateActivityId, "Successful");
    this.ctx.events.emit(
      "aws.autoscaling",
      "EC2 Instance Terminate Successful",
      [group.arn, this.ctx.events.instanceArn(member.instanceId)],
      this.activityEventDetail(group, member, member.terminateActivityId, "Terminating EC2 instance"),
    );
    group.members.delete(instance.instanceId);
    this.ctx.world.groupOfInstance.delete(instance.instanceId);
    this.scheduleReconcile(group);
  }

  private activityEventDetail(group: SimGroup, member: GroupMember, activityId: string | undefined, verb: string) {
    const activity = activityId === undefined ? undefined : this.ctx.world.activityById.get(activityId);
    return {
      StatusCode: activity?.statusCode ?? "Successful",
      Description: `${verb}: ${member.instanceId}`,
      AutoScalingGroupName: group.name,
      ActivityId: activityId ?? "",
      Details: this.detailsOf(group, member),
      RequestId: activityId ?? "",
      StatusMessage: activity?.statusMessage ?? "",
      EndTime: this.activities.now(),
      EC2InstanceId: member.instanceId,
      StartTime: activity ? new Date(activity.startMs).toISOString() : this.activities.now(),
      Cause: activity?.cause ?? "",
    };
  }

  private detailsOf(group: SimGroup, member: GroupMember): Record<string, string> {
    const subnet = group.subnets.find((s) => s.availabilityZone === member.availabilityZone);
    return { "Subnet ID": subnet?.subnetId ?? "", "Availability Zone": member.availabilityZone };
  }

  private candidate(member: GroupMember) {
    return {
      instanceId: member.instanceId,
      availabilityZone: member.availabilityZone,
      launchTemplateVersion: member.launchTemplateVersion,
      launchTimeMs: this.ctx.world.instances.get(member.instanceId)?.launchTimeMs ?? 0,
      protectedFromScaleIn: member.protectedFromScaleIn,
    };
  }

  private zones(group: SimGroup): string[] {
    return group.subnets.map((s) => s.availabilityZone);
  }
}
