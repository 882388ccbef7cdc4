/**
 * What a self-managed creation will do and how long it should take, for the dry run and the summary.
 * Published and modelled figures for a first run: an NLB turns active in about 3 minutes; a kubeadm
 * node boots, inits or joins and turns Ready in 3–4 minutes; joins are one at a time (one etcd learner
 * at a time), workers join in parallel after the control plane.
 */
import type { Refusal, SubnetFacts } from "../preflight";
import type { ClusterSpec } from "../spec";
import { selfManagedGroups } from "../state";
import { apiLoadBalancerName, subnetPerZone } from "./layout";

const LOAD_BALANCER_SECONDS = 60;
const CONTROL_PLANE_NODE_SECONDS = 240;
const WORKERS_SECONDS = 240;

export function selfManagedRefusals(spec: ClusterSpec, subnets: SubnetFacts[]): Refusal[] {
  const refusals: Refusal[] = [];
  const nodes = spec.controlPlane?.nodes ?? 0;
  const zones = subnetPerZone(spec, subnets).length;
  if (nodes > 3 && zones < 3) {
    refusals.push({
      field: "subnetIds",
      message: `${nodes} control-plane nodes need subnets in 3 zones, got ${zones}`,
    });
  }
  if (spec.addons && Object.keys(spec.addons).length > 0) {
    refusals.push({
      field: "addons",
      message:
        "EKS add-ons need kind eks; a self-managed cluster gets the cloud controller manager and VPC CNI from its first node",
    });
  }
  return refusals;
}

export function selfManagedPlan(
  spec: ClusterSpec,
  subnets: SubnetFacts[],
): { plan: string[]; predictedSeconds: number } {
  const nodes = spec.controlPlane?.nodes ?? 0;
  const zones = subnetPerZone(spec, subnets).map((z) => z.zone);
  const plan = [
    `internal NLB ${apiLoadBalancerName(spec.name)} on 6443 (client IP preservation off: no hairpin)`,
    `control plane: ${nodes} node(s) of ${spec.controlPlane?.instanceType ?? "m6i.large"}, one Auto Scaling group each, in ${zones.slice(0, nodes).join(", ")}`,
    "node 1: kubeadm init --upload-certs (token and certificate key from SSM SecureString), AWS cloud controller manager and VPC CNI",
    ...(nodes > 1
      ? [`nodes 2-${nodes}: kubeadm join --control-plane one at a time, etcd learner promoted before the next`]
      : []),
  ];
  for (const group of spec.nodeGroups) {
    for (const g of selfManagedGroups(spec, group)) {
      plan.push(`workers ${g.asgName} in ${Object.keys(g.zones).join(", ")}: kubeadm join with the bootstrap token`);
    }
  }
  plan.push("join material deleted from SSM once the health gate passes");
  const predictedSeconds =
    LOAD_BALANCER_SECONDS +
    nodes * CONTROL_PLANE_NODE_SECONDS +
    (spec.nodeGroups.length > 0 ? WORKERS_SECONDS : 0) +
    (spec.healthPasses - 1) * 30;
  return { plan, predictedSeconds };
}
