import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { describe, expect, it } from "vitest";
import { harness, rejection, scenario, simpleScenario, zoneCounts } from "./fakes";

const GROUP = "demo-workers";

function members(h: ReturnType<typeof harness>) {
  return h.region.snapshot().groups.find((g) => g.name === GROUP)?.members ?? [];
}

describe("launches across Availability Zones", () => {
  it("launches into the zone with the fewest instances, ties to the zone listed first", async () => {
    const h = harness(simpleScenario({ zones: { "us-east-1a": 1, "us-east-1b": 3, "us-east-1c": 2 }, maxSize: 9 }));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 9 }));
    h.clock.advanceBy(5);
    const launchedZones = members(h)
      .filter((m) => m.lifecycleState === "Pending")
      .map((m) => m.availabilityZone)
      .sort();
    expect(launchedZones).toEqual(["us-east-1a", "us-east-1a", "us-east-1c"]);
    h.clock.advanceBy(120);
    expect(zoneCounts(h.region)).toEqual({ "us-east-1a": 3, "us-east-1b": 3, "us-east-1c": 3 });
    expect(members(h).every((m) => m.lifecycleState === "InService")).toBe(true);
    const announced = h.cluster.launched.filter((i) => !i.initial);
    expect(announced).toHaveLength(3);
    expect(h.region.groupCounts("workers")).toEqual({ initial: 6, current: 9, maxAlive: 9 });
  });

  it("keeps EC2 pending for the boot time before the instance runs and goes InService", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 }));
    h.clock.advanceBy(5 + 59);
    const fresh = h.region.snapshot().instances.filter((i) => !i.initial);
    expect(fresh.map((i) => i.state)).toEqual(["pending"]);
    h.clock.advanceBy(1);
    expect(
      h.region
        .snapshot()
        .instances.filter((i) => !i.initial)
        .map((i) => i.state),
    ).toEqual(["running"]);
    expect(members(h).filter((m) => m.lifecycleState !== "InService")).toEqual([]);
  });

  it("skips a zone short of capacity, tries the next, and records the failed launch", async () => {
    const h = harness(simpleScenario({ maxSize: 9, faults: [{ kind: "insufficient-capacity", zone: "us-east-1a" }] }));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 9 }));
    h.clock.advanceBy(120);
    expect(zoneCounts(h.region)).toEqual({ "us-east-1a": 2, "us-east-1b": 4, "us-east-1c": 3 });
    const { Activities = [] } = await h.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }));
    const failed = Activities.filter((a) => a.StatusCode === "Failed");
    expect(failed).toHaveLength(3);
    expect(failed[0]?.StatusMessage).toContain(
      "We currently do not have sufficient m6i.large capacity in the Availability Zone you requested (us-east-1a).",
    );
    expect(JSON.parse(failed[0]?.Details ?? "{}")).toMatchObject({ "Availability Zone": "us-east-1a" });
  });
});

describe("scale in by the Default termination policy", () => {
  it("balanced zones: terminates the oldest launch template version first", async () => {
    const h = harness(simpleScenario({ outdated: 2 }));
    const outdated = members(h)
      .filter((m) => m.launchTemplateVersion === 1)
      .map((m) => m.instanceId)
      .sort();
    expect(outdated).toHaveLength(2);
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 4 }));
    h.clock.advanceBy(5);
    const leaving = members(h)
      .filter((m) => m.lifecycleState.startsWith("Terminating"))
      .map((m) => m.instanceId)
      .sort();
    expect(leaving).toEqual(outdated);
    h.clock.advanceBy(60);
    expect(members(h)).toHaveLength(4);
    expect(members(h).every((m) => m.launchTemplateVersion === 2)).toBe(true);
  });

  it("an imbalanced group: the fullest zone goes first, even before an older version elsewhere", async () => {
    const h = harness(simpleScenario({ zones: { "us-east-1b": 1, "us-east-1a": 3 }, outdated: 1 }));
    const old = members(h).find((m) => m.launchTemplateVersion === 1);
    expect(old?.availabilityZone).toBe("us-east-1b");
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3 }));
    h.clock.advanceBy(5);
    const leaving = members(h).filter((m) => m.lifecycleState.startsWith("Terminating"));
    expect(leaving.map((m) => m.availabilityZone)).toEqual(["us-east-1a"]);
  });

  it("never picks an instance protected from scale in", async () => {
    const h = harness(simpleScenario({ zones: { "us-east-1a": 2 } }));
    const [first, second] = members(h).map((m) => m.instanceId);
    const { SetInstanceProtectionCommand } = await import("@aws-sdk/client-auto-scaling");
    await h.asg.send(
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: GROUP,
        InstanceIds: [first as string],
        ProtectedFromScaleIn: true,
      }),
    );
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 1 }));
    h.clock.advanceBy(5);
    expect(members(h).find((m) => m.instanceId === second)?.lifecycleState).toMatch(/^Terminating/);
    expect(members(h).find((m) => m.instanceId === first)?.lifecycleState).toBe("InService");
  });
});

