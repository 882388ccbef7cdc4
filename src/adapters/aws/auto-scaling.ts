/** AutoScalingPort on the AWS SDK v3 Auto Scaling client. */
import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandInput,
  DescribeInstanceRefreshesCommand,
  LaunchInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import type { AsgSizes, AutoScalingGroupState } from "../../core/model/aws";
import type { AutoScalingPort } from "../../core/ports";
import { toGroupState } from "./auto-scaling-mapping";
import { awsErrorCode, toStepError } from "./classify";

/**
 * What Auto Scaling says when the instance to terminate is not (or no longer) in a group. Seen in the
 * wild: "Instance Id not found - No managed instance found for instance ID i-…" (terminated or never
 * managed), "The instance i-… is not part of Auto Scaling group …" (detached), and wording about an
 * instance already terminated or terminating.
 */
const ALREADY_GONE_MESSAGE =
  /no managed instance found|instance id not found|is not part of (an |the )?auto ?scaling group|not in an? auto ?scaling group|already (been )?terminat|is terminat(ed|ing)/i;

/** "No active Lifecycle Action found with instance ID i-…" / "… with token …": the hook has already moved on. */
const NO_ACTIVE_LIFECYCLE_ACTION = /no active lifecycle action/i;

/** The service's largest page for DescribeAutoScalingGroups. */
const PAGE_SIZE = 100;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Instance refresh statuses during which the refresh is still replacing (or about to replace) instances. */
const ACTIVE_REFRESH = new Set(["Pending", "InProgress", "Baking", "Cancelling", "RollbackInProgress"]);

export class AutoScalingAdapter implements AutoScalingPort {
  constructor(private readonly client: AutoScalingClient) {}

  async describeGroup(name: string): Promise<AutoScalingGroupState | undefined> {
    const groups = await this.describeAll({ AutoScalingGroupNames: [name] }, `DescribeAutoScalingGroups ${name}`);
    return groups.find((g) => g.name === name);
  }

