/**
 * EKS upgrade insights (category UPGRADE_READINESS) of the simulated region. They judge readiness
 * for the cluster's next minor and are computed when the region is built and at the end of every
 * StartInsightsRefresh (which takes `INSIGHTS_REFRESH_SECONDS`): the kubelet version skew of the
 * running nodes, add-on compatibility with the next minor, cluster health, and every insight the
 * scenario lists, as it lists it.
 */
import { SeededRandom } from "../clock";
import { compatibleVersions, isCompatible } from "./addon-catalog";
import type { CommandHandler } from "./autoscaling";
import { compareMinors, nextMinor } from "./catalog";
import { eksError } from "./errors";
import { hashString, uuidFrom } from "./ids";
import { type CommandInput, pageSize, requireString } from "./input";
import type { InsightStatusValue, SimCluster, SimInsight } from "./model";
import { InvalidTokenError, paginate } from "./pagination";
import type { RegionContext } from "./world";

/** A refresh re-runs every check; modelled as half a minute. */
export const INSIGHTS_REFRESH_SECONDS = 30;

const CATEGORY = "UPGRADE_READINESS";

interface InsightVerdict {
  name: string;
  description: string;
  status: InsightStatusValue;
  reason: string;
}

/** Since Kubernetes 1.28 a kubelet may trail the API server by three minors; before, by two. */
export function allowedKubeletSkew(apiServerMinor: string): number {
  return compareMinors(apiServerMinor, "1.28") >= 0 ? 3 : 2;
}

export function refreshInsightsNow(ctx: RegionContext, cluster: SimCluster): void {
  const nowMs = ctx.clock.nowMs();
  const previous = new Map((ctx.world.insights.get(cluster.name) ?? []).map((i) => [i.name, i]));
  const target = nextMinor(cluster.version);
  const insights = verdicts(ctx, cluster, target).map((verdict): SimInsight => {
    const before = previous.get(verdict.name);
    const changed = !before || before.status !== verdict.status || before.kubernetesVersion !== target;
    return {
      id: insightId(cluster.name, verdict.name),
      kubernetesVersion: target,
      ...verdict,
      lastRefreshMs: nowMs,
      lastTransitionMs: changed ? nowMs : before.lastTransitionMs,
    };
  });
  ctx.world.insights.set(cluster.name, insights);
  ctx.world.insightsRefreshes.set(cluster.name, { status: "COMPLETED", startedMs: nowMs, endedMs: nowMs });
}

function verdicts(ctx: RegionContext, cluster: SimCluster, target: string): InsightVerdict[] {
  return [
    kubeletSkew(ctx, cluster, target),
    addonCompatibility(ctx, cluster, target),
    {
      name: "Cluster health issues",
      description: `Checks for cluster health issues that would stop an upgrade to Kubernetes ${target}.`,
      status: "PASSING",
      reason: "No cluster health issues found.",
    },
    ...ctx.scenario.cluster.insights.map((insight) => ({
      name: insight.name,
      description: insight.description,
      status: insight.status,
      reason: insight.description,
    })),
  ];
}

function kubeletSkew(ctx: RegionContext, cluster: SimCluster, target: string): InsightVerdict {
  const skew = allowedKubeletSkew(target);
  const oldest = `1.${Number(target.split(".")[1]) - skew}`;
  const behind = [...ctx.world.instances.values()]
    .filter((i) => i.clusterName === cluster.name && (i.state === "pending" || i.state === "running"))
    .filter((i) => compareMinors(i.kubernetesMinor, oldest) < 0)
    .sort((a, b) => a.privateDnsName.localeCompare(b.privateDnsName));
  const description = `Checks that every node's kubelet is within the version skew Kubernetes ${target} allows (at most ${skew} minor versions older than the API server).`;
  if (behind.length === 0) {
    return {
      name: "Kubelet version skew",
      description,
      status: "PASSING",
      reason: "All node kubelets are within the supported version skew.",
    };
  }
  const named = behind.slice(0, 5).map((i) => `${i.privateDnsName} (kubelet ${i.kubernetesMinor})`);
  const more = behind.length > named.length ? ` and ${behind.length - named.length} more` : "";
  return {
    name: "Kubelet version skew",
    description,
    status: "ERROR",
    reason: `${behind.length} node(s) run a kubelet older than ${oldest}, the oldest Kubernetes ${target} supports: ${named.join(", ")}${more}.`,
  };
}

