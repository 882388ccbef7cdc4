/**
 * ConnectPort on the AWS SDK and @kubernetes/client-node, with the caller's own credentials: the
 * operator running `tug connect` (in EKS typically the cluster creator or another cluster admin). The
 * RBAC objects go through the Kubernetes API as that identity, read first and then created or replaced.
 */
import { type AutoScalingClient, CreateOrUpdateTagsCommand } from "@aws-sdk/client-auto-scaling";
import { CreateTagsCommand, DescribeLaunchTemplatesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  ListNodegroupsCommand,
  UpdateAccessEntryCommand,
} from "@aws-sdk/client-eks";
import type { KubeConfig, RbacV1Subject, V1PolicyRule, V1RoleRef } from "@kubernetes/client-node";
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { AccessEntryView, ClusterAccessConfig, ConnectPort, ManagedGroupView } from "../../core/connect/ports";
import { isRole, type PolicyRule, type RbacObject, type RbacSubject } from "../../core/connect/rbac";
import { AutoScalingAdapter } from "../aws/auto-scaling";
import { isNotFound } from "../aws/classify";
import { httpStatusOf, kubeStepError } from "../kube/kube-errors";

export interface ConnectAdapterDeps {
  eks: EKSClient;
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  /** Admin access to a cluster's Kubernetes API, as the caller. */
  kubeConfig: (cluster: string) => Promise<KubeConfig>;
}

const defined = <T>(list: T[] | undefined | null): T[] | undefined => (list && list.length > 0 ? [...list] : undefined);

function toRule(rule: V1PolicyRule): PolicyRule {
  return {
    verbs: [...rule.verbs],
    ...(defined(rule.apiGroups) ? { apiGroups: defined(rule.apiGroups) } : {}),
    ...(defined(rule.resources) ? { resources: defined(rule.resources) } : {}),
    ...(defined(rule.resourceNames) ? { resourceNames: defined(rule.resourceNames) } : {}),
    ...(defined(rule.nonResourceURLs) ? { nonResourceURLs: defined(rule.nonResourceURLs) } : {}),
  };
}

function toSubject(subject: RbacV1Subject): RbacSubject {
  return {
    kind: subject.kind as RbacSubject["kind"],
    name: subject.name,
    ...(subject.apiGroup ? { apiGroup: subject.apiGroup } : {}),
    ...(subject.namespace ? { namespace: subject.namespace } : {}),
  };
}

export class ConnectAdapter implements ConnectPort {
  private readonly rbacApis = new Map<string, Promise<RbacAuthorizationV1Api>>();

  private readonly groups: AutoScalingAdapter;

  constructor(private readonly deps: ConnectAdapterDeps) {
    this.groups = new AutoScalingAdapter(deps.autoScaling);
  }

