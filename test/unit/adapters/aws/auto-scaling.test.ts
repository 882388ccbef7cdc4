import { readFileSync } from "node:fs";
import {
  AutoScalingClient,
  type AutoScalingGroup,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandOutput,
  RecordLifecycleActionHeartbeatCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AutoScalingAdapter } from "../../../../src/adapters/aws/auto-scaling";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import { publishedFixture } from "../../../support/published-fixtures";
import { serviceError } from "./aws-errors";

const fixture = JSON.parse(
  readFileSync(publishedFixture("aws-api/asg-describe-auto-scaling-groups.cli.json"), "utf8"),
) as DescribeAutoScalingGroupsCommandOutput;

const asMock = mockClient(AutoScalingClient);
let adapter: AutoScalingAdapter;

beforeEach(() => {
  asMock.reset();
  adapter = new AutoScalingAdapter(new AutoScalingClient({ region: "us-east-1" }));
});
afterEach(() => asMock.reset());

function group(name: string, tags: Record<string, string> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: name,
    DefaultCooldown: 300,
    HealthCheckType: "EC2",
    CreatedTime: new Date(0),
    MinSize: 1,
    MaxSize: 3,
    DesiredCapacity: 2,
    AvailabilityZones: ["us-east-1a"],
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value, ResourceId: name })),
    Instances: [],
  };
}

describe("AutoScalingAdapter.describeGroup", () => {
  it("maps the published DescribeAutoScalingGroups output", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves(fixture);
    const state = await adapter.describeGroup("my-asg");
    expect(state).toEqual({
      name: "my-asg",
      minSize: 0,
      maxSize: 1,
      desiredCapacity: 1,
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
      suspendedProcesses: [],
      launchTemplate: { id: "lt-1234567890abcde12", name: "my-launch-template", version: "1" },
      tags: {},
      instances: [
        {
          instanceId: "i-06905f55584de02da",
          availabilityZone: "us-west-2a",
          lifecycleState: "InService",
          healthStatus: "Healthy",
          launchTemplateVersion: "1",
          protectedFromScaleIn: false,
        },
      ],
    });
    expect(asMock.commandCalls(DescribeAutoScalingGroupsCommand)[0]?.args[0].input).toMatchObject({
      AutoScalingGroupNames: ["my-asg"],
    });
  });

  it("returns undefined for a group that does not exist", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    expect(await adapter.describeGroup("nope")).toBeUndefined();
  });

  it("reads the template of a mixed instances policy and the suspended processes", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          ...group("eks-workers"),
          MixedInstancesPolicy: {
            LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: "lt-1", LaunchTemplateName: "eks-lt" } },
          },
          SuspendedProcesses: [{ ProcessName: "AZRebalance", SuspensionReason: "User suspended" }],
        },
      ],
    });
    const state = await adapter.describeGroup("eks-workers");
    expect(state?.launchTemplate).toEqual({ id: "lt-1", name: "eks-lt", version: "$Default" });
    expect(state?.suspendedProcesses).toEqual(["AZRebalance"]);
  });

  it("turns throttling that outlived the SDK retries into RetryableError", async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).rejects(serviceError("Throttling", "Rate exceeded"));
    await expect(adapter.describeGroup("demo")).rejects.toThrow(RetryableError);
  });
});

describe("AutoScalingAdapter.findGroupsByTags", () => {
  it("filters by tag:<key> and follows NextToken", async () => {
    asMock
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group("b", { cluster: "demo", role: "workers" })], NextToken: "page-2" })
      .resolvesOnce({ AutoScalingGroups: [group("a", { cluster: "demo", role: "workers" })] });
    const groups = await adapter.findGroupsByTags({ role: "workers", cluster: "demo" });
    expect(groups.map((g) => g.name)).toEqual(["a", "b"]);
    const calls = asMock.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input);
    expect(calls[0]?.Filters).toEqual([
      { Name: "tag:cluster", Values: ["demo"] },
      { Name: "tag:role", Values: ["workers"] },
    ]);
    expect(calls[0]?.NextToken).toBeUndefined();
    expect(calls[1]?.NextToken).toBe("page-2");
  });
});

