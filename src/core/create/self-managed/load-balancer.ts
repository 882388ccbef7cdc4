/**
 * The API server's endpoint: an internal Network Load Balancer with a TCP listener on 6443 and a target
 * group of the control-plane instances. A control-plane node reaches the API server through it too
 * (kubelet, kubeadm join), and with client IP preservation on (the default for instance targets) a
 * connection the NLB sends back to the instance it came from arrives with its own address as source and
 * is dropped: the join times out. The target group is therefore made with preserve_client_ip.enabled
 * false, and an existing one with it on is corrected.
 */
import { InvalidInputError } from "../../errors";
import { requireSpec } from "../control-plane";
import type { CreationPort } from "../ports";
import { type CreateState, creationTags } from "../state";
import { API_SERVER_PORT, apiLoadBalancerName, madeFor, subnetPerZone } from "./layout";
import type { LoadBalancerPort } from "./ports";

export interface ApiEndpointResult {
  changes: number;
  /** host:port kubeadm is given as controlPlaneEndpoint; empty until the NLB has a DNS name. */
  endpoint: string;
  targetGroupArn: string;
}

export async function ensureApiLoadBalancer(
  port: CreationPort,
  lb: LoadBalancerPort,
  state: CreateState,
): Promise<ApiEndpointResult> {
  const spec = requireSpec(state);
  const name = apiLoadBalancerName(spec.name);
  const tags = { ...creationTags(spec.name, state.run.runId), [`kubernetes.io/cluster/${spec.name}`]: "owned" };
  let changes = 0;
  let balancer = await lb.describeLoadBalancer(name);
  if (balancer && !madeFor(balancer.tags, spec.name)) {
    throw new InvalidInputError(`name: load balancer ${name} exists and Tugboat did not make it for ${spec.name}`);
  }
  const subnets = await port.subnets();
  const placed = subnetPerZone(spec, subnets);
  if (!balancer) {
    await lb.createLoadBalancer({ name, subnetIds: placed.map((p) => p.subnetId), tags });
    changes++;
    balancer = await lb.describeLoadBalancer(name);
    if (!balancer) throw new Error(`load balancer ${name} was created but cannot be described`);
  }
  let group = await lb.describeTargetGroup(name);
  if (group && !madeFor(group.tags, spec.name)) {
    throw new InvalidInputError(`name: target group ${name} exists and Tugboat did not make it for ${spec.name}`);
  }
  if (!group) {
    const vpcId = subnets.find((s) => s.subnetId === placed[0]?.subnetId)?.vpcId ?? "";
    await lb.createTargetGroup({ name, vpcId, port: API_SERVER_PORT, targetType: "instance", tags });
    changes++;
    group = await lb.describeTargetGroup(name);
    if (!group) throw new Error(`target group ${name} was created but cannot be described`);
  }
  if (group.preserveClientIp && group.targetType === "instance") {
    await lb.setPreserveClientIp(group.arn, false);
    changes++;
  }
  const listeners = await lb.listeners(balancer.arn);
  const listener = listeners.find((l) => l.port === API_SERVER_PORT);
  if (listener && listener.targetGroupArn !== group.arn) {
    throw new InvalidInputError(
      `name: load balancer ${name} already forwards ${API_SERVER_PORT} to another target group (${listener.targetGroupArn})`,
    );
  }
  if (!listener) {
    await lb.createListener(balancer.arn, API_SERVER_PORT, group.arn);
    changes++;
  }
  return { changes, endpoint: `${balancer.dnsName}:${API_SERVER_PORT}`, targetGroupArn: group.arn };
}

/**
 * Deletion, after the control-plane groups are gone: listener with the balancer, then the target group.
 * `beforeDeleting` runs (its changes counted) when Tugboat's balancer or target group is found, before
 * either is deleted: while they exist they mark the cluster as self-managed, so a teardown retried after
 * a partial one runs it again.
 */
export async function tearDownApiLoadBalancer(
  lb: LoadBalancerPort,
  cluster: string,
  beforeDeleting: () => Promise<number> = async () => 0,
): Promise<{ changes: number; remaining: string[] }> {
  const name = apiLoadBalancerName(cluster);
  const remaining: string[] = [];
  const [balancer, group] = await Promise.all([lb.describeLoadBalancer(name), lb.describeTargetGroup(name)]);
  const ours = {
    balancer: balancer !== undefined && madeFor(balancer.tags, cluster),
    group: group !== undefined && madeFor(group.tags, cluster),
  };
  if (!ours.balancer && !ours.group) return { changes: 0, remaining };
  let changes = await beforeDeleting();
  if (balancer && ours.balancer) {
    await lb.deleteLoadBalancer(balancer.arn);
    changes++;
  }
  if (group && ours.group) {
    if ((await lb.deleteTargetGroup(group.arn)) === "deleted") changes++;
    else remaining.push(`target group ${name}`);
  }
  return { changes, remaining };
}

/** The API server's load balancer and target group Tugboat made for the cluster, read back. */
export async function countApiLoadBalancer(
  lb: LoadBalancerPort,
  cluster: string,
): Promise<{ loadBalancers: number; targetGroups: number }> {
  const name = apiLoadBalancerName(cluster);
  const [balancer, group] = await Promise.all([lb.describeLoadBalancer(name), lb.describeTargetGroup(name)]);
  return {
    loadBalancers: balancer && madeFor(balancer.tags, cluster) ? 1 : 0,
    targetGroups: group && madeFor(group.tags, cluster) ? 1 : 0,
  };
}
