import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  EC2ServiceException,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Ec2Adapter } from "../../../../src/adapters/aws/ec2";
import { TerminalError } from "../../../../src/core/errors";

const ec2Mock = mockClient(EC2Client);
let adapter: Ec2Adapter;

beforeEach(() => {
  ec2Mock.reset();
  adapter = new Ec2Adapter(new EC2Client({ region: "us-east-1" }));
});

function ec2Error(name: string, message: string) {
  return new EC2ServiceException({ name, message, $fault: "client", $metadata: { httpStatusCode: 400 } });
}

function instance(id: string) {
  return {
    InstanceId: id,
    ImageId: "ami-1",
    InstanceType: "m5.large" as const,
    Placement: { AvailabilityZone: "us-east-1b" },
    PrivateDnsName: `ip-${id}.ec2.internal`,
    State: { Name: "running" as const, Code: 16 },
    LaunchTime: new Date("2025-01-02T03:04:05Z"),
    Tags: [{ Key: "eks:nodegroup-name", Value: "workers" }],
  };
}

describe("Ec2Adapter.describeInstances", () => {
  it("maps instances", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance("i-0b"), instance("i-0a")] }] });
    const found = await adapter.describeInstances(["i-0b", "i-0a", "i-0a"]);
    expect(found.map((i) => i.instanceId)).toEqual(["i-0a", "i-0b"]);
    expect(found[0]).toEqual({
      instanceId: "i-0a",
      imageId: "ami-1",
      instanceType: "m5.large",
      availabilityZone: "us-east-1b",
      privateDnsName: "ip-i-0a.ec2.internal",
      state: "running",
      launchTime: new Date("2025-01-02T03:04:05Z"),
      tags: { "eks:nodegroup-name": "workers" },
    });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.InstanceIds).toEqual(["i-0a", "i-0b"]);
  });

  it("asks at most 1000 ids per call", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const ids = Array.from({ length: 2500 }, (_, n) => `i-${n.toString(16).padStart(8, "0")}`);
    await adapter.describeInstances(ids);
    const sizes = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.InstanceIds?.length);
    expect(sizes).toEqual([1000, 1000, 500]);
  });

  it("treats InvalidInstanceID.NotFound as empty when every id is gone", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(ec2Error("InvalidInstanceID.NotFound", "The instance ID 'i-0dead' does not exist"));
    expect(await adapter.describeInstances(["i-0dead"])).toEqual([]);
  });

  it("drops the ids EC2 names as missing and still returns the others", async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(ec2Error("InvalidInstanceID.NotFound", "The instance IDs 'i-0dead, i-0gone' do not exist"))
      .resolvesOnce({ Reservations: [{ Instances: [instance("i-0a")] }] });
    const found = await adapter.describeInstances(["i-0a", "i-0dead", "i-0gone"]);
    expect(found.map((i) => i.instanceId)).toEqual(["i-0a"]);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[1]?.args[0].input.InstanceIds).toEqual(["i-0a"]);
  });

  it("does not hide other errors", async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(ec2Error("UnauthorizedOperation", "You are not authorized"));
    await expect(adapter.describeInstances(["i-0a"])).rejects.toThrow(TerminalError);
  });
});

describe("Ec2Adapter.describeLaunchTemplateVersion", () => {
  it("resolves $Latest to the concrete version and its AMI", async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [
        {
          LaunchTemplateId: "lt-0abc",
          LaunchTemplateName: "workers",
          VersionNumber: 7,
          LaunchTemplateData: { ImageId: "ami-new", InstanceType: "m6i.large" },
        },
      ],
    });
    expect(await adapter.describeLaunchTemplateVersion("lt-0abc", "$Latest")).toEqual({
      templateId: "lt-0abc",
      templateName: "workers",
      versionNumber: "7",
      imageId: "ami-new",
      instanceType: "m6i.large",
    });
    expect(ec2Mock.commandCalls(DescribeLaunchTemplateVersionsCommand)[0]?.args[0].input).toEqual({
      LaunchTemplateId: "lt-0abc",
      Versions: ["$Latest"],
    });
  });

  it("accepts a template name and fails clearly when the version does not exist", async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
    await expect(adapter.describeLaunchTemplateVersion("workers", "$Default")).rejects.toThrow(
      "DescribeLaunchTemplateVersions workers version $Default: the launch template has no such version",
    );
    expect(ec2Mock.commandCalls(DescribeLaunchTemplateVersionsCommand)[0]?.args[0].input).toEqual({
      LaunchTemplateName: "workers",
      Versions: ["$Default"],
    });
  });
});