describe("AutoScalingAdapter writes", () => {
  it("sends only the sizes asked for and names the group in errors", async () => {
    asMock.on(UpdateAutoScalingGroupCommand).resolves({});
    await adapter.updateSizes("demo-workers", { desiredCapacity: 4, maxSize: 6 });
    expect(asMock.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "demo-workers",
      MinSize: undefined,
      MaxSize: 6,
      DesiredCapacity: 4,
    });

    asMock
      .on(UpdateAutoScalingGroupCommand)
      .rejects(
        serviceError("ValidationError", "Desired capacity:9 must be between the specified min size:1 and max size:6"),
      );
    const err = await adapter.updateSizes("demo-workers", { desiredCapacity: 9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toBe(
      "UpdateAutoScalingGroup on demo-workers (desired 9): ValidationError: Desired capacity:9 must be between the specified min size:1 and max size:6",
    );
  });

  it("never sends an empty process list, which would mean every process", async () => {
    await adapter.suspendProcesses("demo-workers", []);
    expect(asMock.commandCalls(SuspendProcessesCommand)).toHaveLength(0);
    asMock.on(SuspendProcessesCommand).resolves({});
    await adapter.suspendProcesses("demo-workers", ["AZRebalance", "Launch"]);
    expect(asMock.commandCalls(SuspendProcessesCommand)[0]?.args[0].input.ScalingProcesses).toEqual([
      "AZRebalance",
      "Launch",
    ]);
  });
});

describe("AutoScalingAdapter.terminateInstance", () => {
  it("terminates with the decrement flag as asked", async () => {
    asMock.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
    expect(await adapter.terminateInstance("i-0abc", true)).toBe("terminating");
    expect(asMock.commandCalls(TerminateInstanceInAutoScalingGroupCommand)[0]?.args[0].input).toEqual({
      InstanceId: "i-0abc",
      ShouldDecrementDesiredCapacity: true,
    });
  });

  it.each([
    "Instance Id not found - No managed instance found for instance ID: i-0abc",
    "Instance Id not found - No managed instance found for instance ID i-0abc",
    "The instance i-0abc is not part of Auto Scaling group demo-workers.",
  ])("treats %j as already gone", async (message) => {
    asMock.on(TerminateInstanceInAutoScalingGroupCommand).rejects(serviceError("ValidationError", message));
    expect(await adapter.terminateInstance("i-0abc", false)).toBe("already-gone");
  });

  it("keeps other validation errors as terminal errors", async () => {
    asMock
      .on(TerminateInstanceInAutoScalingGroupCommand)
      .rejects(
        serviceError(
          "ValidationError",
          "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint.",
        ),
      );
    await expect(adapter.terminateInstance("i-0abc", true)).rejects.toThrow(
      /TerminateInstanceInAutoScalingGroup i-0abc \(with decrement\): ValidationError: Currently/,
    );
  });

  it("retries while a scaling activity is in progress", async () => {
    asMock.on(TerminateInstanceInAutoScalingGroupCommand).rejects(serviceError("ScalingActivityInProgress", "busy"));
    await expect(adapter.terminateInstance("i-0abc", true)).rejects.toThrow(RetryableError);
  });
});

describe("AutoScalingAdapter lifecycle actions", () => {
  const action = { groupName: "demo-workers", hookName: "drain", instanceId: "i-0abc", token: "tok" };

  it("completes with the token and result", async () => {
    asMock.on(CompleteLifecycleActionCommand).resolves({});
    expect(await adapter.completeLifecycleAction({ ...action, result: "CONTINUE" })).toBe("completed");
    expect(asMock.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: "demo-workers",
      LifecycleHookName: "drain",
      InstanceId: "i-0abc",
      LifecycleActionToken: "tok",
      LifecycleActionResult: "CONTINUE",
    });
  });

  it("maps 'No active Lifecycle Action found' to not-found", async () => {
    asMock
      .on(CompleteLifecycleActionCommand)
      .rejects(serviceError("ValidationError", "No active Lifecycle Action found with instance ID i-0abc"));
    expect(await adapter.completeLifecycleAction({ ...action, result: "ABANDON" })).toBe("not-found");
    asMock
      .on(RecordLifecycleActionHeartbeatCommand)
      .rejects(serviceError("ValidationError", "No active Lifecycle Action found with token tok"));
    expect(await adapter.recordLifecycleActionHeartbeat(action)).toBe("not-found");
  });

  it("does not hide a wrong hook name", async () => {
    asMock
      .on(RecordLifecycleActionHeartbeatCommand)
      .rejects(serviceError("ValidationError", "LifecycleHook not found: drain"));
    await expect(adapter.recordLifecycleActionHeartbeat(action)).rejects.toThrow(TerminalError);
  });
});
