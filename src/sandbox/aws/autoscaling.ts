/**
 * The Auto Scaling API of the simulated region: validation and answers, worded as the service words
 * them. Behaviour over time (launches, scale-in, lifecycle) is the engine's (asg-engine.ts).
 *
 * UpdateAutoScalingGroup follows the API reference: a new MinSize above the current desired capacity
 * raises it, a new MaxSize below it lowers it, unless DesiredCapacity is given, which must then lie
 * within the new bounds.
 */
import { causes } from "./asg-activities";
import type { AutoScalingEngine } from "./asg-engine";
import { type AsgFilter, activityShape, autoScalingInstanceShape, groupMatchesFilters, groupShape } from "./asg-shapes";
import { asgValidation, awsError } from "./errors";
import { type CommandInput, optionalCount, pageSize, requireBoolean, requireString, stringList } from "./input";
import { resolveVersion } from "./launch-templates";
import type { SimGroup } from "./model";
import { InvalidTokenError, paginate } from "./pagination";
import type { RegionContext } from "./world";

export const SCALING_PROCESSES = [
  "Launch",
  "Terminate",
  "AddToLoadBalancer",
  "AlarmNotification",
  "AZRebalance",
  "HealthCheck",
  "InstanceRefresh",
  "ReplaceUnhealthy",
  "ScheduledActions",
] as const;

const TERMINATION_POLICIES = new Set([
  "Default",
  "OldestInstance",
  "NewestInstance",
  "OldestLaunchConfiguration",
  "OldestLaunchTemplate",
  "ClosestToNextInstanceHour",
  "AllocationStrategy",
]);

export type CommandHandler = (input: CommandInput) => unknown;

export class AutoScalingApi {
  private readonly launchTokens = new Map<
    string,
    { group: string; zone: string; requested: number; result: Record<string, unknown> }
  >();

  constructor(
    private readonly ctx: RegionContext,
    private readonly engine: AutoScalingEngine,
    private readonly hookCommands: Record<string, CommandHandler>,
  ) {}

  handlers(): Record<string, CommandHandler> {
    return {
      DescribeAutoScalingGroups: (input) => this.describeGroups(input),
      DescribeAutoScalingInstances: (input) => this.describeInstances(input),
      UpdateAutoScalingGroup: (input) => this.updateGroup(input),
      SetDesiredCapacity: (input) => this.setDesiredCapacity(input),
      SuspendProcesses: (input) => this.changeProcesses(input, true),
      ResumeProcesses: (input) => this.changeProcesses(input, false),
      TerminateInstanceInAutoScalingGroup: (input) => this.terminateInstance(input),
      LaunchInstances: (input) => this.launchInstances(input),
      SetInstanceProtection: (input) => this.setInstanceProtection(input),
      DescribeScalingActivities: (input) => this.describeActivities(input),
      DescribeInstanceRefreshes: (input) => this.describeInstanceRefreshes(input),
      ...this.hookCommands,
    };
  }

  /**
   * The sandbox starts no refresh of its own: a group has one InProgress only when the scenario's
   * `instance-refresh` fault names its node group (started before t0 by someone else).
   */
  private describeInstanceRefreshes(input: CommandInput) {
    const name = String(input.AutoScalingGroupName ?? "");
    const group = this.ctx.world.groups.get(name);
    if (!group) return { InstanceRefreshes: [] };
    const refreshing = this.ctx.scenario.faults.some(
      (f) => f.kind === "instance-refresh" && f.nodeGroup === group.nodeGroup,
    );
    return {
      InstanceRefreshes: refreshing
        ? [
            {
              InstanceRefreshId: `${group.name}-refresh-1`,
              AutoScalingGroupName: group.name,
              Status: "InProgress",
              StatusReason: "Waiting for instances to warm up before continuing.",
              PercentageComplete: 30,
              InstancesToUpdate: group.members.size,
            },
          ]
        : [],
    };
  }

