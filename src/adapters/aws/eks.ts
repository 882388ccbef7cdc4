/** EksPort on the AWS SDK v3 EKS client. */
import {
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  type EKSClient,
  type Nodegroup,
  type Update,
  UpdateNodegroupConfigCommand,
  UpdateNodegroupVersionCommand,
} from "@aws-sdk/client-eks";
import { TerminalError } from "../../core/errors";
import type { EksClusterState, EksNodegroupState, EksUpdateState, EksUpdateStatus } from "../../core/model/aws";
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

  async describeUpdate(request: { cluster: string; nodegroup?: string; updateId: string }): Promise<EksUpdateState> {
    const target = request.nodegroup ? `${request.cluster}/${request.nodegroup}` : request.cluster;
    const context = `DescribeUpdate ${request.updateId} on ${target}`;
    try {
      const out = await this.client.send(
        new DescribeUpdateCommand({
          name: request.cluster,
          nodegroupName: request.nodegroup,
          updateId: request.updateId,
        }),
      );
      return toUpdateState(out.update, context);
    } catch (err) {
      throw toStepError(err, context);
    }
  }
}
