/**
 * The EC2 and Auto Scaling half of the creation port (src/core/create/ports.ts): the AMI's SSM
 * parameter, launch templates and Auto Scaling groups. CreationAdapter (creation.ts) adds EKS.
 */
import {
  type AutoScalingClient,
  type AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SuspendProcessesCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  type _InstanceType,
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { EKSClient } from "@aws-sdk/client-eks";
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { type CreateGroupRequest, GroupExistsError, type GroupView } from "../../core/create/ports";
import { awsErrorCode, isNotFound, toStepError } from "./classify";

export async function orUndefined<T>(call: () => Promise<T>, context: string): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toStepError(err, context);
  }
}

export async function wrap<T>(call: () => Promise<T>, context: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toStepError(err, context);
  }
}

function groupView(group: AutoScalingGroup): GroupView {
  return {
    name: group.AutoScalingGroupName ?? "",
    tags: Object.fromEntries((group.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    instanceIds: (group.Instances ?? []).map((i) => i.InstanceId ?? ""),
    zones: group.AvailabilityZones ?? [],
    desired: group.DesiredCapacity ?? 0,
    suspended: (group.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? ""),
  };
}

export class GroupCreationAdapter {
  constructor(
    protected readonly clients: { eks: EKSClient; ec2: EC2Client; autoScaling: AutoScalingClient; ssm: SSMClient },
  ) {}

  async recommendedAmi(minor: string, architecture: "x86_64" | "arm64") {
    const name = `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${architecture}/standard/recommended/image_id`;
    const out = await wrap(
      () => this.clients.ssm.send(new GetParametersCommand({ Names: [name] })),
      `GetParameters ${name}`,
    );
    return out.Parameters?.find((p) => p.Name === name)?.Value;
  }

  async launchTemplateId(name: string) {
    const out = await orUndefined(
      () => this.clients.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })),
      `DescribeLaunchTemplates ${name}`,
    );
    return out?.LaunchTemplates?.[0]?.LaunchTemplateId;
  }

  async createLaunchTemplate(r: {
    name: string;
    imageId: string;
    instanceType: string;
    instanceProfile: string;
    userData: string;
    tags: Record<string, string>;
  }): Promise<string> {
    const tags = Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value }));
    const out = await wrap(
      () =>
        this.clients.ec2.send(
          new CreateLaunchTemplateCommand({
            LaunchTemplateName: r.name,
            LaunchTemplateData: {
              ImageId: r.imageId,
              InstanceType: r.instanceType as _InstanceType,
              IamInstanceProfile: { Name: r.instanceProfile },
              UserData: r.userData,
              MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 2 },
            },
            TagSpecifications: [{ ResourceType: "launch-template", Tags: tags }],
          }),
        ),
      `CreateLaunchTemplate ${r.name}`,
    );
    return out.LaunchTemplate?.LaunchTemplateId ?? "";
  }

  async deleteLaunchTemplate(name: string) {
    await orUndefined(
      () => this.clients.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name })),
      `DeleteLaunchTemplate ${name}`,
    );
  }

  async launchTemplatesTagged(cluster: string): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await wrap(
        () =>
          this.clients.ec2.send(
            new DescribeLaunchTemplatesCommand({
              Filters: [
                { Name: "tag:tugboat:cluster", Values: [cluster] },
                { Name: "tag-key", Values: ["tugboat:created-by-run"] },
              ],
              NextToken: token,
            }),
          ),
        "DescribeLaunchTemplates",
      );
      names.push(...(page.LaunchTemplates ?? []).map((t) => t.LaunchTemplateName ?? "").filter(Boolean));
      token = page.NextToken;
    } while (token);
    return names;
  }

  async describeGroups(names: string[]): Promise<GroupView[]> {
    if (names.length === 0) return [];
    const out = await wrap(
      () => this.clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names })),
      "DescribeAutoScalingGroups",
    );
    return (out.AutoScalingGroups ?? []).map(groupView);
  }

  async groupsTagged(cluster: string): Promise<GroupView[]> {
    const out: GroupView[] = [];
    let token: string | undefined;
    do {
      const page = await wrap(
        () =>
          this.clients.autoScaling.send(
            new DescribeAutoScalingGroupsCommand({
              Filters: [{ Name: "tag:tugboat:cluster", Values: [cluster] }],
              NextToken: token,
            }),
          ),
        "DescribeAutoScalingGroups",
      );
      out.push(...(page.AutoScalingGroups ?? []).map(groupView));
      token = page.NextToken;
    } while (token);
    return out;
  }

  async createGroup(r: CreateGroupRequest) {
    try {
      await this.clients.autoScaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: r.name,
          LaunchTemplate: { LaunchTemplateName: r.launchTemplateName, Version: "$Latest" },
          MinSize: r.size,
          MaxSize: r.size + 1,
          DesiredCapacity: r.size,
          VPCZoneIdentifier: r.subnetIds.join(","),
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true })),
        }),
      );
    } catch (err) {
      if (awsErrorCode(err) === "AlreadyExists") throw new GroupExistsError(r.name);
      throw toStepError(err, `CreateAutoScalingGroup ${r.name}`);
    }
  }

  async suspendProcesses(name: string, processes: string[]) {
    await wrap(
      () =>
        this.clients.autoScaling.send(
          new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes }),
        ),
      `SuspendProcesses ${name}`,
    );
  }

  async deleteGroup(name: string) {
    await orUndefined(
      () =>
        this.clients.autoScaling.send(
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }),
        ),
      `DeleteAutoScalingGroup ${name}`,
    );
  }
}