  private describeGroups(input: CommandInput) {
    const names = stringList(input, "AutoScalingGroupNames");
    const filters = (Array.isArray(input.Filters) ? input.Filters : []) as AsgFilter[];
    const size = pageSize("autoscaling", input, "MaxRecords", { min: 1, max: 100, fallback: 50 });
    const groups = [...this.ctx.world.groups.values()]
      .filter((group) => names === undefined || names.length === 0 || names.includes(group.name))
      .filter((group) => groupMatchesFilters(group, filters))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = this.page(`groups:${JSON.stringify([names, filters])}`, groups, size, input.NextToken);
    return {
      AutoScalingGroups: page.items.map((group) => groupShape(group, this.ctx.world)),
      NextToken: page.nextToken,
    };
  }

  private describeInstances(input: CommandInput) {
    const ids = stringList(input, "InstanceIds");
    const size = pageSize("autoscaling", input, "MaxRecords", { min: 1, max: 50, fallback: 50 });
    const rows = [...this.ctx.world.groups.values()]
      .flatMap((group) => [...group.members.values()].map((member) => ({ group, member })))
      .filter(({ member }) => ids === undefined || ids.length === 0 || ids.includes(member.instanceId))
      .sort((a, b) => a.member.instanceId.localeCompare(b.member.instanceId));
    const page = this.page(`instances:${JSON.stringify(ids ?? [])}`, rows, size, input.NextToken);
    return {
      AutoScalingInstances: page.items.map(({ group, member }) =>
        autoScalingInstanceShape(group, member, this.ctx.world),
      ),
      NextToken: page.nextToken,
    };
  }

  private updateGroup(input: CommandInput) {
    const group = this.engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
    const newMin = optionalCount("autoscaling", input, "MinSize");
    const newMax = optionalCount("autoscaling", input, "MaxSize");
    const newDesired = optionalCount("autoscaling", input, "DesiredCapacity");
    const min = newMin ?? group.minSize;
    const max = newMax ?? group.maxSize;
    if (min > max) throw asgValidation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
    let desired = group.desiredCapacity;
    if (newDesired !== undefined) {
      if (newDesired < min || newDesired > max) {
        throw asgValidation(
          `Desired capacity:${newDesired} must be between the specified min size:${min} and max size:${max}`,
        );
      }
      desired = newDesired;
    } else {
      if (newMin !== undefined && min > desired) desired = min;
      if (newMax !== undefined && max < desired) desired = max;
    }
    // Validate everything before changing anything: a refused update leaves the group as it was.
    const template = input.LaunchTemplate ? this.launchTemplateSpec(input.LaunchTemplate) : undefined;
    const policies = Array.isArray(input.TerminationPolicies) ? this.terminationPolicies(input) : undefined;
    const cooldown = optionalCount("autoscaling", input, "DefaultCooldown");
    const grace = optionalCount("autoscaling", input, "HealthCheckGracePeriod");
    if (template) group.launchTemplate = template;
    if (policies) group.terminationPolicies = policies;
    if (typeof input.NewInstancesProtectedFromScaleIn === "boolean") {
      group.newInstancesProtectedFromScaleIn = input.NewInstancesProtectedFromScaleIn;
    }
    if (cooldown !== undefined) group.defaultCooldownSeconds = cooldown;
    if (grace !== undefined) group.healthCheckGracePeriodSeconds = grace;
    const cause = causes.updateGroup(this.engine.activities.now(), min, max, desired, group.desiredCapacity);
    this.engine.applySizes(group, { minSize: min, maxSize: max, desiredCapacity: desired }, cause);
    return {};
  }

