/**
 * Deleting a cluster Tugboat created, in the reverse order of creation: node groups (managed ones,
 * then self-managed Auto Scaling groups and their launch templates), add-ons, the cluster. Each call
 * makes the next changes and says whether everything is gone, so the workflow loops with a Wait; a
 * call on what is already gone changes nothing. A cluster without Tugboat's creation tags is refused.
 */
import { InvalidInputError } from "../errors";
import type { CreationPort } from "./ports";
import { CLUSTER_TAG, CREATED_BY_TAG } from "./state";

export interface TeardownResult {
  done: boolean;
  changes: number;
  remaining: string[];
}

/** Refuses a cluster Tugboat did not create; undefined when there is nothing left of it. */
export async function checkOwnership(port: CreationPort, cluster: string): Promise<{ exists: boolean }> {
  const found = await port.describeCluster(cluster);
  if (found && (found.tags[CLUSTER_TAG] !== cluster || !found.tags[CREATED_BY_TAG])) {
    throw new InvalidInputError(
      `cluster: ${cluster} was not created by Tugboat (no ${CREATED_BY_TAG} tag); delete it with the tool that made it`,
    );
  }
  const groups = await port.groupsTagged(cluster);
  return { exists: found !== undefined || groups.some((g) => g.tags[CREATED_BY_TAG]) };
}

export async function tearDownStep(port: CreationPort, cluster: string, previousChanges = 0): Promise<TeardownResult> {
  let changes = 0;
  const remaining: string[] = [];
  const found = await port.describeCluster(cluster);
  const nodegroups = found ? await port.listNodegroups(cluster) : [];
  for (const name of nodegroups) {
    const ng = await port.describeNodegroup(cluster, name);
    remaining.push(`managed node group ${name}`);
    if (ng && ng.status !== "DELETING") {
      await port.deleteNodegroup(cluster, name);
      changes++;
    }
  }
  const groups = (await port.groupsTagged(cluster)).filter((g) => g.tags[CREATED_BY_TAG]);
  for (const group of groups) {
    remaining.push(`Auto Scaling group ${group.name}`);
    if (group.desired > 0 || group.instanceIds.length === 0) {
      await port.deleteGroup(group.name);
      if (group.desired > 0) changes++;
    }
  }
  // Templates go once their groups are gone (a group launching from a deleted template fails its launches).
  for (const name of await templatesWithoutGroups(
    port,
    cluster,
    groups.map((g) => g.name),
  )) {
    await port.deleteLaunchTemplate(name);
    changes++;
  }
  if (found && nodegroups.length === 0 && groups.length === 0) {
    const addons = await port.listAddons(cluster);
    for (const name of addons) {
      await port.deleteAddon(cluster, name);
      remaining.push(`add-on ${name}`);
      changes++;
    }
    if (found.status !== "DELETING") {
      // EKS refuses while node groups remain; add-ons go with the cluster if still deleting.
      await port.deleteCluster(cluster);
      changes++;
    }
    remaining.push(`cluster ${cluster} (${found.status === "DELETING" ? "DELETING" : "delete requested"})`);
  }
  return { done: remaining.length === 0, changes: previousChanges + changes, remaining };
}

/** Launch templates Tugboat named after the cluster's groups whose group no longer exists. */
async function templatesWithoutGroups(port: CreationPort, cluster: string, liveGroups: string[]): Promise<string[]> {
  const candidates = await port.launchTemplatesTagged(cluster);
  return candidates.filter((name) => !liveGroups.includes(name));
}
