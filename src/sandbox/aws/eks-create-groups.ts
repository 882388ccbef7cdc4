/**
 * CreateNodegroup, DeleteNodegroup, CreateAddon and DeleteAddon of the simulated EKS.
 *
 * A managed node group gets an EKS-owned launch template and Auto Scaling group, and its role an
 * EC2_LINUX access entry (what EKS does in API mode); it is CREATING until its nodes are Ready, then
 * ACTIVE, or CREATE_FAILED with NodeCreationFailure when instances have not joined after
 * NODE_JOIN_DEADLINE_SECONDS. Add-ons whose pods need nodes (CoreDNS, the EBS CSI controller) are
 * DEGRADED while the cluster has no Ready node, ACTIVE once it has one; the others turn ACTIVE.
 */

import { addonRecord, compatibleVersions } from "./addon-catalog";
import { createGroup, createTemplate } from "./asg-create";
import type { AutoScalingEngine } from "./asg-engine";
import type { CommandHandler } from "./autoscaling";
import { requireNodegroup } from "./eks";
import type { EksAccessEntries } from "./eks-access";
import { addonShape } from "./eks-addons";
import { nodegroupShape } from "./eks-shapes";
import { eksError } from "./errors";
import { type CommandInput, optionalString, requireString, stringList } from "./input";
import type { SimAddon, SimCluster, SimNodegroup } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

/** EKS gives a managed group's instances about 15 minutes to join before NodeCreationFailure. */
export const NODE_JOIN_DEADLINE_SECONDS = 15 * 60;
const CHECK_SECONDS = 30;
const ADDON_CREATE_SECONDS = 45;
const NEEDS_NODES = new Set(["coredns", "aws-ebs-csi-driver"]);

export class EksGroupCreation {
  constructor(
    private readonly ctx: RegionContext,
    private readonly engine: AutoScalingEngine,
    private readonly access: EksAccessEntries,
    private readonly cluster: (name: string) => SimCluster,
  ) {}

  handlers(): Record<string, CommandHandler> {
    return {
      CreateNodegroup: (input) => ({ nodegroup: nodegroupShape(this.createNodegroup(input)) }),
      DeleteNodegroup: (input) => ({ nodegroup: nodegroupShape(this.deleteNodegroup(input)) }),
      CreateAddon: (input) => ({ addon: addonShape(this.createAddon(input)) }),
      DeleteAddon: (input) => ({ addon: addonShape(this.deleteAddon(input)) }),
    };
  }

  /** Ready nodes of the cluster's instances, as the kubelets report them. */
  private readyNodes(clusterName: string, instanceIds?: string[]): number {
    let ready = 0;
    for (const instance of this.ctx.world.instances.values()) {
      if (instance.clusterName !== clusterName || instance.state !== "running") continue;
      if (instanceIds && !instanceIds.includes(instance.instanceId)) continue;
      const kube = this.ctx.clusterControl(clusterName);
      const node = kube.nodeNameForInstance(instance.instanceId);
      if (node && kube.isNodeReady(node)) ready++;
    }
    return ready;
  }

  private activeCluster(name: string): SimCluster {
    const cluster = this.cluster(name);
    if (cluster.status !== "ACTIVE") {
      throw eksError("ResourceInUseException", `Cluster '${name}' is not in ACTIVE status`, { clusterName: name });
    }
    return cluster;
  }

