/**
 * Where a self-managed cluster's pieces go and what they are called: one Auto Scaling group of one
 * instance per control-plane node, each in its own zone (round robin over the spec's subnets' zones, so
 * three nodes take three zones and etcd keeps quorum when a zone fails), and the API server's load
 * balancer and target group named after the cluster.
 */
import { InvalidInputError } from "../../errors";
import type { SubnetFacts } from "../preflight";
import type { ClusterSpec } from "../spec";
import { CLUSTER_TAG, CREATED_BY_TAG, creationTags } from "../state";

export const API_SERVER_PORT = 6443;
export const ROLE_TAG = "tugboat:role";
export const CONTROL_PLANE_ROLE = "control-plane";

export interface ControlPlaneSlot {
  /** 1-based: node 1 runs kubeadm init. */
  index: number;
  asgName: string;
  zone: string;
  subnetId: string;
}

/** The spec's subnets in order, one per zone (the first of each zone). */
export function subnetPerZone(spec: ClusterSpec, subnets: SubnetFacts[]): { zone: string; subnetId: string }[] {
  const out: { zone: string; subnetId: string }[] = [];
  for (const id of spec.subnetIds) {
    const subnet = subnets.find((s) => s.subnetId === id);
    if (subnet && !out.some((o) => o.zone === subnet.zone)) out.push({ zone: subnet.zone, subnetId: id });
  }
  return out;
}

export function controlPlaneSlots(spec: ClusterSpec, subnets: SubnetFacts[]): ControlPlaneSlot[] {
  const nodes = spec.controlPlane?.nodes ?? 0;
  const zones = subnetPerZone(spec, subnets);
  const needed = Math.min(nodes, 3);
  if (zones.length < needed) {
    throw new InvalidInputError(
      `subnetIds: ${nodes} control-plane nodes need subnets in ${needed} Availability Zones, got ${zones.length} (${zones.map((z) => z.zone).join(", ") || "none"})`,
    );
  }
  return Array.from({ length: nodes }, (_, i) => {
    const place = zones[i % zones.length] as { zone: string; subnetId: string };
    return { index: i + 1, asgName: `${spec.name}-control-plane-${i + 1}`, ...place };
  });
}

/** NLB and target group names: at most 32 characters, letters, digits and '-'. */
export function apiLoadBalancerName(cluster: string): string {
  return `${cluster.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 28)}-api`;
}

export function controlPlaneTags(cluster: string, runId: string): Record<string, string> {
  return {
    ...creationTags(cluster, runId),
    [ROLE_TAG]: CONTROL_PLANE_ROLE,
    [`kubernetes.io/cluster/${cluster}`]: "owned",
  };
}

/** Tugboat made it for this cluster: its cluster tag and a creation run. */
export function madeFor(tags: Record<string, string>, cluster: string): boolean {
  return tags[CLUSTER_TAG] === cluster && tags[CREATED_BY_TAG] !== undefined;
}
