/**
 * The creation port (src/core/create/ports.ts) with the AWS SDK: EKS clusters, access entries,
 * add-ons, managed node groups and subnets here; the AMI parameter, launch templates and Auto
 * Scaling groups in creation-groups.ts.
 */
import { DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
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
  ListAddonsCommand,
  ListNodegroupsCommand,
  type TaintEffect,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import {
  type CreateClusterRequest,
  type CreateNodegroupRequest,
  type CreationPort,
  UnsupportedZonesError,
} from "../../core/create/ports";
import type { SubnetFacts } from "../../core/create/preflight";
import { awsErrorCode, toStepError } from "./classify";
import { GroupCreationAdapter, orUndefined, wrap } from "./creation-groups";

const TAINT_EFFECTS: Record<string, TaintEffect> = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
};

export class CreationAdapter extends GroupCreationAdapter implements CreationPort {
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
}
