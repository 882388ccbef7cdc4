/** EksPort on the AWS SDK v3 EKS client. */
import {
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeClusterVersionsCommand,
  DescribeInsightsRefreshCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  type EKSClient,
  ListAddonsCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  type Nodegroup,
  StartInsightsRefreshCommand,
  type Update,
  UpdateAddonCommand,
  UpdateClusterVersionCommand,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from "@aws-sdk/client-eks";
import { API_CONCURRENCY, mapPool } from "../../core/concurrency";
import { TerminalError } from "../../core/errors";
import type {
  EksAddonState,
  EksAddonVersion,
  EksClusterState,
  EksClusterVersion,
  EksInsight,
  EksNodegroupState,
  EksUpdateState,
  EksUpdateStatus,
} from "../../core/model/aws";
import type { EksPort } from "../../core/ports";
import { isNotFound, toStepError } from "./classify";

const UPDATE_STATUSES: readonly EksUpdateStatus[] = ["InProgress", "Failed", "Cancelled", "Successful"];

export function toUpdateState(update: Update | undefined, context: string): EksUpdateState {
  if (!update?.id) throw new TerminalError(`${context}: the response carried no update`);
  const status = update.status as EksUpdateStatus | undefined;
  if (status === undefined || !UPDATE_STATUSES.includes(status)) {
    throw new TerminalError(`${context}: unknown update status ${String(update.status)}`);
  }
  const state: EksUpdateState = {
    id: update.id,
    type: update.type ?? "",
    status,
    errors: (update.errors ?? []).map((e) => ({
      code: e.errorCode ?? "",
      message: e.errorMessage ?? "",
      resourceIds: [...(e.resourceIds ?? [])],
    })),
  };
  if (update.createdAt) state.createdAt = new Date(update.createdAt);
  return state;
}

export function toNodegroupState(nodegroup: Nodegroup): EksNodegroupState {
  const state: EksNodegroupState = {
    clusterName: nodegroup.clusterName ?? "",
    name: nodegroup.nodegroupName ?? "",
    status: nodegroup.status ?? "",
    autoScalingGroups: (nodegroup.resources?.autoScalingGroups ?? [])
      .map((g) => g.name)
      .filter((name): name is string => name !== undefined),
    scalingConfig: {
      minSize: nodegroup.scalingConfig?.minSize ?? 0,
      maxSize: nodegroup.scalingConfig?.maxSize ?? 0,
      desiredSize: nodegroup.scalingConfig?.desiredSize ?? 0,
    },
    updateConfig: {},
    labels: { ...(nodegroup.labels ?? {}) },
  };
  if (nodegroup.version !== undefined) state.version = nodegroup.version;
  if (nodegroup.releaseVersion !== undefined) state.releaseVersion = nodegroup.releaseVersion;
  if (nodegroup.amiType !== undefined) state.amiType = nodegroup.amiType;
  if (nodegroup.updateConfig?.maxUnavailable !== undefined) {
    state.updateConfig.maxUnavailable = nodegroup.updateConfig.maxUnavailable;
  }
  if (nodegroup.updateConfig?.maxUnavailablePercentage !== undefined) {
    state.updateConfig.maxUnavailablePercentage = nodegroup.updateConfig.maxUnavailablePercentage;
  }
  if (nodegroup.launchTemplate) {
    const lt = nodegroup.launchTemplate;
    state.launchTemplate = {};
    if (lt.id !== undefined) state.launchTemplate.id = lt.id;
    if (lt.name !== undefined) state.launchTemplate.name = lt.name;
    if (lt.version !== undefined) state.launchTemplate.version = lt.version;
  }
  return state;
}

export class EksAdapter implements EksPort {
  constructor(private readonly client: EKSClient) {}

  async describeCluster(name: string): Promise<EksClusterState | undefined> {
    try {
      const { cluster } = await this.client.send(new DescribeClusterCommand({ name }));
      if (!cluster) return undefined;
      const state: EksClusterState = {
        name: cluster.name ?? name,
        version: cluster.version ?? "",
        status: cluster.status ?? "",
      };
      if (cluster.endpoint) state.endpoint = cluster.endpoint;
      if (cluster.certificateAuthority?.data) state.certificateAuthorityData = cluster.certificateAuthority.data;
      if (cluster.arn) state.arn = cluster.arn;
      if (cluster.resourcesVpcConfig?.subnetIds) state.subnetIds = [...cluster.resourcesVpcConfig.subnetIds];
      return state;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toStepError(err, `DescribeCluster ${name}`);
    }
  }

  async describeNodegroup(cluster: string, nodegroup: string): Promise<EksNodegroupState | undefined> {
    try {
      const out = await this.client.send(
        new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: nodegroup }),
      );
      return out.nodegroup ? toNodegroupState(out.nodegroup) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toStepError(err, `DescribeNodegroup ${cluster}/${nodegroup}`);
    }
  }

  async updateNodegroupVersion(request: {
    cluster: string;
    nodegroup: string;
    version?: string;
    releaseVersion?: string;
    launchTemplate?: { id?: string; name?: string; version?: string };
    force?: boolean;
  }): Promise<EksUpdateState> {
    const context = `UpdateNodegroupVersion ${request.cluster}/${request.nodegroup}`;
    try {
      const out = await this.client.send(
        new UpdateNodegroupVersionCommand({
          clusterName: request.cluster,
          nodegroupName: request.nodegroup,
          version: request.version,
          releaseVersion: request.releaseVersion,
          launchTemplate: request.launchTemplate,
          force: request.force,
        }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async updateNodegroupConfig(request: {
    cluster: string;
    nodegroup: string;
    updateConfig?: { maxUnavailable?: number; maxUnavailablePercentage?: number };
    scalingConfig?: { minSize?: number; maxSize?: number; desiredSize?: number };
  }): Promise<EksUpdateState> {
    const context = `UpdateNodegroupConfig ${request.cluster}/${request.nodegroup}`;
    try {
      const out = await this.client.send(
        new UpdateNodegroupConfigCommand({
          clusterName: request.cluster,
          nodegroupName: request.nodegroup,
          updateConfig: request.updateConfig,
          scalingConfig: request.scalingConfig,
        }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async describeUpdate(request: {
    cluster: string;
    nodegroup?: string;
    addonName?: string;
    updateId: string;
  }): Promise<EksUpdateState> {
    const part = request.nodegroup ?? (request.addonName ? `addon ${request.addonName}` : undefined);
    const target = part ? `${request.cluster}/${part}` : request.cluster;
    const context = `DescribeUpdate ${request.updateId} on ${target}`;
    try {
      const out = await this.client.send(
        new DescribeUpdateCommand({
          name: request.cluster,
          nodegroupName: request.nodegroup,
          addonName: request.addonName,
          updateId: request.updateId,
        }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async listNodegroups(cluster: string): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListNodegroupsCommand({ clusterName: cluster, nextToken }));
        names.push(...(page.nodegroups ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, `ListNodegroups ${cluster}`);
    }
    return names.sort();
  }

  async describeClusterVersions(): Promise<EksClusterVersion[]> {
    const versions: EksClusterVersion[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(new DescribeClusterVersionsCommand({ clusterType: "eks", nextToken }));
        for (const v of page.clusterVersions ?? []) {
          if (v.clusterVersion === undefined) continue;
          versions.push({
            version: v.clusterVersion,
            status: v.versionStatus ?? "",
            defaultVersion: v.defaultVersion === true,
          });
        }
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, "DescribeClusterVersions");
    }
    return versions;
  }

  async updateClusterVersion(request: { cluster: string; version: string }): Promise<EksUpdateState> {
    const context = `UpdateClusterVersion ${request.cluster} to ${request.version}`;
    try {
      const out = await this.client.send(
        new UpdateClusterVersionCommand({ name: request.cluster, version: request.version }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async listAddons(cluster: string): Promise<EksAddonState[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListAddonsCommand({ clusterName: cluster, nextToken }));
        names.push(...(page.addons ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, `ListAddons ${cluster}`);
    }
    const described = await mapPool(names.sort(), API_CONCURRENCY, (name) => this.describeAddon(cluster, name));
    return described.filter((addon): addon is EksAddonState => addon !== undefined);
  }

  /** Undefined when the add-on was deleted between the listing and this call. */
  private async describeAddon(cluster: string, name: string): Promise<EksAddonState | undefined> {
    try {
      const { addon } = await this.client.send(new DescribeAddonCommand({ clusterName: cluster, addonName: name }));
      if (!addon) return undefined;
      const state: EksAddonState = {
        name: addon.addonName ?? name,
        version: addon.addonVersion ?? "",
        status: addon.status ?? "",
      };
      if (addon.configurationValues !== undefined) state.configurationValues = addon.configurationValues;
      return state;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toStepError(err, `DescribeAddon ${cluster}/${name}`);
    }
  }

  async describeAddonVersions(request: { addonName: string; kubernetesVersion: string }): Promise<EksAddonVersion[]> {
    const context = `DescribeAddonVersions ${request.addonName} for Kubernetes ${request.kubernetesVersion}`;
    const versions: EksAddonVersion[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new DescribeAddonVersionsCommand({
            addonName: request.addonName,
            kubernetesVersion: request.kubernetesVersion,
            nextToken,
          }),
        );
        for (const info of page.addons ?? []) {
          if (info.addonName !== request.addonName) continue;
          for (const v of info.addonVersions ?? []) {
            // Only versions whose compatibilities name the asked version: the filter is the service's,
            // and this keeps the promise whatever else a page carries.
            const compatibility = (v.compatibilities ?? []).find((c) => c.clusterVersion === request.kubernetesVersion);
            if (v.addonVersion === undefined || !compatibility) continue;
            versions.push({ version: v.addonVersion, defaultVersion: compatibility.defaultVersion === true });
          }
        }
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, context);
    }
    return versions.sort((a, b) => compareAddonVersions(b.version, a.version));
  }

  async updateAddon(request: {
    cluster: string;
    addonName: string;
    version: string;
    configurationValues?: string;
  }): Promise<EksUpdateState> {
    const context = `UpdateAddon ${request.cluster}/${request.addonName} to ${request.version}`;
    try {
      const out = await this.client.send(
        new UpdateAddonCommand({
          clusterName: request.cluster,
          addonName: request.addonName,
          addonVersion: request.version,
          // Keep what someone changed on the cluster by hand rather than overwrite it.
          resolveConflicts: "PRESERVE",
          configurationValues: request.configurationValues,
        }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }

  async startInsightsRefresh(cluster: string): Promise<void> {
    try {
      await this.client.send(new StartInsightsRefreshCommand({ clusterName: cluster }));
    } catch (err) {
      throw toStepError(err, `StartInsightsRefresh ${cluster}`);
    }
  }

  async describeInsightsRefresh(cluster: string): Promise<string> {
    try {
      const out = await this.client.send(new DescribeInsightsRefreshCommand({ clusterName: cluster }));
      return out.status ?? "";
    } catch (err) {
      throw toStepError(err, `DescribeInsightsRefresh ${cluster}`);
    }
  }

  async listInsights(cluster: string): Promise<EksInsight[]> {
    const insights: EksInsight[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListInsightsCommand({ clusterName: cluster, filter: { categories: ["UPGRADE_READINESS"] }, nextToken }),
        );
        for (const summary of page.insights ?? []) {
          const insight: EksInsight = {
            id: summary.id ?? "",
            name: summary.name ?? "",
            status: summary.insightStatus?.status ?? "UNKNOWN",
            reason: summary.insightStatus?.reason ?? "",
            description: summary.description ?? "",
          };
          if (summary.kubernetesVersion !== undefined) insight.kubernetesVersion = summary.kubernetesVersion;
          insights.push(insight);
        }
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (err) {
      throw toStepError(err, `ListInsights ${cluster}`);
    }
    return insights;
  }
}

/** Orders "v1.9.0-eksbuild.2" before "v1.18.1-eksbuild.1": numeric parts compared in turn. */
export function compareAddonVersions(a: string, b: string): number {
  const parts = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}
