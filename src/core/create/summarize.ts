/**
 * The outcome of a creation, read back from AWS rather than from what the steps said they did: every
 * resource tagged with the cluster, by type, the last health checks, the changes made and the reason.
 */
import type { CreationPort } from "./ports";
import type { CreateState, HealthCheck } from "./state";

export interface CreateSummary {
  outcome: "created" | "unchanged" | "dry-run" | "refused" | "failed";
  cluster: string;
  kind: string;
  version: string;
  durationSeconds: number;
  predictedSeconds: number;
  resources: Record<string, number>;
  healthChecks: HealthCheck[];
  changes: number;
  reason: string;
  plan?: string[];
}

export interface CreateError {
  Error?: string;
  Cause?: string;
}

export async function summarizeCreate(
  port: CreationPort,
  state: CreateState & { error?: CreateError },
  now: Date,
): Promise<CreateSummary> {
  const spec = state.validation?.spec;
  const raw = (state.request.spec ?? {}) as { name?: string; kind?: string; version?: string };
  const name = spec?.name ?? raw.name ?? "";
  const changes =
    (state.controlPlane?.changes ?? 0) +
    (state.prepared?.changes ?? 0) +
    (state.nodeGroups?.changes ?? 0) +
    (state.health?.changes ?? 0) +
    (state.apiEndpoint?.changes ?? 0) +
    (state.selfManaged?.changes ?? 0);
  const durationSeconds = Math.round((now.getTime() - new Date(state.run.startedAt).getTime()) / 1000);
  const base = {
    cluster: name,
    kind: spec?.kind ?? raw.kind ?? "",
    version: spec?.version ?? raw.version ?? "",
    durationSeconds,
    predictedSeconds: state.validation?.predictedSeconds ?? 0,
    healthChecks: state.health?.checks ?? [],
    changes,
  };
  if (state.request.dryRun && state.error) {
    // A spec that does not parse is refused on a dry run as on a real one.
    return { ...base, outcome: "refused", resources: {}, reason: causeOf(state.error) };
  }
  if (state.request.dryRun) {
    return {
      ...base,
      outcome: state.validation?.refused ? "refused" : "dry-run",
      resources: {},
      reason: state.validation?.reason ?? "dry run: nothing created",
      ...(state.validation ? { plan: state.validation.plan } : {}),
    };
  }
  const resources = name ? await countResources(port, name) : {};
  if (state.error) {
    // Refused before anything was created: an invalid spec, or the cluster locked by another run.
    const refused =
      (state.error.Error === "InvalidInputError" || state.error.Error === "ClusterLockedError") && !state.controlPlane;
    return {
      ...base,
      outcome: refused ? "refused" : "failed",
      resources,
      reason: causeOf(state.error),
    };
  }
  const failure = state.controlPlane?.failed
    ? state.controlPlane.reason
    : state.selfManaged?.failed
      ? state.selfManaged.reason
      : state.health?.failed
        ? state.health.reason
        : undefined;
  if (failure) return { ...base, outcome: "failed", resources, reason: failure };
  return {
    ...base,
    outcome: changes > 0 ? "created" : "unchanged",
    resources,
    reason:
      changes > 0
        ? `cluster ${name} created and healthy (${state.health?.passes ?? 0} consecutive health passes)`
        : `cluster ${name} already matches the spec: nothing to do`,
  };
}

/** Everything of the cluster in AWS, by type. */
export async function countResources(port: CreationPort, cluster: string): Promise<Record<string, number>> {
  const found = await port.describeCluster(cluster);
  const nodegroups = found ? await port.listNodegroups(cluster) : [];
  // The groups behind managed node groups are EKS's (tagged eks:cluster-name); Tugboat's carry its tag.
  const managedGroupNames = (await Promise.all(nodegroups.map((n) => port.describeNodegroup(cluster, n)))).flatMap(
    (n) => n?.asgNames ?? [],
  );
  const groups = [...(await port.groupsTagged(cluster)), ...(await port.describeGroups(managedGroupNames))];
  const templates = (await port.launchTemplatesTagged(cluster)).length;
  const addons = found ? await port.listAddons(cluster) : [];
  return {
    cluster: found ? 1 : 0,
    addons: addons.length,
    managedNodeGroups: nodegroups.length,
    autoScalingGroups: groups.length,
    /** Tugboat's launch templates (EKS owns those of managed groups). */
    launchTemplates: templates,
    instances: groups.reduce((sum, g) => sum + g.instanceIds.length, 0),
  };
}

function causeOf(error: CreateError): string {
  try {
    const parsed = JSON.parse(error.Cause ?? "{}") as { errorMessage?: string };
    return parsed.errorMessage ?? error.Cause ?? error.Error ?? "failed";
  } catch {
    return error.Cause ?? error.Error ?? "failed";
  }
}
