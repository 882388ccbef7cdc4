import { SetDesiredCapacityCommand, TerminateInstanceInAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeUpdateCommand, UpdateNodegroupVersionCommand } from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { harness, simpleScenario, zoneCounts } from "./fakes";

describe("region events", () => {
  it("emits EC2 state changes and Auto Scaling launch/terminate events in the EventBridge envelope", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    const seen: string[] = [];
    h.region.onEvent((event) => seen.push(`${event.source} ${event["detail-type"]}`));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 7 }));
    h.clock.advanceBy(120);
    // The seventh instance went to us-east-1a; taking one from there keeps the zones balanced (no AZRebalance).
    const victim = h.region.snapshot().groups[0]?.members.find((m) => m.availabilityZone === "us-east-1a")?.instanceId;
    await h.asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }),
    );
    h.clock.advanceBy(60);
    expect(seen).toEqual([
      "aws.ec2 EC2 Instance State-change Notification",
      "aws.ec2 EC2 Instance State-change Notification",
      "aws.autoscaling EC2 Instance Launch Successful",
      "aws.ec2 EC2 Instance State-change Notification",
      "aws.ec2 EC2 Instance State-change Notification",
      "aws.autoscaling EC2 Instance Terminate Successful",
    ]);
    const terminated = h.region.events().at(-1);
    expect(terminated).toMatchObject({
      version: "0",
      account: "123456789012",
      region: "us-east-1",
      detail: {
        AutoScalingGroupName: "demo-workers",
        EC2InstanceId: victim,
        Description: `Terminating EC2 instance: ${victim}`,
        StatusCode: "Successful",
      },
    });
    expect(terminated?.resources[1]).toBe(`arn:aws:ec2:us-east-1:123456789012:instance/${victim}`);
  });

  it("a Spot interruption warns two minutes ahead, then the group replaces the instance", () => {
    const h = harness(simpleScenario({}));
    const victim = h.region.snapshot().instances[0]?.instanceId as string;
    h.region.interruptSpotInstance(victim);
    expect(h.region.events().at(-1)).toMatchObject({
      "detail-type": "EC2 Spot Instance Interruption Warning",
      detail: { "instance-id": victim, "instance-action": "terminate" },
    });
    h.clock.advanceBy(119);
    expect(h.cluster.shutDown).toEqual([]);
    h.clock.advanceBy(1);
    expect(h.cluster.shutDown).toEqual([victim]);
    h.clock.advanceBy(200);
    expect(zoneCounts(h.region)).toEqual({ "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2 });
  });
});

describe("never-join fault", () => {
  it("marks the next launched instances of the group, never the initial ones", async () => {
    const h = harness(simpleScenario({ maxSize: 9, faults: [{ kind: "never-join", count: 2, nodeGroup: "workers" }] }));
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 9 }));
    h.clock.advanceBy(120);
    expect(h.cluster.launched.map((i) => i.neverJoins)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
  });

  it("makes an EKS update fail with NodeCreationFailure when new nodes never become Ready", async () => {
    const h = harness(
      simpleScenario({
        clusterKind: "eks",
        kind: "eks-managed",
        outdated: "all",
        faults: [{ kind: "never-join", count: 1 }],
      }),
    );
    const { update } = await h.eks.send(
      new UpdateNodegroupVersionCommand({ clusterName: "demo", nodegroupName: "workers" }),
    );
    h.clock.advanceBy(30 * 60);
    const { update: done } = await h.eks.send(new DescribeUpdateCommand({ name: "demo", updateId: update?.id }));
    expect(done?.status).toBe("Failed");
    expect(done?.errors?.[0]).toMatchObject({
      errorCode: "NodeCreationFailure",
      errorMessage: "Instances failed to join the kubernetes cluster",
    });
    const stuck = h.cluster.launched.find((i) => i.neverJoins)?.instanceId;
    expect(done?.errors?.[0]?.resourceIds).toEqual([stuck]);
  });
});