  async describeCluster(cluster: string): Promise<ClusterAccessConfig | undefined> {
    try {
      const out = await this.deps.eks.send(new DescribeClusterCommand({ name: cluster }));
      const c = out.cluster;
      const vpc = c?.resourcesVpcConfig;
      return {
        name: cluster,
        authenticationMode: c?.accessConfig?.authenticationMode ?? "CONFIG_MAP",
        ...(vpc?.vpcId ? { vpcId: vpc.vpcId } : {}),
        endpointPublicAccess: vpc?.endpointPublicAccess ?? true,
        endpointPrivateAccess: vpc?.endpointPrivateAccess ?? false,
        publicAccessCidrs: vpc?.publicAccessCidrs ?? ["0.0.0.0/0"],
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async describeAccessEntry(cluster: string, principalArn: string): Promise<AccessEntryView | undefined> {
    try {
      const out = await this.deps.eks.send(new DescribeAccessEntryCommand({ clusterName: cluster, principalArn }));
      return {
        principalArn,
        kubernetesGroups: out.accessEntry?.kubernetesGroups ?? [],
        ...(out.accessEntry?.username ? { username: out.accessEntry.username } : {}),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async createAccessEntry(cluster: string, principalArn: string, kubernetesGroups: string[]): Promise<void> {
    await this.deps.eks.send(
      new CreateAccessEntryCommand({ clusterName: cluster, principalArn, kubernetesGroups, type: "STANDARD" }),
    );
  }

  async updateAccessEntry(cluster: string, principalArn: string, kubernetesGroups: string[]): Promise<void> {
    await this.deps.eks.send(new UpdateAccessEntryCommand({ clusterName: cluster, principalArn, kubernetesGroups }));
  }

  private rbacApi(cluster: string): Promise<RbacAuthorizationV1Api> {
    let api = this.rbacApis.get(cluster);
    if (!api) {
      api = this.deps.kubeConfig(cluster).then((kc) => kc.makeApiClient(RbacAuthorizationV1Api));
      this.rbacApis.set(cluster, api);
    }
    return api;
  }

  /** The live object with its resourceVersion, or undefined. */
  private async readLive(
    cluster: string,
    object: RbacObject,
  ): Promise<(RbacObject & { resourceVersion?: string }) | undefined> {
    const api = await this.rbacApi(cluster);
    const name = object.metadata.name;
    const namespace = object.metadata.namespace ?? "";
    try {
      switch (object.kind) {
        case "ClusterRole":
        case "Role": {
          const live =
            object.kind === "ClusterRole"
              ? await api.readClusterRole({ name })
              : await api.readNamespacedRole({ name, namespace });
          return {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: { ...object.metadata },
            rules: (live.rules ?? []).map(toRule),
            resourceVersion: live.metadata?.resourceVersion,
          };
        }
        case "ClusterRoleBinding":
        case "RoleBinding": {
          const live =
            object.kind === "ClusterRoleBinding"
              ? await api.readClusterRoleBinding({ name })
              : await api.readNamespacedRoleBinding({ name, namespace });
          const ref: V1RoleRef = live.roleRef;
          return {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: { ...object.metadata },
            roleRef: {
              apiGroup: "rbac.authorization.k8s.io",
              kind: ref.kind as "ClusterRole" | "Role",
              name: ref.name,
            },
            subjects: (live.subjects ?? []).map(toSubject),
            resourceVersion: live.metadata?.resourceVersion,
          };
        }
      }
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined;
      throw kubeStepError(err, `reading ${object.kind} ${name}`);
    }
  }

  async readRbac(cluster: string, object: RbacObject): Promise<RbacObject | undefined> {
    const live = await this.readLive(cluster, object);
    if (!live) return undefined;
    const { resourceVersion: _, ...rest } = live;
    return rest as RbacObject;
  }

  async applyRbac(cluster: string, object: RbacObject): Promise<void> {
    const api = await this.rbacApi(cluster);
    const live = await this.readLive(cluster, object);
    const name = object.metadata.name;
    const namespace = object.metadata.namespace ?? "";
    // A replace carries the resourceVersion it read: a concurrent edit fails it (409) instead of being lost.
    const body = live ? { ...object, metadata: { ...object.metadata, resourceVersion: live.resourceVersion } } : object;
    try {
      if (isRole(object)) {
        const role = body as Parameters<RbacAuthorizationV1Api["createClusterRole"]>[0]["body"];
        if (object.kind === "ClusterRole") {
          await (live ? api.replaceClusterRole({ name, body: role }) : api.createClusterRole({ body: role }));
        } else {
          await (live
            ? api.replaceNamespacedRole({ name, namespace, body: role })
            : api.createNamespacedRole({ namespace, body: role }));
        }
      } else {
        const binding = body as Parameters<RbacAuthorizationV1Api["createClusterRoleBinding"]>[0]["body"];
        if (object.kind === "ClusterRoleBinding") {
          await (live
            ? api.replaceClusterRoleBinding({ name, body: binding })
            : api.createClusterRoleBinding({ body: binding }));
        } else {
          await (live
            ? api.replaceNamespacedRoleBinding({ name, namespace, body: binding })
            : api.createNamespacedRoleBinding({ namespace, body: binding }));
        }
      }
    } catch (err) {
      throw kubeStepError(err, `applying ${object.kind} ${name}`);
    }
  }

  async listNodeGroups(cluster: string): Promise<ManagedGroupView[]> {
    const views: { nodeGroup: string; kind: ManagedGroupView["kind"]; asgName: string }[] = [];
    if (await this.describeCluster(cluster)) {
      let nextToken: string | undefined;
      do {
        const page = await this.deps.eks.send(new ListNodegroupsCommand({ clusterName: cluster, nextToken }));
        for (const name of page.nodegroups ?? []) {
          const described = await this.deps.eks.send(
            new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: name }),
          );
          const asgName = described.nodegroup?.resources?.autoScalingGroups?.[0]?.name;
          if (asgName) views.push({ nodeGroup: name, kind: "eks-managed", asgName });
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    for (const group of await this.groups.findGroupsWithTagKey(`kubernetes.io/cluster/${cluster}`)) {
      const { name, tags } = group;
      if (tags["eks:nodegroup-name"] || views.some((v) => v.asgName === name)) continue;
      const nodeGroup =
        tags["tugboat:nodegroup"] ?? (name.startsWith(`${cluster}-`) ? name.slice(cluster.length + 1) : name);
      views.push({ nodeGroup, kind: "self-managed-asg", asgName: name });
    }
    const described = await this.groups.describeGroups(views.map((v) => v.asgName));
    const byName = new Map(described.map((g) => [g.name, g]));
    const templateIds = [...new Set(described.map((g) => g.launchTemplate?.id).filter((id): id is string => !!id))];
    const templates =
      templateIds.length > 0
        ? ((await this.deps.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: templateIds })))
            .LaunchTemplates ?? [])
        : [];
    return views
      .map((view): ManagedGroupView => {
        const group = byName.get(view.asgName);
        const asgTags = group?.tags ?? {};
        const lt = templates.find((t) => t.LaunchTemplateId === group?.launchTemplate?.id);
        return {
          ...view,
          asgTags,
          ...(lt
            ? {
                launchTemplate: {
                  id: lt.LaunchTemplateId as string,
                  name: lt.LaunchTemplateName ?? "",
                  tags: Object.fromEntries((lt.Tags ?? []).map((t) => [t.Key as string, t.Value ?? ""])),
                },
              }
            : {}),
        };
      })
      .sort((a, b) => a.nodeGroup.localeCompare(b.nodeGroup));
  }

  async tagAutoScalingGroup(asgName: string, tags: Record<string, string>): Promise<void> {
    await this.deps.autoScaling.send(
      new CreateOrUpdateTagsCommand({
        Tags: Object.entries(tags).map(([Key, Value]) => ({
          ResourceId: asgName,
          ResourceType: "auto-scaling-group",
          Key,
          Value,
          PropagateAtLaunch: false,
        })),
      }),
    );
  }

  async tagLaunchTemplate(launchTemplateId: string, tags: Record<string, string>): Promise<void> {
    await this.deps.ec2.send(
      new CreateTagsCommand({
        Resources: [launchTemplateId],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }
}
