/**
 * Scaling activities: the record Auto Scaling keeps of every launch and termination, worded as the
 * service words them ("Launching a new EC2 instance: i-…", causes such as "At 2026-01-01T00:00:05Z an
 * instance was started in response to a difference between desired and actual capacity, increasing
 * the capacity from 3 to 4.").
 */
import type { ScalingActivity, SimGroup } from "./model";
import { isoSeconds, type RegionContext } from "./world";

export class ActivityLog {
  constructor(private readonly ctx: RegionContext) {}

  start(
    group: SimGroup,
    entry: { description: string; cause: string; details: Record<string, string>; instanceId?: string },
  ): ScalingActivity {
    const now = this.ctx.clock.nowMs();
    const activity: ScalingActivity = {
      activityId: this.ctx.tokens.uuid(),
      groupName: group.name,
      description: entry.description,
      cause: entry.cause,
      startMs: now,
      statusCode: "InProgress",
      progress: 0,
      details: entry.details,
      instanceId: entry.instanceId,
    };
    this.ctx.world.activities.push(activity);
    this.ctx.world.activityById.set(activity.activityId, activity);
    group.lastScalingActivityMs = now;
    return activity;
  }

  finish(activityId: string | undefined, statusCode: ScalingActivity["statusCode"], statusMessage?: string): void {
    if (activityId === undefined) return;
    const activity = this.ctx.world.activityById.get(activityId);
    if (!activity || activity.endMs !== undefined) return;
    activity.statusCode = statusCode;
    activity.statusMessage = statusMessage;
    activity.endMs = this.ctx.clock.nowMs();
    activity.progress = 100;
  }

  /** A launch that EC2 refused (for instance, no capacity in the zone): recorded as Failed at once. */
  failedLaunch(group: SimGroup, zone: string, subnetId: string, reason: string, cause: string): void {
    const activity = this.start(group, {
      description: `Launching a new EC2 instance.  Status Reason: ${reason} Launching EC2 instance failed.`,
      cause,
      details: { "Subnet ID": subnetId, "Availability Zone": zone },
    });
    this.finish(activity.activityId, "Failed", `${reason} Launching EC2 instance failed.`);
    this.ctx.events.emit("aws.autoscaling", "EC2 Instance Launch Unsuccessful", [group.arn], {
      StatusCode: "Failed",
      AutoScalingGroupName: group.name,
      ActivityId: activity.activityId,
      Details: { "Availability Zone": zone, "Subnet ID": subnetId },
      RequestId: activity.activityId,
      StatusMessage: `${reason} Launching EC2 instance failed.`,
      EndTime: this.now(),
      EC2InstanceId: "",
      StartTime: this.now(),
      Cause: cause,
    });
  }

  /** Newest first, as DescribeScalingActivities lists them. */
  forGroup(groupName: string | undefined): ScalingActivity[] {
    return this.ctx.world.activities
      .filter((a) => groupName === undefined || a.groupName === groupName)
      .slice()
      .reverse();
  }

  now(): string {
    return isoSeconds(this.ctx.clock.nowMs());
  }
}

export const causes = {
  setDesired: (at: string, from: number, to: number) =>
    `At ${at} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.`,
  updateGroup: (at: string, min: number, max: number, desired: number, from: number) =>
    `At ${at} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${from} to ${desired}.`,
  launch: (at: string, from: number, to: number) =>
    `At ${at} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`,
  scaleIn: (at: string, from: number, to: number) =>
    `At ${at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${to}.`,
  userTerminate: (at: string, instanceId: string, shrink?: { from: number; to: number }) =>
    shrink
      ? `At ${at} instance ${instanceId} was taken out of service in response to a user request, shrinking the capacity from ${shrink.from} to ${shrink.to}.`
      : `At ${at} instance ${instanceId} was taken out of service in response to a user request.`,
  healthCheck: (at: string) =>
    `At ${at} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`,
  rebalanceLaunch: (at: string, zone: string) =>
    `At ${at} instances were launched to balance instances in zones ${zone} with other zones resulting in more than desired number of instances in the group.`,
  rebalanceTerminate: (at: string, zone: string) =>
    `At ${at} an instance was taken out of service in response to an Availability Zone rebalancing of instances, removing one from ${zone}.`,
  lifecycleAbandon: (at: string, hookName: string) =>
    `At ${at} an instance was taken out of service in response to a lifecycle action (${hookName}) abandoning its launch.`,
};

/** EC2's InsufficientInstanceCapacity wording, naming the zones that can still launch the type. */
export function insufficientCapacityReason(instanceType: string, zone: string, otherZones: string[]): string {
  const alternatives =
    otherZones.length > 0
      ? ` You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing ${otherZones.join(", ")}.`
      : "";
  return `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity.${alternatives}`;
}
