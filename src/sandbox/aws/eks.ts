/**
 * The EKS API of the simulated region: clusters, their Kubernetes versions, managed node groups and
 * their updates (add-ons and upgrade insights live in eks-addons.ts and eks-insights.ts). Node group
 * version updates run as eks-nodegroup-update.ts describes, control-plane version updates as
 * eks-cluster-update.ts does; config updates complete after a modelled delay.
 */
import type { AutoScalingEngine } from "./asg-engine";
import type { CommandHandler } from "./autoscaling";
import { compareMinors } from "./catalog";
import { clusterVersionShape, DEFAULT_CLUSTER_VERSION, EKS_VERSIONS } from "./cluster-versions";
import { EksAccessEntries } from "./eks-access";
import { EksAddonsApi, installScenarioAddons } from "./eks-addons";
import { startClusterVersionUpdate } from "./eks-cluster-update";
import { EksInsightsApi, refreshInsightsNow } from "./eks-insights";
import { NodegroupVersionUpdate, type VersionUpdateTarget } from "./eks-nodegroup-update";
import { eksPage } from "./eks-pagination";
import { clusterShape, type KubeAccess, nodegroupShape, updateShape } from "./eks-shapes";
import { eksError } from "./errors";
import { type CommandInput, optionalString, requireString, stringList } from "./input";
import { addVersion, resolveVersion } from "./launch-templates";
import type { SimCluster, SimEksUpdate, SimNodegroup } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

/** A config update (scaling, labels, updateConfig) settles in well under a minute. */
export const CONFIG_UPDATE_SECONDS = 20;

/** The node group an EKS call names in a cluster, or EKS's ResourceNotFoundException. */
export function requireNodegroup(ctx: RegionContext, cluster: SimCluster, input: CommandInput): SimNodegroup {
  const name = requireString("eks", input, "nodegroupName");
  const nodegroup = ctx.world.nodegroup(cluster.name, name);
  if (!nodegroup) {
    throw eksError("ResourceNotFoundException", `No node group found for name: ${name}.`, {
      clusterName: cluster.name,
      nodegroupName: name,
    });
  }
  return nodegroup;
}

export class EksApi {
  /** Access entries and the authentication mode (eks-access.ts); the API server's authenticator reads them. */
  readonly access: EksAccessEntries;

  constructor(
    private readonly ctx: RegionContext,
    private readonly engine: AutoScalingEngine,
    private readonly kube: KubeAccess,
  ) {
    this.access = new EksAccessEntries(ctx, (name) => this.cluster(name));
  }

  /** Installs the scenario's add-ons and computes the first insights, once the region is laid out. */
  seedFromScenario(): void {
    installScenarioAddons(this.ctx);
    for (const cluster of this.ctx.world.clusters.values()) refreshInsightsNow(this.ctx, cluster);
  }

  handlers(): Record<string, CommandHandler> {
    const cluster = (name: string) => this.cluster(name);
    return {
      ...new EksAddonsApi(this.ctx, cluster, (partial) => this.newUpdate(partial)).handlers(),
      ...new EksInsightsApi(this.ctx, cluster).handlers(),
      ...this.access.handlers(),
      DescribeClusterVersions: (input) => this.describeClusterVersions(input),
      DescribeCluster: (input) => {
        const described = this.cluster(requireString("eks", input, "name"));
        const mode = this.access.authenticationMode(described.name);
        return { cluster: clusterShape(described, this.kube, this.ctx.regionName, mode) };
      },
      ListNodegroups: (input) => {
        const cluster = this.cluster(requireString("eks", input, "clusterName"));
        const names = [...this.ctx.world.nodegroups.values()]
          .filter((ng) => ng.clusterName === cluster.name)
          .map((ng) => ng.name)
          .sort();
        const page = eksPage(`nodegroups:${cluster.name}`, names, input);
        return { nodegroups: page.items, nextToken: page.nextToken };
      },
      DescribeNodegroup: (input) => ({ nodegroup: nodegroupShape(this.syncedNodegroup(input)) }),
      UpdateNodegroupVersion: (input) => ({ update: updateShape(this.updateNodegroupVersion(input)) }),
      UpdateNodegroupConfig: (input) => ({ update: updateShape(this.updateNodegroupConfig(input)) }),
      UpdateClusterVersion: (input) => ({ update: updateShape(this.updateClusterVersion(input)) }),
      DescribeUpdate: (input) => {
        const cluster = this.cluster(requireString("eks", input, "name"));
        const id = requireString("eks", input, "updateId");
        const nodegroupName = optionalString(input, "nodegroupName");
        const addonName = optionalString(input, "addonName");
        const update = this.ctx.world.updates.get(id);
        if (
          !update ||
          update.clusterName !== cluster.name ||
          (nodegroupName && update.nodegroupName !== nodegroupName) ||
          (addonName && update.addonName !== addonName)
        ) {
          throw eksError("ResourceNotFoundException", `No update found for ID: ${id}`, { clusterName: cluster.name });
        }
        return { update: updateShape(update) };
      },
      ListUpdates: (input) => {
        const cluster = this.cluster(requireString("eks", input, "name"));
        const nodegroupName = optionalString(input, "nodegroupName");
        const addonName = optionalString(input, "addonName");
        const ids = [...this.ctx.world.updates.values()]
          .filter(
            (u) => u.clusterName === cluster.name && u.nodegroupName === nodegroupName && u.addonName === addonName,
          )
          .map((u) => u.id);
        const page = eksPage(`updates:${cluster.name}:${nodegroupName ?? ""}:${addonName ?? ""}`, ids, input);
        return { updateIds: page.items, nextToken: page.nextToken };
      },
    };
  }

