import { SetDesiredCapacityCommand } from "@aws-sdk/client-auto-scaling";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSubnetsCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { harness, rejection, simpleScenario, zoneCounts } from "./fakes";

describe("launch templates", () => {
  it("resolves $Latest, $Default and version numbers", async () => {
    const h = harness(simpleScenario({ outdated: 2 }));
    const { LaunchTemplates = [] } = await h.ec2.send(new DescribeLaunchTemplatesCommand({}));
    expect(LaunchTemplates).toHaveLength(1);
    const lt = LaunchTemplates[0];
    expect(lt?.LaunchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(lt).toMatchObject({ LaunchTemplateName: "demo-workers", DefaultVersionNumber: 1, LatestVersionNumber: 2 });

    const resolve = async (version: string) => {
      const out = await h.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt?.LaunchTemplateId, Versions: [version] }),
      );
      return out.LaunchTemplateVersions?.[0];
    };
    const latest = await resolve("$Latest");
    const byDefault = await resolve("$Default");
    const one = await resolve("1");
    expect(latest?.VersionNumber).toBe(2);
    expect(byDefault?.VersionNumber).toBe(1);
    expect(byDefault?.DefaultVersion).toBe(true);
    expect(one?.LaunchTemplateData?.ImageId).toBe(byDefault?.LaunchTemplateData?.ImageId);
    expect(latest?.LaunchTemplateData?.ImageId).not.toBe(one?.LaunchTemplateData?.ImageId);
    expect(latest?.LaunchTemplateData?.ImageId).toMatch(/^ami-[0-9a-f]{17}$/);

    const err = await rejection(
      h.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt?.LaunchTemplateId, Versions: ["7"] }),
      ),
    );
    expect(err.name).toBe("InvalidLaunchTemplateId.VersionNotFound");
    const missing = await rejection(
      h.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: "lt-0000000000000000a", Versions: ["1"] }),
      ),
    );
    expect(missing.name).toBe("InvalidLaunchTemplateId.NotFound");
  });

  it("a new version becomes $Latest, and the group launches from it", async () => {
    const h = harness(simpleScenario({ maxSize: 7 }));
    const { LaunchTemplates = [] } = await h.ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["demo-workers"] }),
    );
    const ltId = LaunchTemplates[0]?.LaunchTemplateId;
    const images = await h.ec2.send(
      new DescribeImagesCommand({
        Filters: [{ Name: "name", Values: ["amazon-eks-node-al2023-x86_64-standard-1.31-*"] }],
      }),
    );
    const newer = images.Images?.at(-1);
    expect(newer?.Name).toMatch(/^amazon-eks-node-al2023-x86_64-standard-1\.31-v\d{8}$/);
    const created = await h.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: ltId,
        SourceVersion: "$Latest",
        LaunchTemplateData: { ImageId: newer?.ImageId },
        VersionDescription: "1.31",
      }),
    );
    expect(created.LaunchTemplateVersion?.VersionNumber).toBe(2);
    expect(created.LaunchTemplateVersion?.LaunchTemplateData?.InstanceType).toBe("m6i.large");

    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 7 }));
    h.clock.advanceBy(120);
    const fresh = h.region.snapshot().instances.filter((i) => !i.initial);
    expect(fresh.map((i) => [i.imageId, i.launchTemplateVersion])).toEqual([[newer?.ImageId, 2]]);
    expect(h.cluster.launched.at(-1)?.kubernetesMinor).toBe("1.31");
  });
});

describe("instances", () => {
  it("describes instances with real-looking fields and Auto Scaling tags, filtered by tag and state", async () => {
    const h = harness(simpleScenario({}));
    const out = await h.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "tag:aws:autoscaling:groupName", Values: ["demo-workers"] },
          { Name: "instance-state-name", Values: ["running"] },
        ],
      }),
    );
    const instances = out.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances).toHaveLength(6);
    const first = instances[0];
    expect(first?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(first?.ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(first?.InstanceType).toBe("m6i.large");
    expect(first?.Placement?.AvailabilityZone).toMatch(/^us-east-1[abc]$/);
    expect(first?.PrivateDnsName).toMatch(/^ip-10-0-\d+-\d+\.ec2\.internal$/);
    expect(first?.PrivateIpAddress).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(first?.State).toEqual({ Code: 16, Name: "running" });
    expect(first?.LaunchTime).toBeInstanceOf(Date);
    const tags = Object.fromEntries((first?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ "aws:autoscaling:groupName": "demo-workers", "tugboat:nodegroup": "workers" });

    const none = await h.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "instance-state-name", Values: ["pending"] }] }),
    );
    expect(none.Reservations).toEqual([]);
  });

  it("pages with MaxResults, and refuses unknown ids with EC2's wording", async () => {
    const h = harness(simpleScenario({}));
    const page = await h.ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(page.Reservations).toHaveLength(5);
    const rest = await h.ec2.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: page.NextToken }));
    expect(rest.Reservations).toHaveLength(1);
    const err = await rejection(h.ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] })));
    expect(err.name).toBe("InvalidInstanceID.NotFound");
    expect(err.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
    expect(err.Code).toBe("InvalidInstanceID.NotFound");
  });

  it("TerminateInstances goes around the group: it notices, and replaces the instance", async () => {
    const h = harness(simpleScenario({}));
    const victim = h.region.snapshot().instances[0];
    const out = await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim?.instanceId as string] }));
    expect(out.TerminatingInstances?.[0]).toMatchObject({
      InstanceId: victim?.instanceId,
      CurrentState: { Code: 32, Name: "shutting-down" },
      PreviousState: { Code: 16, Name: "running" },
    });
    h.clock.advanceBy(150);
    expect(zoneCounts(h.region)).toEqual({ "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 2 });
    expect(h.region.terminateCalls().get(victim?.instanceId as string)).toBe(1);

    // A terminated instance stays visible for about an hour, without a private DNS name.
    const gone = await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [victim?.instanceId as string] }));
    const shape = gone.Reservations?.[0]?.Instances?.[0];
    expect(shape?.State).toEqual({ Code: 48, Name: "terminated" });
    expect(shape?.PrivateDnsName).toBe("");
    h.clock.advanceBy(3600);
    const err = await rejection(
      h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [victim?.instanceId as string] })),
    );
    expect(err.name).toBe("InvalidInstanceID.NotFound");
  });
});

describe("subnets", () => {
  it("has one subnet per zone whose free addresses fall as instances launch", async () => {
    const h = harness(simpleScenario({ maxSize: 9 }));
    const before = await h.ec2.send(new DescribeSubnetsCommand({}));
    expect(before.Subnets?.map((s) => s.AvailabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(before.Subnets?.[0]?.AvailableIpAddressCount).toBe(4091 - 2);
    await h.asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: "demo-workers", DesiredCapacity: 9 }));
    h.clock.advanceBy(10);
    const after = await h.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1a"] }] }),
    );
    expect(after.Subnets?.map((s) => s.AvailableIpAddressCount)).toEqual([4091 - 3]);
  });
});
