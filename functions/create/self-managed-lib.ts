/**
 * What the self-managed creation steps build from their dependencies: the load balancer port (the ELBv2
 * adapter createAwsDeps builds), the SSM join material, and the cluster's Kubernetes and etcd access.
 */
import { randomBytes } from "node:crypto";
import { JoinMaterialAdapter } from "../../src/adapters/aws/join-material";
import { kubeconfigParameterName } from "../../src/adapters/kube/access";
import type { ControlPlaneDeps } from "../../src/core/create/self-managed/control-plane";
import { deleteJoinMaterial } from "../../src/core/create/self-managed/join-material";
import { tearDownApiLoadBalancer } from "../../src/core/create/self-managed/load-balancer";
import type { ClusterReads } from "../../src/core/create/self-managed/node-health";
import type { LoadBalancerPort } from "../../src/core/create/self-managed/ports";
import type { Deps } from "../../src/core/ports";
import { clientsOf, creationPort } from "./lib";

export function loadBalancerPort(deps: Deps): LoadBalancerPort {
  const port = deps.loadBalancers;
  if (!port) throw new Error("the step's dependencies carry no load balancer port (build them with createAwsDeps)");
  return port;
}

export function joinMaterialPort(deps: Deps): JoinMaterialAdapter {
  return new JoinMaterialAdapter(clientsOf(deps).ssm);
}

export function clusterReads(deps: Deps, cluster: string): ClusterReads {
  return {
    nodes: async () => (await deps.kube(cluster)).listNodes(),
    podsOn: async (nodeName) => (await deps.kube(cluster)).listPods({ nodeName }),
    etcd: () => deps.etcd(cluster),
  };
}

export function controlPlaneDeps(deps: Deps, cluster: string): ControlPlaneDeps {
  const material = joinMaterialPort(deps);
  return {
    port: creationPort(deps),
    lb: loadBalancerPort(deps),
    material,
    reads: clusterReads(deps, cluster),
    accessPublished: async () => (await material.getParameter(kubeconfigParameterName(cluster))) !== undefined,
    randomBytes: (count) => new Uint8Array(randomBytes(count)),
    now: deps.clock.now(),
  };
}

/**
 * After the Auto Scaling groups are gone: the API server's load balancer and target group, and any join
 * material left in SSM. Only where a load balancer port exists (nothing else can have made them).
 */
export async function tearDownSelfManagedExtras<T extends { changes: number; remaining: string[]; done: boolean }>(
  deps: Deps,
  cluster: string,
  result: T,
): Promise<T> {
  const lb = deps.loadBalancers;
  if (!lb || result.remaining.some((r) => r.startsWith("Auto Scaling group"))) return result;
  const balancer = await tearDownApiLoadBalancer(lb, cluster);
  // Only a self-managed cluster (one that had the API server's load balancer) has join material.
  const material = balancer.found ? await deleteJoinMaterial(joinMaterialPort(deps), cluster) : 0;
  const remaining = [...result.remaining, ...balancer.remaining];
  return { ...result, changes: result.changes + balancer.changes + material, remaining, done: remaining.length === 0 };
}
