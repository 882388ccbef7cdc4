/**
 * The health gate before a creation succeeds: the cluster ACTIVE without health issues, every managed
 * node group ACTIVE, the spec's Ready nodes in every group and zone, every add-on ACTIVE. It must pass
 * N times in a row. CoreDNS DEGRADED while no node exists is waiting, not failure; the EBS CSI driver
 * is created once every group has its nodes. Nodes that never join fail the gate at the deadline,
 * naming the instances and what a node needs to join.
 */
import type { KubeNode } from "../model/kube";
import { requireSpec } from "./control-plane";
import type { CreationPort } from "./ports";
import { AFTER_NODES_ADDONS } from "./prepare";
import type { CreateState, HealthCheck, HealthResult } from "./state";
import { firstHealthLook, requestToken, selfManagedGroups } from "./state";

export async function checkHealth(
  port: CreationPort,
  listNodes: () => Promise<KubeNode[]>,
  state: CreateState,
  now: Date,
): Promise<HealthResult> {
  const spec = requireSpec(state);
  const previous = state.health ?? firstHealthLook();
  const checks: HealthCheck[] = [];
  const cluster = await port.describeCluster(spec.name);
  const issues = cluster?.healthIssues.map((i) => `${i.code}: ${i.message}`) ?? [];
  checks.push({
    name: "control plane",
    passed: cluster?.status === "ACTIVE" && issues.length === 0,
    detail: cluster ? `${cluster.status}${issues.length ? `; ${issues.join("; ")}` : ""}` : "missing",
  });
  const nodes = await listNodes();
  const readyByInstance = new Map(nodes.filter((n) => n.instanceId).map((n) => [n.instanceId as string, n]));
  const strays: string[] = [];
  let fatal: string | undefined;
  for (const group of spec.nodeGroups) {
    const parts =
      group.kind === "eks-managed"
        ? [{ label: group.name, asgNames: [] as string[], zones: group.zones, managed: true }]
        : selfManagedGroups(spec, group).map((g) => ({
            label: g.nodeGroup,
            asgNames: [g.asgName],
            zones: g.zones,
            managed: false,
          }));
    for (const part of parts) {
      if (part.managed) {
        const ng = await port.describeNodegroup(spec.name, group.name);
        const ngIssues = ng?.healthIssues.map((i) => `${i.code}: ${i.message} (${i.resourceIds.join(", ")})`) ?? [];
        if (ng?.status === "CREATE_FAILED") {
          fatal = `managed node group ${group.name} failed: ${ngIssues.join("; ") || "CREATE_FAILED"}`;
        }
        checks.push({
          name: `node group ${group.name}`,
          passed: ng?.status === "ACTIVE" && ngIssues.length === 0,
          detail: ng ? `${ng.status}${ngIssues.length ? `; ${ngIssues.join("; ")}` : ""}` : "missing",
        });
        part.asgNames = ng?.asgNames ?? [];
      }
      const groups = await port.describeGroups(part.asgNames);
      const instanceIds = groups.flatMap((g) => g.instanceIds);
      const readyPerZone = new Map<string, number>();
      for (const id of instanceIds) {
        const node = readyByInstance.get(id);
        if (!node) strays.push(id);
        if (node?.ready && node.availabilityZone) {
          readyPerZone.set(node.availabilityZone, (readyPerZone.get(node.availabilityZone) ?? 0) + 1);
        }
      }
      const short = Object.entries(part.zones).filter(([zone, want]) => (readyPerZone.get(zone) ?? 0) < want);
      checks.push({
        name: `Ready nodes ${part.label}`,
        passed: short.length === 0,
        detail:
          Object.entries(part.zones)
            .map(([zone, want]) => `${zone} ${readyPerZone.get(zone) ?? 0}/${want}`)
            .join(", ") || "no zones",
      });
    }
  }
  const nodesReady = checks.filter((c) => c.name.startsWith("Ready nodes")).every((c) => c.passed);
  let changes = 0;
  let ebsCsiRequested = previous.ebsCsiRequested;
  for (const name of Object.keys(spec.addons)) {
    let addon = await port.describeAddon(spec.name, name);
    if (!addon && AFTER_NODES_ADDONS.has(name) && nodesReady && !ebsCsiRequested) {
      const version = spec.addons[name];
      await port.createAddon(
        spec.name,
        name,
        version === "default" ? undefined : version,
        requestToken(state.run.executionId, `addon:${name}`),
      );
      ebsCsiRequested = true;
      changes++;
      addon = await port.describeAddon(spec.name, name);
    }
    checks.push({
      name: `add-on ${name}`,
      passed: addon?.status === "ACTIVE",
      detail: addon
        ? `${addon.status} ${addon.version}${addon.status === "DEGRADED" && !nodesReady ? " (waits for nodes)" : ""}`
        : AFTER_NODES_ADDONS.has(name)
          ? "created once nodes are Ready"
          : "missing",
    });
  }
  const passed = checks.every((c) => c.passed);
  const passes = passed ? previous.passes + 1 : 0;
  const result: HealthResult = {
    done: passes >= spec.healthPasses,
    failed: false,
    passes,
    checks,
    changes: previous.changes + changes,
    ebsCsiRequested,
  };
  const overdue = state.validation !== undefined && now > new Date(state.validation.deadline);
  if (fatal || (overdue && !result.done)) {
    const failing = checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
    const joins =
      strays.length > 0
        ? ` Instances that never joined as nodes: ${strays.sort().join(", ")} (a node needs an EC2_LINUX access entry for its role, or a managed group's, and user data naming the cluster's endpoint and CA).`
        : "";
    return {
      ...result,
      done: true,
      failed: true,
      reason: `${fatal ?? `health gate not passed by the deadline: ${failing.join("; ")}`}.${joins}`,
    };
  }
  return result;
}
