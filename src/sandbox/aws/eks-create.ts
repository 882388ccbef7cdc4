/**
 * CreateCluster and DeleteCluster of the simulated EKS, with the checks EKS makes before it accepts a
 * cluster: subnets that exist, in one VPC and at least two zones, with free addresses; a Kubernetes
 * version it offers; zones that can host a control plane (UnsupportedAvailabilityZoneException with
 * the valid zones otherwise); a name not taken, unless the same clientRequestToken repeats the call.
 * The cluster is CREATING for a sampled 8–12 minutes (published: "about 10 minutes"), then ACTIVE,
 * or FAILED with a health issue when the scenario's account says so.
 *
 * authenticationMode defaults to CONFIG_MAP when the request omits accessConfig, as the API does;
 * bootstrapClusterCreatorAdminPermissions (default true) gives the caller an admin access entry.
 * Every cluster created gets its own Kubernetes API server (endpoint, CA, token audience): the
 * region's provisioner starts it on CreateCluster and retires it once the cluster is deleted.
 */
import type { CommandHandler } from "./autoscaling";
import { eksVersion } from "./cluster-versions";
import { availableAddresses } from "./ec2-resources";
import type { EksAccessEntries } from "./eks-access";
import { clusterShape, type KubeAccess } from "./eks-shapes";
import { eksError } from "./errors";
import { roleArn, STEP_ROLE_NAME } from "./identities";
import { type CommandInput, optionalString, requireString, stringList } from "./input";
import type { SimCluster } from "./model";
import { type RegionContext, SANDBOX_ACCOUNT_ID } from "./world";

/** EKS places up to four ENIs in the cluster's subnets and asks for at least six free addresses in each. */
export const MIN_FREE_IPS_PER_CLUSTER_SUBNET = 6;
const CREATE_SECONDS = { p50: 600, p90: 720 };
const DELETE_SECONDS = { p50: 240, p90: 360 };

/** What the region does when a cluster comes and goes: its API server starts and retires. */
export interface ClusterLifecycle {
  created(cluster: SimCluster): void;
  deleted(clusterName: string): void;
}

export class EksClusterCreation {
  constructor(
    private readonly ctx: RegionContext,
    private readonly access: EksAccessEntries,
    private readonly kube: KubeAccess,
    private readonly lifecycle: ClusterLifecycle,
  ) {}

  handlers(): Record<string, CommandHandler> {
    return {
      CreateCluster: (input) => ({ cluster: this.describe(this.create(input)) }),
      DeleteCluster: (input) => ({ cluster: this.describe(this.delete(input)) }),
    };
  }

  private describe(cluster: SimCluster) {
    return clusterShape(cluster, this.kube, this.ctx.regionName, this.access.authenticationMode(cluster.name));
  }

