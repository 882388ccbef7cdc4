/**
 * The creation port (src/core/create/ports.ts) with the AWS SDK: EKS clusters, access entries,
 * add-ons and managed node groups; EC2 launch templates and subnets; Auto Scaling groups; the SSM
 * parameter of the EKS-optimized AMI.
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
  DescribeSubnetsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import {
  type AMITypes,
  CreateAccessEntryCommand,
  CreateAddonCommand,
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteAddonCommand,
  DeleteClusterCommand,
  DeleteNodegroupCommand,
  DescribeAccessEntryCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  ListAddonsCommand,
  ListNodegroupsCommand,
  type TaintEffect,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import {
  type CreateClusterRequest,
  type CreateGroupRequest,
  type CreateNodegroupRequest,
  type CreationPort,
  GroupExistsError,
  type GroupView,
  UnsupportedZonesError,
} from "../../core/create/ports";
import type { SubnetFacts } from "../../core/create/preflight";
import { awsErrorCode, isNotFound, toStepError } from "./classify";

const TAINT_EFFECTS: Record<string, TaintEffect> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

async function orUndefined<T>(call: () => Promise<T>, context: string): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw toStepError(err, context);
  }
}

async function wrap<T>(call: () => Promise<T>, context: string): Promise<T> {
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

export class CreationAdapter implements CreationPort {
  constructor(
    private readonly clients: { eks: EKSClient; ec2: EC2Client; autoScaling: AutoScalingClient; ssm: SSMClient },
  ) {}

  async subnets(): Promise<SubnetFacts[]> {
    const out: SubnetFacts[] = [];
    let token: string | undefined;
    do {
      const page = await wrap(
        () => this.clients.ec2.send(new DescribeSubnetsCommand({ NextToken: token })),
        "DescribeSubnets",
      );
      for (const s of page.Subnets ?? []) {
        out.push({
          subnetId: s.SubnetId ?? "",
          zone: s.AvailabilityZone ?? "",
          cidr: s.CidrBlock ?? "",
          vpcId: s.VpcId ?? "",
          freeIps: s.AvailableIpAddressCount ?? 0,
        });
      }
      token = page.NextToken;
    } while (token);
    return out;
  }

  async clusterVersions(): Promise<string[]> {
    const out = await wrap(
      () => this.clients.eks.send(new DescribeClusterVersionsCommand({})),
      "DescribeClusterVersions",
    );
    return (out.clusterVersions ?? []).map((v) => v.clusterVersion ?? "").filter(Boolean);
  }

  async describeCluster(name: string) {
    const out = await orUndefined(
      () => this.clients.eks.send(new DescribeClusterCommand({ name })),
      `DescribeCluster ${name}`,
    );
    const c = out?.cluster;
    if (!c) return undefined;
    return {
      name,
      status: c.status ?? "",
      version: c.version ?? "",
      endpoint: c.endpoint ?? "",
      certificateAuthority: c.certificateAuthority?.data ?? "",
      serviceIpv4Cidr: c.kubernetesNetworkConfig?.serviceIpv4Cidr ?? "",
      authenticationMode: c.accessConfig?.authenticationMode ?? "",
      subnetIds: c.resourcesVpcConfig?.subnetIds ?? [],
      tags: c.tags ?? {},
      healthIssues: (c.health?.issues ?? []).map((i) => ({
        code: i.code ?? "",
        message: i.message ?? "",
        resourceIds: i.resourceIds ?? [],
      })),
    };
  }

  async createCluster(r: CreateClusterRequest): Promise<void> {
    try {
      await this.clients.eks.send(
        new CreateClusterCommand({
          name: r.name,
          version: r.version,
          roleArn: r.roleArn,
          resourcesVpcConfig: {
            subnetIds: r.subnetIds,
            endpointPublicAccess: r.endpointPublicAccess,
            endpointPrivateAccess: r.endpointPrivateAccess,
            ...(r.endpointPublicAccess ? { publicAccessCidrs: r.publicAccessCidrs } : {}),
          },
          // Sent explicitly: the API's default is CONFIG_MAP, and access entries need API.
          accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
          bootstrapSelfManagedAddons: false,
          logging: { clusterLogging: [{ types: r.logging as never, enabled: true }] },
          tags: r.tags,
          clientRequestToken: r.clientRequestToken,
        }),
      );
    } catch (err) {
      if (awsErrorCode(err) === "UnsupportedAvailabilityZoneException") {
        const validZones = (err as { validZones?: string[] }).validZones ?? [];
        throw new UnsupportedZonesError((err as Error).message, validZones);
      }
      throw toStepError(err, `CreateCluster ${r.name}`);
    }
  }

  async deleteCluster(name: string): Promise<void> {
    await orUndefined(() => this.clients.eks.send(new DeleteClusterCommand({ name })), `DeleteCluster ${name}`);
  }

  async describeAccessEntry(cluster: string, principalArn: string) {
    const out = await orUndefined(
      () => this.clients.eks.send(new DescribeAccessEntryCommand({ clusterName: cluster, principalArn })),
      `DescribeAccessEntry ${principalArn}`,
    );
    const entry = out?.accessEntry;
    return entry ? { type: entry.type ?? "STANDARD", groups: entry.kubernetesGroups ?? [] } : undefined;
  }

  async createAccessEntry(cluster: string, principalArn: string, type: "STANDARD" | "EC2_LINUX", groups: string[]) {
    await wrap(
      () =>
        this.clients.eks.send(
          new CreateAccessEntryCommand({
            clusterName: cluster,
            principalArn,
            type,
            ...(type === "STANDARD" ? { kubernetesGroups: groups } : {}),
          }),
        ),
      `CreateAccessEntry ${principalArn}`,
    );
  }

  async updateAccessEntryGroups(cluster: string, principalArn: string, groups: string[]) {
    await wrap(
      () =>
        this.clients.eks.send(
          new UpdateAccessEntryCommand({ clusterName: cluster, principalArn, kubernetesGroups: groups }),
        ),
      `UpdateAccessEntry ${principalArn}`,
    );
  }

  async describeAddon(cluster: string, name: string) {
    const out = await orUndefined(
      () => this.clients.eks.send(new DescribeAddonCommand({ clusterName: cluster, addonName: name })),
      `DescribeAddon ${name}`,
    );
    const a = out?.addon;
    return a ? { name, status: a.status ?? "", version: a.addonVersion ?? "" } : undefined;
  }

  async createAddon(cluster: string, name: string, version: string | undefined, clientRequestToken: string) {
    await wrap(
      () =>
        this.clients.eks.send(
          new CreateAddonCommand({
            clusterName: cluster,
            addonName: name,
            ...(version ? { addonVersion: version } : {}),
            clientRequestToken,
          }),
        ),
      `CreateAddon ${name}`,
    );
  }

  async deleteAddon(cluster: string, name: string) {
    await orUndefined(
      () => this.clients.eks.send(new DeleteAddonCommand({ clusterName: cluster, addonName: name })),
      `DeleteAddon ${name}`,
    );
  }

  async listAddons(cluster: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await orUndefined(
        () => this.clients.eks.send(new ListAddonsCommand({ clusterName: cluster, nextToken })),
        `ListAddons ${cluster}`,
      );
      names.push(...(out?.addons ?? []));
      nextToken = out?.nextToken;
    } while (nextToken);
    return names;
  }

  async listNodegroups(cluster: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await orUndefined(
        () => this.clients.eks.send(new ListNodegroupsCommand({ clusterName: cluster, nextToken })),
        `ListNodegroups ${cluster}`,
      );
      names.push(...(out?.nodegroups ?? []));
      nextToken = out?.nextToken;
    } while (nextToken);
    return names;
  }

  async describeNodegroup(cluster: string, name: string) {
    const out = await orUndefined(
      () => this.clients.eks.send(new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: name })),
      `DescribeNodegroup ${name}`,
    );
    const ng = out?.nodegroup;
    if (!ng) return undefined;
    return {
      name,
      status: ng.status ?? "",
      asgNames: (ng.resources?.autoScalingGroups ?? []).map((g) => g.name ?? ""),
      tags: ng.tags ?? {},
      healthIssues: (ng.health?.issues ?? []).map((i) => ({
        code: i.code ?? "",
        message: i.message ?? "",
        resourceIds: i.resourceIds ?? [],
      })),
    };
  }

  async createNodegroup(r: CreateNodegroupRequest) {
    await wrap(
      () =>
        this.clients.eks.send(
          new CreateNodegroupCommand({
            clusterName: r.cluster,
            nodegroupName: r.name,
            nodeRole: r.nodeRole,
            subnets: r.subnetIds,
            instanceTypes: [r.instanceType],
            amiType: r.amiType as AMITypes,
            scalingConfig: { minSize: r.size, maxSize: r.size + 1, desiredSize: r.size },
            updateConfig: { maxUnavailable: r.maxUnavailable },
            labels: r.labels,
            taints: r.taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })),
            tags: r.tags,
            clientRequestToken: r.clientRequestToken,
          }),
        ),
      `CreateNodegroup ${r.name}`,
    );
  }

  async deleteNodegroup(cluster: string, name: string) {
    await orUndefined(
      () => this.clients.eks.send(new DeleteNodegroupCommand({ clusterName: cluster, nodegroupName: name })),
      `DeleteNodegroup ${name}`,
    );
  }

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
