/**
 * What the region holds of one cluster, counted by the simulator itself (not from Tugboat's summary):
 * the figures that judge a creation or a deletion, including anything left without Tugboat's tags.
 */
import type { RegionWorld } from "./world";

export interface ClusterInventory {
  cluster: number;
  clusterStatus?: string;
  addons: number;
  managedNodeGroups: number;
  autoScalingGroups: number;
  launchTemplates: number;
  instances: number;
  /** Self-managed groups and templates of the cluster lacking the tugboat:cluster tag. */
  untagged: string[];
}

export function clusterInventory(world: RegionWorld, name: string): ClusterInventory {
  const cluster = world.clusters.get(name);
  const groups = [...world.groups.values()].filter((g) => g.clusterName === name);
  const groupTemplates = new Set(groups.map((g) => g.launchTemplate.id));
  const templates = [...world.launchTemplates.values()].filter(
    (t) => groupTemplates.has(t.id) || t.tags["tugboat:cluster"] === name || t.tags["eks:cluster-name"] === name,
  );
  const untagged = [
    ...groups.filter((g) => g.kind === "self-managed-asg" && g.tags["tugboat:cluster"] !== name).map((g) => g.name),
    ...templates.filter((t) => !t.tags["tugboat:cluster"] && !t.tags["eks:cluster-name"]).map((t) => t.name),
  ];
  const instances = [...world.instances.values()].filter(
    (i) => i.clusterName === name && i.state !== "terminated" && i.state !== "shutting-down",
  );
  return {
    cluster: cluster ? 1 : 0,
    ...(cluster ? { clusterStatus: cluster.status } : {}),
    addons: world.addonsOf(name).length,
    managedNodeGroups: [...world.nodegroups.values()].filter((ng) => ng.clusterName === name).length,
    autoScalingGroups: groups.length,
    launchTemplates: templates.length,
    instances: instances.length,
    untagged,
  };
}
