/**
 * Checks a cluster spec against what the account holds (its subnets, the Kubernetes versions EKS
 * offers) before anything is created. Pure: the step reads the account, this decides. Every refusal
 * names the spec field and what was expected.
 */
import type { ClusterSpec } from "./spec";
import { nodeCount } from "./spec";

export interface SubnetFacts {
  subnetId: string;
  zone: string;
  cidr: string;
  vpcId: string;
  freeIps: number;
}

export interface AccountFacts {
  subnets: SubnetFacts[];
  /** Kubernetes minors EKS offers for new clusters (DescribeClusterVersions). */
  versions: string[];
}

export interface Refusal {
  field: string;
  message: string;
}

/**
 * EKS asks for at least six free addresses in each cluster subnet (it places up to four cross-account
 * ENIs there and needs room during upgrades); we ask for 16, the figure AWS recommends.
 */
export const CONTROL_PLANE_FREE_IPS = 16;

/**
 * Addresses one node takes with the VPC CNI's defaults: its primary ENI's addresses plus one warm ENI
 * (WARM_ENI_TARGET=1), so two ENIs' worth; per ENI the instance type's IPv4 limit (10 for large
 * sizes, 15 for xlarge and up), 1 if the type is unknown to us.
 */
export function ipsPerNode(instanceType: string): number {
  const size = instanceType.split(".")[1] ?? "";
  const perEni = /^(medium|small|micro|nano)$/.test(size) ? 6 : size === "large" ? 10 : 15;
  return 2 * perEni;
}

export function preflightSpec(spec: ClusterSpec, account: AccountFacts): Refusal[] {
  const refusals: Refusal[] = [];
  if (spec.kind === "eks" && !account.versions.includes(spec.version)) {
    refusals.push({
      field: "version",
      message: `Kubernetes ${spec.version} is not offered by EKS here; one of ${account.versions.join(", ")}`,
    });
  }
  const byId = new Map(account.subnets.map((s) => [s.subnetId, s]));
  const chosen: SubnetFacts[] = [];
  spec.subnetIds.forEach((id, index) => {
    const subnet = byId.get(id);
    if (!subnet) refusals.push({ field: `subnetIds[${index}]`, message: `no subnet ${id} in ${spec.region}` });
    else chosen.push(subnet);
  });
  const vpcs = new Set(chosen.map((s) => s.vpcId));
  if (vpcs.size > 1) {
    refusals.push({ field: "subnetIds", message: `subnets of one VPC, got ${[...vpcs].sort().join(", ")}` });
  }
  const zones = new Set(chosen.map((s) => s.zone));
  if (chosen.length > 0 && zones.size < 2) {
    refusals.push({
      field: "subnetIds",
      message: `subnets in at least two Availability Zones (EKS requires it), all are in ${[...zones].join(", ")}`,
    });
  }
  for (const subnet of chosen) {
    if (subnet.freeIps < CONTROL_PLANE_FREE_IPS) {
      refusals.push({
        field: `subnetIds[${spec.subnetIds.indexOf(subnet.subnetId)}]`,
        message: `${subnet.subnetId} has ${subnet.freeIps} free IP addresses; the control plane needs ${CONTROL_PLANE_FREE_IPS}`,
      });
    }
  }
  // Addresses the nodes will take, per zone, against what the zone's subnets have left.
  const needByZone = new Map<string, number>();
  spec.nodeGroups.forEach((group, index) => {
    for (const [zone, count] of Object.entries(group.zones)) {
      if (!zones.has(zone)) {
        refusals.push({
          field: `nodeGroups[${index}].zones.${zone}`,
          message: `a zone with a subnet in subnetIds (${[...zones].sort().join(", ") || "none"})`,
        });
        continue;
      }
      needByZone.set(zone, (needByZone.get(zone) ?? 0) + count * ipsPerNode(group.instanceType));
    }
    if (nodeCount(group) === 0) {
      refusals.push({ field: `nodeGroups[${index}].zones`, message: "at least one node" });
    }
  });
  if (spec.controlPlane) {
    if (spec.controlPlane.nodes > zones.size && spec.controlPlane.nodes <= 3) {
      refusals.push({
        field: "controlPlane.nodes",
        message: `${spec.controlPlane.nodes} members in distinct zones, but the subnets span ${zones.size}`,
      });
    }
  }
  for (const [zone, need] of needByZone) {
    const free = chosen.filter((s) => s.zone === zone).reduce((sum, s) => sum + s.freeIps, 0);
    if (need > free) {
      refusals.push({
        field: "subnetIds",
        message: `the nodes in ${zone} need about ${need} IP addresses (VPC CNI defaults), its subnets have ${free} free`,
      });
    }
  }
  return refusals;
}

/** The subnets left when the control plane cannot use some zones, or a refusal naming the valid zones. */
export function repickSubnets(
  spec: ClusterSpec,
  subnets: SubnetFacts[],
  validZones: string[],
): { subnetIds: string[] } | { refusal: Refusal } {
  const kept = subnets.filter((s) => spec.subnetIds.includes(s.subnetId) && validZones.includes(s.zone));
  const zones = new Set(kept.map((s) => s.zone));
  const lost = subnets.filter((s) => spec.subnetIds.includes(s.subnetId) && !validZones.includes(s.zone));
  const lostZones = [...new Set(lost.map((s) => s.zone))].sort();
  if (!spec.allowSubnetRepick || zones.size < 2) {
    return {
      refusal: {
        field: "subnetIds",
        message: `EKS cannot place a control plane in ${lostZones.join(", ")}; choose subnets in at least two of ${validZones.join(", ")}`,
      },
    };
  }
  // Node groups keep their zones: nodes may run in a zone whose subnets the control plane cannot use.
  return { subnetIds: kept.map((s) => s.subnetId) };
}

export function formatRefusals(refusals: Refusal[]): string {
  return refusals.map((r) => `${r.field}: ${r.message}`).join("; ");
}