  private cluster(name: string): SimCluster {
    const cluster = this.ctx.world.clusters.get(name);
    if (!cluster)
      throw eksError("ResourceNotFoundException", `No cluster found for name: ${name}.`, { clusterName: name });
    return cluster;
  }

  private nodegroup(input: CommandInput): SimNodegroup {
    return requireNodegroup(this.ctx, this.cluster(requireString("eks", input, "clusterName")), input);
  }

  /**
   * EKS reflects sizes changed on the Auto Scaling group itself (by Cluster Autoscaler, or Tugboat)
   * in scalingConfig; while it updates the group it reports the configured sizes, not its surge.
   */
  private syncedNodegroup(input: CommandInput): SimNodegroup {
    const nodegroup = this.nodegroup(input);
    const group = this.ctx.world.groups.get(nodegroup.asgName);
    if (group && nodegroup.status === "ACTIVE") {
      nodegroup.scalingConfig = { minSize: group.minSize, maxSize: group.maxSize, desiredSize: group.desiredCapacity };
    }
    return nodegroup;
  }

  private requireActive(nodegroup: SimNodegroup): void {
    if (nodegroup.status !== "ACTIVE") {
      throw eksError("ResourceInUseException", "Nodegroup cannot be updated as it is currently not in Active State", {
        clusterName: nodegroup.clusterName,
        nodegroupName: nodegroup.name,
      });
    }
  }

  private newUpdate(partial: Omit<SimEksUpdate, "id" | "status" | "createdMs" | "errors">): SimEksUpdate {
    const update: SimEksUpdate = {
      ...partial,
      id: this.ctx.tokens.uuid(),
      status: "InProgress",
      createdMs: this.ctx.clock.nowMs(),
      errors: [],
    };
    this.ctx.world.updates.set(update.id, update);
    return update;
  }