  private setDesiredCapacity(input: CommandInput) {
    const group = this.engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
    const desired = optionalCount("autoscaling", input, "DesiredCapacity");
    if (desired === undefined) throw asgValidation("DesiredCapacity is required");
    if (desired > group.maxSize) {
      throw asgValidation(
        `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
      );
    }
    if (desired < group.minSize) {
      throw asgValidation(
        `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
      );
    }
    const last = group.lastScalingActivityMs;
    if (input.HonorCooldown === true && last !== undefined) {
      const elapsed = (this.ctx.clock.nowMs() - last) / 1000;
      if (elapsed < group.defaultCooldownSeconds) {
        throw awsError(
          "autoscaling",
          "ScalingActivityInProgress",
          `The scaling activity for group ${group.name} is in its cooldown period (${Math.ceil(group.defaultCooldownSeconds - elapsed)} seconds left).`,
        );
      }
    }
    const cause = causes.setDesired(this.engine.activities.now(), group.desiredCapacity, desired);
    this.engine.applySizes(group, { minSize: group.minSize, maxSize: group.maxSize, desiredCapacity: desired }, cause);
    return {};
  }

  private changeProcesses(input: CommandInput, suspend: boolean) {
    const group = this.engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
    const requested = stringList(input, "ScalingProcesses");
    const processes = requested === undefined || requested.length === 0 ? [...SCALING_PROCESSES] : requested;
    const unknown = processes.filter((p) => !(SCALING_PROCESSES as readonly string[]).includes(p));
    if (unknown.length > 0) {
      throw asgValidation(
        `Unknown scaling process name(s): ${unknown.join(", ")}. Valid processes are ${SCALING_PROCESSES.join(", ")}.`,
      );
    }
    for (const process of processes) {
      if (suspend) {
        if (!group.suspended.has(process)) {
          group.suspended.set(process, `User suspended at ${this.engine.activities.now()}`);
        }
      } else {
        group.suspended.delete(process);
      }
    }
    if (!suspend) this.engine.scheduleReconcile(group);
    return {};
  }

  /**
   * LaunchInstances (API reference): a synchronous launch of RequestedCapacity instances (at most 100)
   * into the one AZ named, raising the desired capacity by the number launched; a ClientToken seen before
   * returns the first call's result and launches nothing. A zone short of capacity is reported in Errors.
   */
  private launchInstances(input: CommandInput) {
    const group = this.engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
    const token = requireString("autoscaling", input, "ClientToken");
    const requested = optionalCount("autoscaling", input, "RequestedCapacity");
    if (requested === undefined || requested < 1) throw asgValidation("RequestedCapacity must be at least 1");
    const zones = stringList(input, "AvailabilityZones") ?? [];
    const groupZones = [...new Set(group.subnets.map((s) => s.availabilityZone))];
    if (zones.length > 1) throw asgValidation("AvailabilityZones accepts at most 1 item");
    if (zones.length === 0 && groupZones.length > 1) {
      throw asgValidation(
        "Either AvailabilityZones or SubnetIds must be specified for a group with multiple Availability Zones",
      );
    }
    const zone = zones[0] ?? (groupZones[0] as string);
    if (!groupZones.includes(zone)) {
      throw asgValidation(
        `Availability Zone ${zone} is not in the Auto Scaling group's configuration (${groupZones.join(", ")})`,
      );
    }
    const seen = this.launchTokens.get(token);
    if (seen) {
      if (seen.group !== group.name || seen.zone !== zone || seen.requested !== requested) {
        throw awsError(
          "autoscaling",
          "IdempotentParameterMismatch",
          `Client token ${token} was used with other parameters`,
        );
      }
      return seen.result;
    }
    const count = Math.min(100, requested);
    if (group.desiredCapacity + count > group.maxSize) {
      throw asgValidation(
        `New desired capacity ${group.desiredCapacity + count} is above max value ${group.maxSize} for the AutoScalingGroup.`,
      );
    }
    const { instanceIds, error } = this.engine.launchInto(group, zone, count);
    const result = {
      AutoScalingGroupName: group.name,
      ClientToken: token,
      Instances: instanceIds.length > 0 ? [{ AvailabilityZone: zone, InstanceIds: instanceIds }] : [],
      Errors: error ? [{ AvailabilityZone: zone, ErrorCode: "InsufficientInstanceCapacity", ErrorMessage: error }] : [],
    };
    this.launchTokens.set(token, { group: group.name, zone, requested, result });
    return result;
  }

