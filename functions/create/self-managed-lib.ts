/**
 * What the self-managed creation steps build from their dependencies: the load balancer port (the ELBv2
 * adapter createAwsDeps builds), the SSM join material, and the cluster's Kubernetes and etcd access.
 */
import { randomBytes } from "node:crypto";
import { AccessSecretsAdapter } from "../../src/adapters/aws/access-secrets";
import { JoinMaterialAdapter } from "../../src/adapters/aws/join-material";
import { kubeconfigParameterName } from "../../src/adapters/kube/access";
import { deleteClusterAccess } from "../../src/core/create/self-managed/cluster-access";
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
 * After the Auto Scaling groups are gone: the API server's load balancer and target group, the join
 * material left in SSM, and the kubeconfig parameter and etcd secret the first node published. Only a
 * self-managed cluster has the load balancer; what reaches the cluster is deleted while it is still
 * there, so a teardown retried after a partial one still knows the cluster was self-managed.
 */
export async function tearDownSelfManagedExtras<T extends { changes: number; remaining: string[]; done: boolean }>(
  deps: Deps,
  cluster: string,
  result: T,
): Promise<T> {
  const lb = deps.loadBalancers;
  if (!lb || result.remaining.some((r) => r.startsWith("Auto Scaling group"))) return result;
  const balancer = await tearDownApiLoadBalancer(lb, cluster, async () => {
    const material = joinMaterialPort(deps);
    const joins = await deleteJoinMaterial(material, cluster);
    return joins + (await deleteClusterAccess(material, new AccessSecretsAdapter(clientsOf(deps).secrets), cluster));
  });
  const remaining = [...result.remaining, ...balancer.remaining];
  return { ...result, changes: result.changes + balancer.changes, remaining, done: remaining.length === 0 };
}
