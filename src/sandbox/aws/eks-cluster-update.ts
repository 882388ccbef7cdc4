/**
 * A control-plane version update of the simulated EKS: one minor up, refused while node groups or
 * add-ons are updating or a managed node group is behind, failing early without free addresses in the
 * cluster subnets, otherwise complete after a duration sampled per update from
 * `timing.controlPlaneUpdateSeconds` (published as roughly 8-15 minutes), when the API server starts reporting the new minor.
 */
import { compareMinors, nextMinor } from "./catalog";
import { eksVersion } from "./cluster-versions";
import { availableAddresses } from "./ec2-resources";
import { eksError } from "./errors";
import type { SimCluster, SimEksUpdate } from "./model";
import type { RegionContext } from "./world";

/**
 * EKS needs up to five free addresses in the cluster's subnets for the new control-plane network
 * interfaces; without them a version update starts and then fails early.
 */
export const CONTROL_PLANE_FREE_ADDRESSES = 5;
export const ADDRESS_CHECK_SECONDS = 60;

export function startClusterVersionUpdate(
  ctx: RegionContext,
  cluster: SimCluster,
  version: string,
  newUpdate: (partial: Omit<SimEksUpdate, "id" | "status" | "createdMs" | "errors">) => SimEksUpdate,
): SimEksUpdate {
  const inUse = (message: string) => eksError("ResourceInUseException", message, { clusterName: cluster.name });
  if (cluster.status !== "ACTIVE") throw inUse(`Cluster ${cluster.name} has an update in progress.`);
  if (version !== nextMinor(cluster.version) || !eksVersion(version)) {
    throw eksError(
      "InvalidParameterException",
      `Unsupported Kubernetes minor version update from ${cluster.version} to ${version}`,
      { clusterName: cluster.name },
    );
  }
  const nodegroups = [...ctx.world.nodegroups.values()]
    .filter((ng) => ng.clusterName === cluster.name)
    .sort((a, b) => a.name.localeCompare(b.name));
  const updatingGroup = nodegroups.find((ng) => ng.status === "UPDATING");
  if (updatingGroup) throw inUse(`Nodegroup ${updatingGroup.name} has an update in progress.`);
  const updatingAddon = ctx.world.addonsOf(cluster.name).find((addon) => addon.status === "UPDATING");
  if (updatingAddon) throw inUse(`Addon ${updatingAddon.name} has an update in progress.`);
  const behind = nodegroups.filter((ng) => compareMinors(ng.version, cluster.version) < 0).map((ng) => ng.name);
  if (behind.length > 0) {
    throw eksError(
      "InvalidRequestException",
      `Nodegroups ${behind.join(", ")} must be updated to match cluster version ${cluster.version} before updating cluster version`,
      { clusterName: cluster.name },
    );
  }

  const platformVersion = eksVersion(version)?.defaultPlatformVersion ?? "eks.1";
  const update = newUpdate({
    clusterName: cluster.name,
    type: "VersionUpdate",
    params: [
      { type: "Version", value: version },
      { type: "PlatformVersion", value: platformVersion },
    ],
  });
  cluster.status = "UPDATING";
  const subnets = cluster.subnetIds.map((id) => ctx.world.subnets.get(id)).filter((s) => s !== undefined);
  const free = subnets.reduce((sum, subnet) => sum + availableAddresses(ctx, subnet), 0);
  if (free < CONTROL_PLANE_FREE_ADDRESSES) {
    ctx.clock.after(ADDRESS_CHECK_SECONDS, `eks control plane ${cluster.name} address check`, () => {
      cluster.status = "ACTIVE";
      update.status = "Failed";
      update.errors.push({
        errorCode: "InsufficientFreeAddresses",
        errorMessage: `The cluster's subnets have ${free} free IP addresses; the control plane needs ${CONTROL_PLANE_FREE_ADDRESSES} to update.`,
        resourceIds: [...cluster.subnetIds],
      });
    });
    return update;
  }
  ctx.clock.after(ctx.timing.controlPlaneUpdate(update.id), `eks control plane ${cluster.name}`, () => {
    cluster.version = version;
    cluster.platformVersion = platformVersion;
    cluster.status = "ACTIVE";
    update.status = "Successful";
    ctx.clusterControl(cluster.name).setServerVersion?.(version);
  });
  return update;
}