  private terminateInstance(input: CommandInput) {
    const instanceId = requireString("autoscaling", input, "InstanceId");
    const decrement = requireBoolean("autoscaling", input, "ShouldDecrementDesiredCapacity");
    const group = this.ctx.world.groupFor(instanceId);
    const member = group?.members.get(instanceId);
    if (!group || !member) {
      throw asgValidation(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    }
    if (member.lifecycleState.startsWith("Terminating")) {
      throw awsError(
        "autoscaling",
        "ScalingActivityInProgress",
        `Scaling activity ${member.terminateActivityId ?? ""} is in progress and blocks this action: instance ${instanceId} is already ${member.lifecycleState}.`,
      );
    }
    if (decrement && group.desiredCapacity <= group.minSize) {
      throw asgValidation(
        `Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    const at = this.engine.activities.now();
    const shrink = decrement ? { from: group.desiredCapacity, to: group.desiredCapacity - 1 } : undefined;
    const activityId = this.engine.terminateMember(group, instanceId, {
      decrement,
      cause: causes.userTerminate(at, instanceId, shrink),
    });
    const activity = activityId === undefined ? undefined : this.ctx.world.activityById.get(activityId);
    return { Activity: activity ? activityShape(activity, group) : undefined };
  }

  private setInstanceProtection(input: CommandInput) {
    const group = this.engine.requireGroup(requireString("autoscaling", input, "AutoScalingGroupName"));
    const ids = stringList(input, "InstanceIds") ?? [];
    const protect = requireBoolean("autoscaling", input, "ProtectedFromScaleIn");
    for (const id of ids) {
      const member = group.members.get(id);
      if (!member) throw asgValidation(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
      member.protectedFromScaleIn = protect;
    }
    return {};
  }

  private describeActivities(input: CommandInput) {
    const groupName = typeof input.AutoScalingGroupName === "string" ? input.AutoScalingGroupName : undefined;
    const ids = stringList(input, "ActivityIds");
    const size = pageSize("autoscaling", input, "MaxRecords", { min: 1, max: 100, fallback: 100 });
    const activities = this.engine.activities
      .forGroup(groupName)
      .filter((a) => ids === undefined || ids.length === 0 || ids.includes(a.activityId));
    const page = this.page(
      `activities:${groupName ?? ""}:${JSON.stringify(ids ?? [])}`,
      activities,
      size,
      input.NextToken,
    );
    return {
      Activities: page.items.map((a) => activityShape(a, this.ctx.world.groups.get(a.groupName))),
      NextToken: page.nextToken,
    };
  }

  private launchTemplateSpec(spec: CommandInput): SimGroup["launchTemplate"] {
    const template =
      typeof spec.LaunchTemplateId === "string"
        ? this.ctx.world.launchTemplates.get(spec.LaunchTemplateId)
        : typeof spec.LaunchTemplateName === "string"
          ? this.ctx.world.launchTemplateByName(spec.LaunchTemplateName)
          : undefined;
    const label = spec.LaunchTemplateId ?? spec.LaunchTemplateName ?? "(none)";
    if (!template) throw asgValidation(`The specified launch template, with template ID ${label}, does not exist.`);
    const version = typeof spec.Version === "string" ? spec.Version : "$Default";
    if (!resolveVersion(template, version)) {
      throw asgValidation(`The specified launch template version ${version} of ${template.id} does not exist.`);
    }
    return { id: template.id, name: template.name, version };
  }

  private terminationPolicies(input: CommandInput): string[] {
    const policies = stringList(input, "TerminationPolicies") ?? [];
    const unknown = policies.filter((p) => !TERMINATION_POLICIES.has(p));
    if (unknown.length > 0) throw asgValidation(`Invalid termination policy: ${unknown.join(", ")}`);
    // Only the Default policy is simulated; others are kept so Describe shows what was set.
    return policies;
  }

  private page<T>(listing: string, items: T[], size: number, token: unknown) {
    try {
      return paginate(listing, items, size, typeof token === "string" ? token : undefined);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw awsError("autoscaling", "InvalidNextToken", err.message);
      throw err;
    }
  }
}