  private updateNodegroupVersion(input: CommandInput): SimEksUpdate {
    const nodegroup = this.nodegroup(input);
    this.requireActive(nodegroup);
    const cluster = this.cluster(nodegroup.clusterName);
    const group = this.engine.requireGroup(nodegroup.asgName);
    const template = this.ctx.world.launchTemplates.get(nodegroup.launchTemplate.id);
    if (!template)
      throw new Error(`EKS sandbox: launch template ${nodegroup.launchTemplate.id} of ${nodegroup.name} is missing`);
    const invalid = (message: string) =>
      eksError("InvalidParameterException", message, { clusterName: cluster.name, nodegroupName: nodegroup.name });

    const version = optionalString(input, "version");
    const releaseVersion = optionalString(input, "releaseVersion");
    const requestedTemplate = input.launchTemplate as { id?: string; name?: string; version?: string } | undefined;
    if (version !== undefined && compareMinors(version, cluster.version) > 0) {
      throw invalid(
        `Requested Nodegroup version ${version} is invalid. Allowed Nodegroup versions are ${cluster.version}`,
      );
    }
    if (version !== undefined && compareMinors(version, nodegroup.version) < 0) {
      throw invalid(`Requested Nodegroup version ${version} is older than the current version ${nodegroup.version}`);
    }

    let target: VersionUpdateTarget;
    if (requestedTemplate && (requestedTemplate.id !== undefined || requestedTemplate.name !== undefined)) {
      if (
        (requestedTemplate.id ?? template.id) !== template.id ||
        (requestedTemplate.name ?? template.name) !== template.name
      ) {
        throw invalid(
          `You cannot change the launch template of node group ${nodegroup.name}; update its version instead.`,
        );
      }
      const record = resolveVersion(template, requestedTemplate.version ?? "$Default");
      if (!record)
        throw invalid(`Launch template version ${requestedTemplate.version} of ${template.id} does not exist.`);
      const image = this.ctx.catalog.image(String(record.data.ImageId ?? ""));
      if (!image)
        throw invalid(
          `The AMI ${String(record.data.ImageId)} of launch template version ${record.versionNumber} does not exist.`,
        );
      // The AMI decides the kubelet, so the same rules as for `version` hold for it.
      if (compareMinors(image.kubernetesMinor, cluster.version) > 0) {
        throw invalid(
          `Requested Nodegroup version ${image.kubernetesMinor} is invalid. Allowed Nodegroup versions are ${cluster.version}`,
        );
      }
      if (compareMinors(image.kubernetesMinor, nodegroup.version) < 0) {
        throw invalid(
          `Requested Nodegroup version ${image.kubernetesMinor} is older than the current version ${nodegroup.version}`,
        );
      }
      target = {
        launchTemplateVersion: record.versionNumber,
        image,
        version: image.kubernetesMinor,
        releaseVersion: image.releaseVersion,
      };
    } else {
      const minor = version ?? (releaseVersion ? releaseVersion.split(".").slice(0, 2).join(".") : nodegroup.version);
      const image = releaseVersion
        ? this.ctx.catalog.byReleaseVersion(releaseVersion)
        : this.ctx.catalog.current(minor);
      if (!image || image.kubernetesMinor !== minor) {
        throw invalid(`Requested release version ${releaseVersion} is not valid for kubernetes version ${minor}.`);
      }
      const current = resolveVersion(template, nodegroup.launchTemplate.version);
      const record = addVersion(
        template,
        { ...(current?.data ?? {}), ImageId: image.imageId },
        this.ctx.clock.nowMs(),
        `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup`,
        `EKS managed node group update to ${image.releaseVersion}`,
      );
      target = {
        launchTemplateVersion: record.versionNumber,
        image,
        version: minor,
        releaseVersion: image.releaseVersion,
      };
    }

    const update = this.newUpdate({
      clusterName: cluster.name,
      nodegroupName: nodegroup.name,
      type: "VersionUpdate",
      params: [
        { type: "Version", value: target.version },
        { type: "ReleaseVersion", value: target.releaseVersion },
        ...(requestedTemplate
          ? [
              { type: "LaunchTemplateName", value: template.name },
              { type: "LaunchTemplateVersion", value: String(target.launchTemplateVersion) },
            ]
          : []),
      ],
    });
    new NodegroupVersionUpdate(this.ctx, this.engine, nodegroup, group, update, target, input.force === true).start();
    return update;
  }

