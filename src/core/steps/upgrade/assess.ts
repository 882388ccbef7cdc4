/**
 * Discover, plan and preflight in one step: what the cluster runs, which versions are offered, which
 * add-on versions fit each step, and whether anything would make the upgrade fail part-way.
 */
import { API_CONCURRENCY, mapPool } from "../../concurrency";
import { loadObservations } from "../../estimates/record";
import { upgradeEstimates } from "../../estimates/upgrade-estimates";
import type { Deps } from "../../ports";
import { discoverCluster } from "../../upgrade/discover";
import { type AddonCompatibility, planUpgrade } from "../../upgrade/plan";
import { runPreflight } from "../../upgrade/preflight";
import type { Assessment, UpgradeState } from "../../upgrade/state";
import { compareMinors, upgradePath } from "../../upgrade/versions";

/** The minors (of those asked) with a published EKS-optimized AMI: what nodes of each can boot. */
async function publishedImages(deps: Deps, minors: string[]): Promise<Set<string>> {
  const found = await mapPool(minors, API_CONCURRENCY, async (minor) => ({
    minor,
    ami: await deps.parameters.recommendedEksAmi(minor),
  }));
  return new Set(found.filter((f) => f.ami).map((f) => f.minor));
}

async function supportedVersions(
  deps: Deps,
  kind: "eks" | "self-managed",
  path: string[],
  published: Set<string>,
): Promise<Map<string, string>> {
  if (kind === "eks") {
    const versions = await deps.eks.describeClusterVersions();
    return new Map(versions.map((v) => [v.version, v.status]));
  }
  // A self-managed cluster can go where an EKS-optimized AMI (kubelet and control-plane images) exists.
  return new Map(path.filter((minor) => published.has(minor)).map((minor) => [minor, "STANDARD_SUPPORT"]));
}

export async function assessUpgrade(deps: Deps, state: UpgradeState): Promise<Assessment> {
  const { input } = state;
  const cluster = await discoverCluster(deps, input.cluster);
  const path = compareMinors(input.toVersion, cluster.version) > 0 ? upgradePath(cluster.version, input.toVersion) : [];
  // Every minor a node may be rolled to: the current one (an early roll) and each on the path.
  const published = await publishedImages(deps, [cluster.version, ...path]);
  const supported = await supportedVersions(deps, cluster.kind, path, published);
  const compatibility: AddonCompatibility = {};
  // On a rerun at the target, add-ons are judged against the target itself.
  const known = path.length > 0 ? path.filter((minor) => supported.has(minor)) : [input.toVersion];
  await mapPool(
    cluster.addons.flatMap((addon) => known.map((minor) => ({ addon: addon.name, minor }))),
    API_CONCURRENCY,
    async ({ addon, minor }) => {
      const versions = await deps.eks.describeAddonVersions({ addonName: addon, kubernetesVersion: minor });
      compatibility[addon] ??= {};
      (compatibility[addon] as Record<string, typeof versions>)[minor] = versions;
    },
  );
  const [clusterObservations, ...groupObservations] = await Promise.all([
    loadObservations(deps, { cluster: input.cluster }),
    ...cluster.nodeGroups.map((g) => loadObservations(deps, { cluster: input.cluster, nodeGroup: g.name })),
  ]);
  const estimates = upgradeEstimates(
    clusterObservations ?? [],
    Object.fromEntries(cluster.nodeGroups.map((g, i) => [g.name, groupObservations[i] ?? []])),
  );
  const planned = planUpgrade(cluster, input, compatibility, estimates);
  const preflight = await runPreflight(deps, cluster, input, planned.plan, planned.problems, {
    supported,
    published,
  });
  const now = deps.clock.now().toISOString();
  await deps.state.putRun({
    runId: state.run.runId,
    cluster: input.cluster,
    nodeGroup: "*",
    workflow: "upgrade-cluster",
    status: preflight.ok && !input.dryRun ? "running" : preflight.ok ? "succeeded" : "refused",
    startedAt: state.run.startedAt,
    updatedAt: now,
    data: { fromVersion: cluster.version, toVersion: input.toVersion, plan: planned.plan, preflight },
  });
  for (const line of planned.plan.explanation) deps.log.info(`plan: ${line}`, { runId: state.run.runId });
  for (const problem of preflight.problems) deps.log.warn(`preflight: ${problem}`, { runId: state.run.runId });
  return { cluster, plan: planned.plan, preflight };
}