  private create(input: CommandInput): SimCluster {
    const { world, clock } = this.ctx;
    const name = requireString("eks", input, "name");
    const token = optionalString(input, "clientRequestToken");
    const existing = world.clusters.get(name);
    if (existing) {
      if (token && existing.created?.clientRequestToken === token) return existing;
      throw eksError("ResourceInUseException", `Cluster already exists with name: ${name}`, { clusterName: name });
    }
    const invalid = (message: string) => eksError("InvalidParameterException", message, { clusterName: name });
    const clusterRole = requireString("eks", input, "roleArn");
    const version = optionalString(input, "version") ?? "1.33";
    if (!eksVersion(version)) throw invalid(`unsupported Kubernetes version ${version}`);
    const vpcConfig = (input.resourcesVpcConfig ?? {}) as CommandInput;
    const subnetIds = stringList(vpcConfig, "subnetIds") ?? [];
    const subnets = subnetIds.map((id) => {
      const subnet = world.subnets.get(id);
      if (!subnet) throw invalid(`The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400)`);
      return subnet;
    });
    if (new Set(subnets.map((s) => s.vpcId)).size > 1) throw invalid("Subnets must be in the same VPC");
    const zones = [...new Set(subnets.map((s) => s.availabilityZone))];
    if (zones.length < 2) {
      throw invalid("Subnets specified must be in at least two different AZs");
    }
    const unsupported = this.ctx.scenario.account?.unsupportedControlPlaneZones ?? [];
    const bad = zones.filter((zone) => unsupported.includes(zone));
    if (bad.length > 0) {
      const valid = [...new Set([...world.subnets.values()].map((s) => s.availabilityZone))]
        .filter((zone) => !unsupported.includes(zone))
        .sort();
      const error = eksError(
        "UnsupportedAvailabilityZoneException",
        `Cannot create cluster '${name}' because ${bad[0]}, the targeted availability zone, does not currently have sufficient capacity to support the cluster. Retry and choose from these availability zones: ${valid.join(", ")}`,
        { clusterName: name },
      ) as Error & { validZones?: string[] };
      error.validZones = valid;
      throw error;
    }
    for (const subnet of subnets) {
      if (availableAddresses(this.ctx, subnet) < MIN_FREE_IPS_PER_CLUSTER_SUBNET) {
        throw invalid(
          `Provided subnet ${subnet.subnetId} does not have enough free IP addresses: at least ${MIN_FREE_IPS_PER_CLUSTER_SUBNET} are required`,
        );
      }
    }
    const accessConfig = (input.accessConfig ?? {}) as CommandInput;
    const mode = (optionalString(accessConfig, "authenticationMode") ?? "CONFIG_MAP") as
      | "API"
      | "API_AND_CONFIG_MAP"
      | "CONFIG_MAP";
    const logging = (
      (input.logging as { clusterLogging?: { types?: string[]; enabled?: boolean }[] } | undefined)?.clusterLogging ??
      []
    )
      .filter((l) => l.enabled)
      .flatMap((l) => l.types ?? []);
    const nowMs = clock.nowMs();
    const cluster: SimCluster = {
      name,
      arn: `arn:aws:eks:${this.ctx.regionName}:${SANDBOX_ACCOUNT_ID}:cluster/${name}`,
      version,
      platformVersion: eksVersion(version)?.defaultPlatformVersion ?? "eks.1",
      status: "CREATING",
      createdMs: nowMs,
      vpcId: subnets[0]?.vpcId ?? "",
      subnetIds,
      securityGroupId: this.ctx.ids.resourceId("sg"),
      oidcId: this.ctx.ids.upperHex(32),
      tags: { ...((input.tags as Record<string, string> | undefined) ?? {}) },
      created: {
        ...(token ? { clientRequestToken: token } : {}),
        roleArn: clusterRole,
        endpointPublicAccess: vpcConfig.endpointPublicAccess !== false,
        endpointPrivateAccess: vpcConfig.endpointPrivateAccess === true,
        publicAccessCidrs: stringList(vpcConfig, "publicAccessCidrs") ?? ["0.0.0.0/0"],
        logging,
        serviceIpv4Cidr:
          optionalString((input.kubernetesNetworkConfig ?? {}) as CommandInput, "serviceIpv4Cidr") ?? "172.20.0.0/16",
        healthIssues: [],
      },
    };
    world.clusters.set(name, cluster);
    this.lifecycle.created(cluster);
    this.access.setAuthenticationMode(name, mode);
    if (mode !== "CONFIG_MAP" && input.bootstrapClusterCreatorAdminPermissions !== false) {
      // Every sandbox client signs as the step role, so that is who called.
      this.access.seed(name, roleArn(STEP_ROLE_NAME), [], true);
    }
    const fails = this.ctx.scenario.account?.faults.find((f) => f.kind === "cluster-creation-fails");
    const seconds = this.ctx.timing.sampler.sample(CREATE_SECONDS, "eks-cluster-create", name);
    clock.after(seconds, `eks create cluster ${name}`, () => {
      if (world.clusters.get(name) !== cluster || cluster.status !== "CREATING") return;
      if (fails?.kind === "cluster-creation-fails") {
        cluster.status = "FAILED";
        cluster.created?.healthIssues.push({ code: fails.code, message: fails.message, resourceIds: subnetIds });
        return;
      }
      cluster.status = "ACTIVE";
      this.ctx.clusterControl(name).setServerVersion?.(version);
    });
    return cluster;
  }

  private delete(input: CommandInput): SimCluster {
    const { world, clock } = this.ctx;
    const name = requireString("eks", input, "name");
    const cluster = world.clusters.get(name);
    if (!cluster)
      throw eksError("ResourceNotFoundException", `No cluster found for name: ${name}.`, { clusterName: name });
    const nodegroups = [...world.nodegroups.values()].filter((ng) => ng.clusterName === name);
    if (nodegroups.length > 0) {
      throw eksError(
        "ResourceInUseException",
        `Cluster has nodegroups attached: ${nodegroups.map((ng) => ng.name).join(", ")}`,
        { clusterName: name },
      );
    }
    if (cluster.status === "DELETING") return cluster;
    cluster.status = "DELETING";
    const seconds = this.ctx.timing.sampler.sample(DELETE_SECONDS, "eks-cluster-delete", name);
    clock.after(seconds, `eks delete cluster ${name}`, () => {
      world.clusters.delete(name);
      for (const addon of world.addonsOf(name)) world.addons.delete(`${name}/${addon.name}`);
      this.access.forgetCluster(name);
      this.lifecycle.deleted(name);
    });
    return cluster;
  }
}
