/**
 * `tug connect`: makes what `tug doctor` finds missing, in order (access entries first, so the RBAC
 * that follows has a group to bind; tags last). Idempotent by construction: it applies exactly the
 * inspection's changes, and a connected cluster has none.
 */
import { type Change, type Check, type ConnectRequest, inspectCluster } from "./inspect";
import type { ConnectPort } from "./ports";

export type ConnectOutcome = "connected" | "unchanged" | "dry-run" | "refused";

export interface ConnectResult {
  outcome: ConnectOutcome;
  changes: string[];
  checks: Check[];
  reason?: string;
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case "access-entry":
      return `${change.action} access entry ${change.target} → groups ${change.groups.join(", ")}`;
    case "rbac":
      return `${change.action} ${change.target}`;
    case "tag":
      return `tag ${change.resource} ${change.target} ${Object.entries(change.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}`;
  }
}

export async function connectCluster(
  port: ConnectPort,
  request: ConnectRequest,
  options: { dryRun: boolean; onChange?: (line: string) => void },
): Promise<ConnectResult> {
  const inspection = await inspectCluster(port, request);
  if (inspection.blocker) {
    return { outcome: "refused", changes: [], checks: inspection.checks, reason: inspection.blocker };
  }
  const changes = inspection.changes.map(describeChange);
  if (changes.length === 0) return { outcome: "unchanged", changes, checks: inspection.checks };
  if (options.dryRun) {
    for (const line of changes) options.onChange?.(`would ${line}`);
    return { outcome: "dry-run", changes, checks: inspection.checks };
  }
  for (const change of inspection.changes) {
    await apply(port, request.cluster, change);
    options.onChange?.(describeChange(change));
  }
  return { outcome: "connected", changes, checks: inspection.checks };
}

async function apply(port: ConnectPort, cluster: string, change: Change): Promise<void> {
  switch (change.kind) {
    case "access-entry":
      if (change.action === "create") await port.createAccessEntry(cluster, change.target, change.groups);
      else await port.updateAccessEntry(cluster, change.target, change.groups);
      return;
    case "rbac":
      await port.applyRbac(cluster, change.object);
      return;
    case "tag":
      if (change.resource === "auto-scaling-group") await port.tagAutoScalingGroup(change.id, change.tags);
      else await port.tagLaunchTemplate(change.id, change.tags);
      return;
  }
}
