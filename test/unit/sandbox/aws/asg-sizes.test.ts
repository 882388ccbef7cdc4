import {
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario } from "./fakes";

async function sizes(h: ReturnType<typeof harness>) {
  const out = await h.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["demo-workers"] }));
  const group = out.AutoScalingGroups?.[0];
  return { min: group?.MinSize, max: group?.MaxSize, desired: group?.DesiredCapacity };
}

describe("Auto Scaling size rules through the real SDK client", () => {
  it("builds the group from the scenario: min defaults to 0, max and desired to the node count", async () => {
    const h = harness(simpleScenario({}));
    expect(await sizes(h)).toEqual({ min: 0, max: 6, desired: 6 });
  });

  it("refuses SetDesiredCapacity above max with the service's ValidationError wording", async () => {
    const h = harness(simpleScenario({ maxSize: 10 }));
    const err = await rejection(
      h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 12 })),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe("New SetDesiredCapacity value 12 is above max value 10 for the AutoScalingGroup.");
    expect(err.$fault).toBe("client");
    expect(err.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
  });

  it("refuses SetDesiredCapacity below min", async () => {
    const h = harness(simpleScenario({ minSize: 3 }));
    const err = await rejection(
      h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 2 })),
    );
    expect(err.message).toBe("New SetDesiredCapacity value 2 is below min value 3 for the AutoScalingGroup.");
    expect(await sizes(h)).toEqual({ min: 3, max: 6, desired: 6 });
  });

  it("raises desired when a new MinSize is above it, and lowers it when a new MaxSize is below it", async () => {
    const h = harness(simpleScenario({ maxSize: 12 }));
    await h.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "demo-workers", MinSize: 8 }));
    expect(await sizes(h)).toEqual({ min: 8, max: 12, desired: 8 });
    await h.asg.send(
      new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "demo-workers", MinSize: 0, MaxSize: 4 }),
    );
    expect(await sizes(h)).toEqual({ min: 0, max: 4, desired: 4 });
  });

  it("refuses an explicit DesiredCapacity outside the new bounds and leaves the group unchanged", async () => {
    const h = harness(simpleScenario({}));
    const err = await rejection(
      h.asg.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "demo-workers", MaxSize: 5, DesiredCapacity: 6 }),
      ),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe("Desired capacity:6 must be between the specified min size:0 and max size:5");
    expect(await sizes(h)).toEqual({ min: 0, max: 6, desired: 6 });
  });

  it("refuses a MinSize above MaxSize", async () => {
    const h = harness(simpleScenario({}));
    const err = await rejection(
      h.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: "demo-workers", MinSize: 9 })),
    );
    expect(err.message).toBe("Max bound, 6, must be greater than or equal to min bound, 9");
  });

  it("names a missing group", async () => {
    const h = harness(simpleScenario({}));
    const err = await rejection(
      h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "nope", DesiredCapacity: 1 })),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toContain("AutoScalingGroup name not found");
    expect(err.message).toContain("nope");
  });

  it("refuses a decrementing termination that would go below min", async () => {
    const h = harness(simpleScenario({ minSize: 6 }));
    const instanceId = h.region.snapshot().groups[0]?.members[0]?.instanceId as string;
    const err = await rejection(
      h.asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe(
      "Currently, desiredSize equals minSize (6). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.",
    );
    expect(h.region.terminateCalls().get(instanceId)).toBe(1);
  });

  it("answers an unknown instance as the service does", async () => {
    const h = harness(simpleScenario({}));
    const err = await rejection(
      h.asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: "i-0123456789abcdef0",
          ShouldDecrementDesiredCapacity: false,
        }),
      ),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe("Instance Id not found - No managed instance found for instance ID: i-0123456789abcdef0");
  });

  it("answers a second termination of an instance already terminating with ScalingActivityInProgress", async () => {
    const h = harness(simpleScenario({}));
    const instanceId = h.region.snapshot().groups[0]?.members[0]?.instanceId as string;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true }),
    );
    const err = await rejection(
      h.asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    );
    // The SDK maps the ScalingActivityInProgress code to its ScalingActivityInProgressFault class.
    expect(err.name).toBe("ScalingActivityInProgressFault");
    expect(err.Code).toBe("ScalingActivityInProgress");
    expect(h.region.terminateCalls().get(instanceId)).toBe(2);
    expect(await sizes(h)).toEqual({ min: 0, max: 6, desired: 5 });
  });
});