function addonCompatibility(ctx: RegionContext, cluster: SimCluster, target: string): InsightVerdict {
  const description = `Checks that the installed Amazon EKS add-on versions are compatible with Kubernetes ${target}.`;
  const incompatible = ctx.world
    .addonsOf(cluster.name)
    .filter((addon) => !isCompatible(addon.name, addon.version, target))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (incompatible.length === 0) {
    return {
      name: "Amazon EKS add-on version compatibility",
      description,
      status: "PASSING",
      reason: "Every installed add-on version is compatible with the next Kubernetes version.",
    };
  }
  const named = incompatible.map((addon) => {
    const options = compatibleVersions(addon.name, target);
    return `${addon.name} ${addon.version} (compatible with ${target}: ${options.length > 0 ? options.join(", ") : "none"})`;
  });
  return {
    name: "Amazon EKS add-on version compatibility",
    description,
    status: "WARNING",
    reason: `Add-on versions not compatible with Kubernetes ${target}: ${named.join("; ")}.`,
  };
}

/** The same id for the same insight of a cluster across refreshes, as EKS keeps it. */
function insightId(cluster: string, name: string): string {
  return uuidFrom(new SeededRandom(hashString(`insight:${cluster}:${name}`)));
}

function summaryShape(insight: SimInsight) {
  return {
    id: insight.id,
    name: insight.name,
    category: CATEGORY,
    kubernetesVersion: insight.kubernetesVersion,
    lastRefreshTime: new Date(insight.lastRefreshMs),
    lastTransitionTime: new Date(insight.lastTransitionMs),
    description: insight.description,
    insightStatus: { status: insight.status, reason: insight.reason },
  };
}

export class EksInsightsApi {
  constructor(
    private readonly ctx: RegionContext,
    private readonly cluster: (name: string) => SimCluster,
  ) {}

  handlers(): Record<string, CommandHandler> {
    return {
      StartInsightsRefresh: (input) => this.start(input),
      DescribeInsightsRefresh: (input) => {
        const cluster = this.cluster(requireString("eks", input, "clusterName"));
        const refresh = this.ctx.world.insightsRefreshes.get(cluster.name);
        if (!refresh)
          throw eksError("ResourceNotFoundException", `No insights refresh found for cluster: ${cluster.name}`);
        return {
          status: refresh.status,
          message:
            refresh.status === "IN_PROGRESS" ? "Insights refresh is in progress." : "Insights refresh completed.",
          startedAt: new Date(refresh.startedMs),
          ...(refresh.endedMs !== undefined ? { endedAt: new Date(refresh.endedMs) } : {}),
        };
      },
      ListInsights: (input) => this.list(input),
      DescribeInsight: (input) => {
        const cluster = this.cluster(requireString("eks", input, "clusterName"));
        const id = requireString("eks", input, "id");
        const insight = (this.ctx.world.insights.get(cluster.name) ?? []).find((i) => i.id === id);
        if (!insight)
          throw eksError("ResourceNotFoundException", `No insight found for id: ${id}`, { clusterName: cluster.name });
        return {
          insight: {
            ...summaryShape(insight),
            recommendation:
              insight.status === "PASSING" ? "No action needed." : "Resolve the findings before upgrading the cluster.",
            additionalInfo: {},
            resources: [],
          },
        };
      },
    };
  }

  private start(input: CommandInput) {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    const current = this.ctx.world.insightsRefreshes.get(cluster.name);
    if (current?.status === "IN_PROGRESS") {
      return { status: "IN_PROGRESS", message: "Insights refresh is already in progress." };
    }
    const startedMs = this.ctx.clock.nowMs();
    const refresh = { status: "IN_PROGRESS" as const, startedMs };
    this.ctx.world.insightsRefreshes.set(cluster.name, refresh);
    this.ctx.clock.after(INSIGHTS_REFRESH_SECONDS, `eks insights refresh ${cluster.name}`, () => {
      refreshInsightsNow(this.ctx, cluster);
      this.ctx.world.insightsRefreshes.set(cluster.name, {
        status: "COMPLETED",
        startedMs,
        endedMs: this.ctx.clock.nowMs(),
      });
    });
    return { status: "IN_PROGRESS", message: "Insights refresh started." };
  }

  private list(input: CommandInput) {
    const cluster = this.cluster(requireString("eks", input, "clusterName"));
    const filter = (input.filter ?? {}) as {
      categories?: string[];
      kubernetesVersions?: string[];
      statuses?: string[];
    };
    const insights = (this.ctx.world.insights.get(cluster.name) ?? []).filter(
      (insight) =>
        (!filter.categories?.length || filter.categories.includes(CATEGORY)) &&
        (!filter.kubernetesVersions?.length || filter.kubernetesVersions.includes(insight.kubernetesVersion)) &&
        (!filter.statuses?.length || filter.statuses.includes(insight.status)),
    );
    const size = pageSize("eks", input, "maxResults", { min: 1, max: 100, fallback: 100 });
    try {
      const page = paginate(
        `insights:${cluster.name}:${JSON.stringify(filter)}`,
        insights,
        size,
        typeof input.nextToken === "string" ? input.nextToken : undefined,
      );
      return { insights: page.items.map(summaryShape), nextToken: page.nextToken };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw eksError("InvalidParameterException", "The nextToken is invalid.");
      throw err;
    }
  }
}