  private updateNodegroupConfig(input: CommandInput): SimEksUpdate {
    const nodegroup = this.syncedNodegroup(input);
    this.requireActive(nodegroup);
    const invalid = (message: string) =>
      eksError("InvalidParameterException", message, {
        clusterName: nodegroup.clusterName,
        nodegroupName: nodegroup.name,
      });
    const params: { type: string; value: string }[] = [];
    const scaling = { ...nodegroup.scalingConfig, ...(input.scalingConfig ?? {}) };
    if (input.scalingConfig) {
      if (scaling.maxSize < 1) throw invalid("Maximum capacity of the node group must be at least 1.");
      if (scaling.minSize > scaling.desiredSize) {
        throw invalid(`Minimum capacity ${scaling.minSize} can't be greater than desired size ${scaling.desiredSize}.`);
      }
      if (scaling.desiredSize > scaling.maxSize) {
        throw invalid(`Desired capacity ${scaling.desiredSize} can't be greater than max size ${scaling.maxSize}.`);
      }
      params.push(
        { type: "MinSize", value: String(scaling.minSize) },
        { type: "MaxSize", value: String(scaling.maxSize) },
        { type: "DesiredSize", value: String(scaling.desiredSize) },
      );
    }
    const updateConfig = input.updateConfig as SimNodegroup["updateConfig"] | undefined;
    if (updateConfig) {
      const { maxUnavailable, maxUnavailablePercentage } = updateConfig;
      if ((maxUnavailable === undefined) === (maxUnavailablePercentage === undefined)) {
        throw invalid("Exactly one of maxUnavailable and maxUnavailablePercentage must be specified.");
      }
      const value = maxUnavailable ?? maxUnavailablePercentage ?? 0;
      if (value < 1 || value > 100) throw invalid(`maxUnavailable must be between 1 and 100, got ${value}.`);
      params.push(
        maxUnavailable !== undefined
          ? { type: "MaxUnavailable", value: String(maxUnavailable) }
          : { type: "MaxUnavailablePercentage", value: String(maxUnavailablePercentage) },
      );
    }
    const labels = input.labels as { addOrUpdateLabels?: Record<string, string>; removeLabels?: string[] } | undefined;
    if (labels?.addOrUpdateLabels)
      params.push({ type: "LabelsToAdd", value: JSON.stringify(labels.addOrUpdateLabels) });
    if (labels?.removeLabels) params.push({ type: "LabelsToRemove", value: JSON.stringify(labels.removeLabels) });
    if (params.length === 0) throw invalid("No changes needed");

    const update = this.newUpdate({
      clusterName: nodegroup.clusterName,
      nodegroupName: nodegroup.name,
      type: "ConfigUpdate",
      params,
    });
    nodegroup.status = "UPDATING";
    this.ctx.clock.after(CONFIG_UPDATE_SECONDS, `eks config update ${nodegroup.name}`, () => {
      const group = this.engine.requireGroup(nodegroup.asgName);
      if (input.scalingConfig) {
        nodegroup.scalingConfig = scaling;
        this.engine.applySizes(group, {
          minSize: scaling.minSize,
          maxSize: scaling.maxSize,
          desiredCapacity: scaling.desiredSize,
        });
      }
      if (updateConfig) nodegroup.updateConfig = { ...updateConfig };
      if (labels) {
        const next = { ...nodegroup.labels, ...(labels.addOrUpdateLabels ?? {}) };
        for (const key of labels.removeLabels ?? []) delete next[key];
        nodegroup.labels = next;
        group.nodeLabels = { ...next };
      }
      nodegroup.status = "ACTIVE";
      nodegroup.modifiedMs = this.ctx.clock.nowMs();
      update.status = "Successful";
    });
    return update;
  }

  private updateClusterVersion(input: CommandInput): SimEksUpdate {
    const cluster = this.cluster(requireString("eks", input, "name"));
    return startClusterVersionUpdate(this.ctx, cluster, requireString("eks", input, "version"), (partial) =>
      this.newUpdate(partial),
    );
  }

  private describeClusterVersions(input: CommandInput) {
    const clusterType = optionalString(input, "clusterType");
    const wanted = stringList(input, "clusterVersions") ?? [];
    const versionStatus = optionalString(input, "versionStatus");
    // The deprecated `status` filter uses the lower-case names ("standard-support").
    const status = optionalString(input, "status")?.toUpperCase().replace("-", "_");
    const versions = EKS_VERSIONS.filter(
      (v) =>
        (clusterType === undefined || clusterType === "eks") &&
        (wanted.length === 0 || wanted.includes(v.version)) &&
        (input.defaultOnly !== true || v.version === DEFAULT_CLUSTER_VERSION) &&
        (versionStatus === undefined || v.versionStatus === versionStatus) &&
        (status === undefined || v.versionStatus === status),
    );
    const page = eksPage(
      `cluster-versions:${JSON.stringify([clusterType, wanted, versionStatus, status, input.defaultOnly])}`,
      versions,
      input,
    );
    return { clusterVersions: page.items.map(clusterVersionShape), nextToken: page.nextToken };
  }
}