describe("TerminateInstanceInAutoScalingGroup", () => {
  it("without decrement: desired stays and a replacement is launched in the same zone", async () => {
    const h = harness(simpleScenario({}));
    const victim = members(h)[0];
    const out = await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: victim?.instanceId,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    expect(out.Activity?.Description).toBe(`Terminating EC2 instance: ${victim?.instanceId}`);
    expect(out.Activity?.StatusCode).toBe("InProgress");
    h.clock.advanceBy(120);
    const now = members(h);
    expect(now).toHaveLength(6);
    expect(now.find((m) => m.instanceId === victim?.instanceId)).toBeUndefined();
    expect(zoneCounts(h.region)).toEqual({ "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2 });
    expect(h.cluster.terminated).toEqual([victim?.instanceId]);
    const { AutoScalingGroups = [] } = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
    );
    expect(AutoScalingGroups[0]?.DesiredCapacity).toBe(6);
  });

  it("with decrement: desired drops and nothing replaces the instance", async () => {
    const h = harness(simpleScenario({}));
    const victim = members(h)[0]?.instanceId;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }),
    );
    h.clock.advanceBy(300);
    expect(members(h)).toHaveLength(5);
    expect(h.region.groupCounts("workers")).toEqual({ initial: 6, current: 5, maxAlive: 6 });
    expect(h.region.snapshot().instances.find((i) => i.instanceId === victim)?.state).toBe("terminated");
  });
});

describe("suspended processes", () => {
  it("Launch suspended: no replacement until it is resumed", async () => {
    const h = harness(simpleScenario({}));
    await h.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Launch"] }));
    const victim = members(h)[0]?.instanceId;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: false }),
    );
    h.clock.advanceBy(600);
    expect(members(h)).toHaveLength(5);
    const { AutoScalingGroups = [] } = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
    );
    expect(AutoScalingGroups[0]?.SuspendedProcesses?.map((p) => p.ProcessName)).toEqual(["Launch"]);
    expect(AutoScalingGroups[0]?.SuspendedProcesses?.[0]?.SuspensionReason).toMatch(/^User suspended at /);
    await h.asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Launch"] }));
    h.clock.advanceBy(120);
    expect(members(h)).toHaveLength(6);
  });

  it("Terminate suspended: a lower desired capacity waits for the resume", async () => {
    const h = harness(simpleScenario({}));
    await h.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Terminate"] }));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 3 }));
    h.clock.advanceBy(600);
    expect(members(h)).toHaveLength(6);
    await h.asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: GROUP }));
    h.clock.advanceBy(120);
    expect(members(h)).toHaveLength(3);
  });

  it("no process list suspends them all; an unknown name is refused", async () => {
    const h = harness(simpleScenario({}));
    await h.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP }));
    expect(h.region.snapshot().groups[0]?.suspendedProcesses).toHaveLength(9);
    const err = await rejection(
      h.asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["Lunch"] })),
    );
    expect(err.name).toBe("ValidationError");
    expect(err.message).toContain("Lunch");
  });

  it("AZRebalance: an imbalanced group launches in the emptiest zone, then terminates in the fullest", async () => {
    const run = async (suspendRebalance: boolean) => {
      const h = harness(simpleScenario({}));
      if (suspendRebalance) {
        await h.asg.send(
          new SuspendProcessesCommand({ AutoScalingGroupName: GROUP, ScalingProcesses: ["AZRebalance"] }),
        );
      }
      for (const m of members(h).filter((x) => x.availabilityZone === "us-east-1a")) {
        await h.asg.send(
          new TerminateInstanceInAutoScalingGroupCommand({
            InstanceId: m.instanceId,
            ShouldDecrementDesiredCapacity: true,
          }),
        );
      }
      h.clock.advanceBy(900);
      return h;
    };
    const suspended = await run(true);
    expect(zoneCounts(suspended.region)).toEqual({ "us-east-1b": 2, "us-east-1c": 2 });

    const active = await run(false);
    const counts = zoneCounts(active.region);
    expect(counts["us-east-1a"]).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(4);
    expect(Math.max(...Object.values(counts)) - Math.min(...Object.values(counts))).toBeLessThanOrEqual(1);
    const { Activities = [] } = await active.asg.send(
      new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }),
    );
    expect(Activities.some((a) => a.Cause?.includes("to balance instances in zones us-east-1a"))).toBe(true);
    expect(active.region.groupCounts("workers").maxAlive).toBe(6);
  });
});