  async activeInstanceRefresh(name: string): Promise<{ id: string; status: string } | undefined> {
    try {
      // Newest first: an active refresh is among the latest ones (a group runs one at a time).
      const out = await this.client.send(
        new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name, MaxRecords: 10 }),
      );
      const active = (out.InstanceRefreshes ?? []).find((r) => ACTIVE_REFRESH.has(r.Status ?? ""));
      return active ? { id: active.InstanceRefreshId ?? "", status: active.Status ?? "" } : undefined;
    } catch (err) {
      throw toStepError(err, `DescribeInstanceRefreshes on ${name}`);
    }
  }

  async findGroupsByTags(tags: Record<string, string>): Promise<AutoScalingGroupState[]> {
    const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
    // Separate filters are ANDed by the service, which is exactly "carrying every one of these tags".
    const filters = entries.map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
    const context = `DescribeAutoScalingGroups by tags ${entries.map(([k, v]) => `${k}=${v}`).join(",")}`;
    const groups = await this.describeAll(filters.length > 0 ? { Filters: filters } : {}, context);
    // The filter is the service's; checking again keeps the promise even against a lax implementation.
    return groups
      .filter((g) => entries.every(([key, value]) => g.tags[key] === value))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async updateSizes(name: string, sizes: AsgSizes): Promise<void> {
    if (sizes.minSize === undefined && sizes.maxSize === undefined && sizes.desiredCapacity === undefined) return;
    try {
      await this.client.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: sizes.minSize,
          MaxSize: sizes.maxSize,
          DesiredCapacity: sizes.desiredCapacity,
        }),
      );
    } catch (err) {
      throw toStepError(err, `UpdateAutoScalingGroup on ${name} (${describeSizes(sizes)})`);
    }
  }

  async setLaunchTemplate(name: string, template: { id: string; version: string }): Promise<void> {
    try {
      await this.client.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          LaunchTemplate: { LaunchTemplateId: template.id, Version: template.version },
        }),
      );
    } catch (err) {
      throw toStepError(
        err,
        `UpdateAutoScalingGroup on ${name} (launch template ${template.id} version ${template.version})`,
      );
    }
  }

  async suspendProcesses(name: string, processes: string[]): Promise<void> {
    // An empty ScalingProcesses list means "all processes" to the service: never send one by accident.
    if (processes.length === 0) return;
    try {
      await this.client.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes }));
    } catch (err) {
      throw toStepError(err, `SuspendProcesses ${processes.join(",")} on ${name}`);
    }
  }

  async resumeProcesses(name: string, processes: string[]): Promise<void> {
    if (processes.length === 0) return;
    try {
      await this.client.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes }));
    } catch (err) {
      throw toStepError(err, `ResumeProcesses ${processes.join(",")} on ${name}`);
    }
  }

  async launchInstances(
    name: string,
    request: { availabilityZone: string; count: number; clientToken: string },
  ): Promise<{ instanceIds: string[]; errors: string[] }> {
    try {
      const out = await this.client.send(
        new LaunchInstancesCommand({
          AutoScalingGroupName: name,
          RequestedCapacity: request.count,
          ClientToken: request.clientToken,
          AvailabilityZones: [request.availabilityZone],
          RetryStrategy: "none",
        }),
      );
      return {
        instanceIds: (out.Instances ?? []).flatMap((i) => i.InstanceIds ?? []),
        errors: (out.Errors ?? []).map(
          (e) => `${e.AvailabilityZone ?? request.availabilityZone}: ${e.ErrorCode}: ${e.ErrorMessage}`,
        ),
      };
    } catch (err) {
      throw toStepError(err, `LaunchInstances ${request.count} into ${name} in ${request.availabilityZone}`);
    }
  }

  async terminateInstance(
    instanceId: string,
    decrementDesiredCapacity: boolean,
  ): Promise<"terminating" | "already-gone"> {
    try {
      await this.client.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: decrementDesiredCapacity,
        }),
      );
      return "terminating";
    } catch (err) {
      if (awsErrorCode(err) === "ValidationError" && ALREADY_GONE_MESSAGE.test(messageOf(err))) return "already-gone";
      throw toStepError(
        err,
        `TerminateInstanceInAutoScalingGroup ${instanceId} (${decrementDesiredCapacity ? "with" : "without"} decrement)`,
      );
    }
  }

  async completeLifecycleAction(action: {
    groupName: string;
    hookName: string;
    instanceId: string;
    token?: string;
    result: "CONTINUE" | "ABANDON";
  }): Promise<"completed" | "not-found"> {
    try {
      await this.client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: action.groupName,
          LifecycleHookName: action.hookName,
          InstanceId: action.instanceId,
          LifecycleActionToken: action.token,
          LifecycleActionResult: action.result,
        }),
      );
      return "completed";
    } catch (err) {
      if (isNoActiveLifecycleAction(err)) return "not-found";
      throw toStepError(
        err,
        `CompleteLifecycleAction ${action.result} for ${action.instanceId} (hook ${action.hookName} on ${action.groupName})`,
      );
    }
  }

  async recordLifecycleActionHeartbeat(action: {
    groupName: string;
    hookName: string;
    instanceId: string;
    token?: string;
  }): Promise<"recorded" | "not-found"> {
    try {
      await this.client.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: action.groupName,
          LifecycleHookName: action.hookName,
          InstanceId: action.instanceId,
          LifecycleActionToken: action.token,
        }),
      );
      return "recorded";
    } catch (err) {
      if (isNoActiveLifecycleAction(err)) return "not-found";
      throw toStepError(
        err,
        `RecordLifecycleActionHeartbeat for ${action.instanceId} (hook ${action.hookName} on ${action.groupName})`,
      );
    }
  }

  /** Groups carrying a tag with this key, whatever its value (e.g. `kubernetes.io/cluster/<name>`). */
  async findGroupsWithTagKey(key: string): Promise<AutoScalingGroupState[]> {
    const groups = await this.describeAll(
      { Filters: [{ Name: "tag-key", Values: [key] }] },
      `DescribeAutoScalingGroups by tag key ${key}`,
    );
    return groups.filter((g) => key in g.tags).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Several groups by name, in one paginated read. */
  async describeGroups(names: string[]): Promise<AutoScalingGroupState[]> {
    if (names.length === 0) return [];
    return this.describeAll({ AutoScalingGroupNames: names }, `DescribeAutoScalingGroups ${names.join(",")}`);
  }

  private async describeAll(
    input: DescribeAutoScalingGroupsCommandInput,
    context: string,
  ): Promise<AutoScalingGroupState[]> {
    const groups: AutoScalingGroupState[] = [];
    let nextToken: string | undefined;
    do {
      try {
        const page = await this.client.send(
          new DescribeAutoScalingGroupsCommand({ ...input, MaxRecords: PAGE_SIZE, NextToken: nextToken }),
        );
        for (const group of page.AutoScalingGroups ?? []) groups.push(toGroupState(group));
        nextToken = page.NextToken;
      } catch (err) {
        throw toStepError(err, context);
      }
    } while (nextToken);
    return groups;
  }
}

function isNoActiveLifecycleAction(err: unknown): boolean {
  return awsErrorCode(err) === "ValidationError" && NO_ACTIVE_LIFECYCLE_ACTION.test(messageOf(err));
}

function describeSizes(sizes: AsgSizes): string {
  const parts: string[] = [];
  if (sizes.minSize !== undefined) parts.push(`min ${sizes.minSize}`);
  if (sizes.maxSize !== undefined) parts.push(`max ${sizes.maxSize}`);
  if (sizes.desiredCapacity !== undefined) parts.push(`desired ${sizes.desiredCapacity}`);
  return parts.join(", ");
}
