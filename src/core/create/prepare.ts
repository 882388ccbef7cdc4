/**
 * Once the control plane is ACTIVE: access entries (Tugboat's roles in its RBAC group, the
 * self-managed nodes' role as EC2_LINUX), Tugboat's RBAC applied as the cluster's creator, and the
 * add-ons nodes need before they can be Ready (VPC CNI, kube-proxy, CoreDNS, the pod identity agent),
 * created without waiting: CoreDNS stays DEGRADED until nodes exist, which is not a failure.
 */

import type { RbacObject } from "../connect/rbac";
import { TUGBOAT_KUBE_GROUP } from "../connect/rbac";
import { requireSpec } from "./control-plane";
import type { CreationPort } from "./ports";
import type { CreateState } from "./state";
import { nodeRoleName, requestToken, roleArnOf } from "./state";

/** Add-ons whose pods need the nodes' storage, created once nodes are Ready (health.ts). */
export const AFTER_NODES_ADDONS = new Set(["aws-ebs-csi-driver"]);
/** The order that works: networking first, then DNS and identity. */
const ADDON_ORDER = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"];

export interface RbacApplier {
  applyRbac(cluster: string, object: RbacObject): Promise<void>;
}

export async function prepareCluster(
  port: CreationPort,
  rbac: RbacApplier,
  rbacObjects: RbacObject[],
  state: CreateState,
): Promise<{ changes: number }> {
  const spec = requireSpec(state);
  let changes = 0;
  for (const principal of state.request.kubeRoleArns) {
    const entry = await port.describeAccessEntry(spec.name, principal);
    if (!entry) {
      await port.createAccessEntry(spec.name, principal, "STANDARD", [TUGBOAT_KUBE_GROUP]);
      changes++;
    } else if (!entry.groups.includes(TUGBOAT_KUBE_GROUP)) {
      await port.updateAccessEntryGroups(spec.name, principal, [...entry.groups, TUGBOAT_KUBE_GROUP]);
      changes++;
    }
  }
  if (spec.nodeGroups.some((g) => g.kind === "self-managed-asg")) {
    const nodeRole = roleArnOf(nodeRoleName(spec), state.request.accountId);
    if (!(await port.describeAccessEntry(spec.name, nodeRole))) {
      await port.createAccessEntry(spec.name, nodeRole, "EC2_LINUX", []);
      changes++;
    }
  }
  // Apply is create-or-replace; replacing identical content is not a change we count.
  for (const object of rbacObjects) await rbac.applyRbac(spec.name, object);
  const early = Object.keys(spec.addons)
    .filter((name) => !AFTER_NODES_ADDONS.has(name))
    .sort((a, b) => orderOf(a) - orderOf(b));
  for (const name of early) {
    if (await port.describeAddon(spec.name, name)) continue;
    const version = spec.addons[name];
    await port.createAddon(
      spec.name,
      name,
      version === "default" ? undefined : version,
      requestToken(state.run.executionId, `addon:${name}`),
    );
    changes++;
  }
  return { changes };
}

function orderOf(name: string): number {
  const index = ADDON_ORDER.indexOf(name);
  return index === -1 ? ADDON_ORDER.length : index;
}