describe("DescribeAutoScalingGroups", () => {
  const twoGroups = () =>
    harness(
      scenario({
        cluster: {
          name: "demo",
          kind: "self-managed",
          version: "1.30",
          nodeGroups: [
            { name: "workers", kind: "self-managed-asg", zones: { "us-east-1a": 1 } },
            { name: "batch", kind: "self-managed-asg", zones: { "us-east-1b": 1 }, labels: { team: "data" } },
          ],
        },
      }),
    );

  it("filters by tag:<key>, tag-key and tag-value", async () => {
    const h = twoGroups();
    const byTag = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [{ Name: "tag:tugboat:nodegroup", Values: ["batch", "other"] }],
      }),
    );
    expect(byTag.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["demo-batch"]);
    const both = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [
          { Name: "tag-key", Values: ["kubernetes.io/cluster/demo"] },
          { Name: "tag-value", Values: ["workers"] },
        ],
      }),
    );
    expect(both.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["demo-workers"]);
    const group = both.AutoScalingGroups?.[0];
    expect(group?.Tags?.find((t) => t.Key === "kubernetes.io/cluster/demo")?.Value).toBe("owned");
    expect(group?.Instances?.[0]).toMatchObject({
      LifecycleState: "InService",
      HealthStatus: "Healthy",
      ProtectedFromScaleIn: false,
    });
    expect(group?.LaunchTemplate?.Version).toBe("$Latest");
    expect(group?.VPCZoneIdentifier).toMatch(/^subnet-[0-9a-f]{17}$/);
  });

  it("DescribeAutoScalingInstances names the group and spells health in capitals, as that API does", async () => {
    const h = twoGroups();
    const { DescribeAutoScalingInstancesCommand } = await import("@aws-sdk/client-auto-scaling");
    const all = await h.asg.send(new DescribeAutoScalingInstancesCommand({}));
    expect(all.AutoScalingInstances).toHaveLength(2);
    const one = all.AutoScalingInstances?.[0];
    const only = await h.asg.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: [one?.InstanceId as string, "i-0000000000000000f"] }),
    );
    expect(only.AutoScalingInstances).toEqual([
      expect.objectContaining({
        InstanceId: one?.InstanceId,
        HealthStatus: "HEALTHY",
        LifecycleState: "InService",
        AutoScalingGroupName: one?.AutoScalingGroupName,
      }),
    ]);
  });

  it("pages with MaxRecords and NextToken", async () => {
    const h = twoGroups();
    const first = await h.asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(first.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["demo-batch"]);
    expect(first.NextToken).toBeDefined();
    const second = await h.asg.send(
      new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken }),
    );
    expect(second.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["demo-workers"]);
    expect(second.NextToken).toBeUndefined();
  });
});