  private createNodegroup(input: CommandInput): SimNodegroup {
    const cluster = this.activeCluster(requireString("eks", input, "clusterName"));
    const name = requireString("eks", input, "nodegroupName");
    const token = optionalString(input, "clientRequestToken");
    const existing = this.ctx.world.nodegroup(cluster.name, name);
    if (existing) {
      if (token && existing.created?.clientRequestToken === token) return existing;
      throw eksError(
        "ResourceInUseException",
        `NodeGroup already exists with name ${name} and cluster name ${cluster.name}`,
        {
          clusterName: cluster.name,
          nodegroupName: name,
        },
      );
    }
    const invalid = (message: string) =>
      eksError("InvalidParameterException", message, { clusterName: cluster.name, nodegroupName: name });
    const nodeRole = requireString("eks", input, "nodeRole");
    const subnetIds = stringList(input, "subnets") ?? [];
    if (subnetIds.length === 0) throw invalid("Subnets are required");
    for (const id of subnetIds)
      if (!this.ctx.world.subnets.has(id)) throw invalid(`The subnet ID '${id}' does not exist`);
    const scaling = (input.scalingConfig ?? {
      minSize: 1,
      maxSize: 2,
      desiredSize: 2,
    }) as SimNodegroup["scalingConfig"];
    if (scaling.desiredSize > scaling.maxSize || scaling.minSize > scaling.desiredSize) {
      throw invalid(
        `Desired capacity ${scaling.desiredSize} must be between min ${scaling.minSize} and max ${scaling.maxSize}`,
      );
    }
    const amiType = optionalString(input, "amiType") ?? "AL2023_x86_64_STANDARD";
    const image = this.ctx.catalog.current(cluster.version);
    const instanceTypes = stringList(input, "instanceTypes") ?? ["t3.medium"];
    const uuid = this.ctx.tokens.uuid();
    const createdBy = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/aws-service-role/eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup`;
    const template = createTemplate(
      this.ctx,
      `eks-${uuid}`,
      { ImageId: image.imageId, InstanceType: instanceTypes[0] },
      { "eks:cluster-name": cluster.name, "eks:nodegroup-name": name },
      createdBy,
    );
    const labels = { ...((input.labels as Record<string, string> | undefined) ?? {}) };
    const asgName = `eks-${name}-${uuid}`;
    const nowMs = this.ctx.clock.nowMs();
    const nodegroup: SimNodegroup = {
      clusterName: cluster.name,
      name,
      arn: `arn:aws:eks:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:nodegroup/${cluster.name}/${name}/${uuid}`,
      status: "CREATING",
      version: cluster.version,
      releaseVersion: image.releaseVersion,
      createdMs: nowMs,
      modifiedMs: nowMs,
      asgName,
      scalingConfig: { ...scaling },
      updateConfig: { ...((input.updateConfig as SimNodegroup["updateConfig"] | undefined) ?? { maxUnavailable: 1 }) },
      labels,
      instanceTypes,
      capacityType: (optionalString(input, "capacityType") as SimNodegroup["capacityType"]) ?? "ON_DEMAND",
      subnets: subnetIds,
      launchTemplate: { id: template.id, name: template.name, version: "1" },
      nodeRole,
      created: {
        ...(token ? { clientRequestToken: token } : {}),
        tags: { ...((input.tags as Record<string, string> | undefined) ?? {}) },
        healthIssues: [],
        taints: [...((input.taints as unknown[] | undefined) ?? [])],
        amiType,
      },
    };
    this.ctx.world.nodegroups.set(`${cluster.name}/${name}`, nodegroup);
    this.access.ensureNodeRoleEntry(cluster.name, nodeRole);
    createGroup(this.ctx, this.engine, {
      name: asgName,
      clusterName: cluster.name,
      nodeGroup: name,
      kind: "eks-managed",
      minSize: scaling.minSize,
      maxSize: scaling.maxSize,
      desiredCapacity: scaling.desiredSize,
      subnetIds,
      launchTemplate: { id: template.id, name: template.name, version: "1" },
      tags: {
        "eks:cluster-name": cluster.name,
        "eks:nodegroup-name": name,
        [`kubernetes.io/cluster/${cluster.name}`]: "owned",
        [`k8s.io/cluster-autoscaler/${cluster.name}`]: "owned",
        "k8s.io/cluster-autoscaler/enabled": "true",
      },
      nodeLabels: labels,
    });
    const check = () => {
      if (this.ctx.world.nodegroup(cluster.name, name) !== nodegroup || nodegroup.status !== "CREATING") return;
      const group = this.ctx.world.groups.get(asgName);
      const members = group ? [...group.members.keys()] : [];
      if (members.length >= scaling.desiredSize && this.readyNodes(cluster.name, members) >= scaling.desiredSize) {
        nodegroup.status = "ACTIVE";
        nodegroup.modifiedMs = this.ctx.clock.nowMs();
        return;
      }
      if (this.ctx.clock.nowMs() - nowMs >= NODE_JOIN_DEADLINE_SECONDS * 1000) {
        nodegroup.status = "CREATE_FAILED";
        const stray = members.filter((id) => this.readyNodes(cluster.name, [id]) === 0);
        nodegroup.created?.healthIssues.push({
          code: "NodeCreationFailure",
          message: "Instances failed to join the kubernetes cluster",
          resourceIds: stray,
        });
        return;
      }
      this.ctx.clock.after(CHECK_SECONDS, `eks nodegroup ${name} creating`, check);
    };
    this.ctx.clock.after(CHECK_SECONDS, `eks nodegroup ${name} creating`, check);
    return nodegroup;
  }

  private deleteNodegroup(input: CommandInput): SimNodegroup {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    const nodegroup = requireNodegroup(this.ctx, cluster, input);
    const name = nodegroup.name;
    if (nodegroup.status === "DELETING") return nodegroup;
    nodegroup.status = "DELETING";
    const group = this.ctx.world.groups.get(nodegroup.asgName);
    if (group) this.engine.applySizes(group, { minSize: 0, maxSize: 0, desiredCapacity: 0 }, "node group deleted");
    const poll = () => {
      const left = this.ctx.world.groups.get(nodegroup.asgName);
      if (left && left.members.size > 0) {
        this.ctx.clock.after(CHECK_SECONDS, `eks nodegroup ${name} deleting`, poll);
        return;
      }
      this.ctx.world.groups.delete(nodegroup.asgName);
      this.ctx.world.launchTemplates.delete(nodegroup.launchTemplate.id);
      this.ctx.world.nodegroups.delete(`${cluster.name}/${name}`);
    };
    this.ctx.clock.after(CHECK_SECONDS, `eks nodegroup ${name} deleting`, poll);
    return nodegroup;
  }

  private createAddon(input: CommandInput): SimAddon {
    const cluster = this.activeCluster(requireString("eks", input, "clusterName"));
    const name = requireString("eks", input, "addonName");
    const existing = this.ctx.world.addon(cluster.name, name);
    if (existing) {
      const token = optionalString(input, "clientRequestToken");
      if (token && (existing as SimAddon & { token?: string }).token === token) return existing;
      throw eksError("ResourceInUseException", `Addon already exists.`, { clusterName: cluster.name, addonName: name });
    }
    if (!addonRecord(name)) {
      throw eksError("InvalidParameterException", `Addon ${name} specified is not supported`, {
        clusterName: cluster.name,
      });
    }
    const compatible = compatibleVersions(name, cluster.version);
    const wanted = optionalString(input, "addonVersion");
    const fallback =
      addonRecord(name)?.versions.find((v) => v.defaultFor.includes(cluster.version))?.version ?? compatible[0];
    const version = wanted ?? fallback;
    if (!version || !compatible.includes(version)) {
      throw eksError(
        "InvalidParameterException",
        `Addon version ${version ?? "(none)"} of ${name} is not compatible with Kubernetes ${cluster.version}`,
        { clusterName: cluster.name, addonName: name },
      );
    }
    const nowMs = this.ctx.clock.nowMs();
    const addon: SimAddon & { token?: string } = {
      clusterName: cluster.name,
      name,
      arn: `arn:aws:eks:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:addon/${cluster.name}/${name}/${this.ctx.tokens.uuid()}`,
      version,
      status: "CREATING",
      createdMs: nowMs,
      modifiedMs: nowMs,
      ...(optionalString(input, "clientRequestToken") ? { token: optionalString(input, "clientRequestToken") } : {}),
    };
    this.ctx.world.addons.set(`${cluster.name}/${name}`, addon);
    const settle = () => {
      if (this.ctx.world.addon(cluster.name, name) !== addon) return;
      const healthy = !NEEDS_NODES.has(name) || this.readyNodes(cluster.name) > 0;
      addon.status = healthy ? "ACTIVE" : "DEGRADED";
      addon.modifiedMs = this.ctx.clock.nowMs();
      if (!healthy) this.ctx.clock.after(CHECK_SECONDS, `eks addon ${name} waits for nodes`, settle);
    };
    this.ctx.clock.after(ADDON_CREATE_SECONDS, `eks addon ${name} creating`, settle);
    return addon;
  }

  private deleteAddon(input: CommandInput): SimAddon {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    const name = requireString("eks", input, "addonName");
    const addon = this.ctx.world.addon(cluster.name, name);
    if (!addon) {
      throw eksError("ResourceNotFoundException", `No addon: ${name} found in cluster: ${cluster.name}`, {
        clusterName: cluster.name,
        addonName: name,
      });
    }
    this.ctx.clock.after(CHECK_SECONDS, `eks addon ${name} deleting`, () => {
      if (this.ctx.world.addon(cluster.name, name) === addon) this.ctx.world.addons.delete(`${cluster.name}/${name}`);
    });
    return addon;
  }
}
