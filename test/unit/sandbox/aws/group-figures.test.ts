/**
 * The region's figures of a node group (instances alive, what the group would launch) are kept per
 * cluster: two clusters of one sandbox may each have a group of the same name.
 */
import { CreateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { harness, simpleScenario } from "./fakes";

describe("node group figures", () => {
  it("tell a created cluster's group from the scenario cluster's group of the same name", async () => {
    const h = harness(simpleScenario({}));
    const before = h.region.groupCounts("workers");
    const demoTarget = h.region.launchTargetOf("workers");
    expect(before).toEqual({ initial: 6, current: 6, maxAlive: 6 });

    const images = await h.ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
    const other = (images.Images ?? []).map((i) => i.ImageId).find((id) => id && id !== demoTarget?.imageId);
    const template = await h.ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "other-workers",
        LaunchTemplateData: { ImageId: other, InstanceType: "m6i.large" },
      }),
    );
    const subnets = await h.ec2.send(new DescribeSubnetsCommand({}));
    await h.asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "other-workers",
        LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: "$Default" },
        MinSize: 2,
        MaxSize: 2,
        DesiredCapacity: 2,
        VPCZoneIdentifier: (subnets.Subnets ?? []).map((s) => s.SubnetId).join(","),
        Tags: [
          { Key: "tugboat:cluster", Value: "other" },
          { Key: "tugboat:nodegroup", Value: "workers" },
        ],
      }),
    );
    h.clock.advanceBy(600);

    expect(h.region.groupCounts("workers", "other")).toEqual({ initial: 0, current: 2, maxAlive: 2 });
    expect(h.region.groupCounts("workers")).toEqual(before);
    expect(h.region.launchTargetOf("workers", "other")?.imageId).toBe(other);
    expect(h.region.launchTargetOf("workers")).toEqual(demoTarget);
  });
});
