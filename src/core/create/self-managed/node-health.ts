/**
 * What "this control-plane node has joined" means: its Node is Ready without the cloud provider's
 * uninitialized taint, the static pods of the API server, scheduler and controller manager (and etcd)
 * are Ready, and its etcd member is a started, healthy voter. A learner that is healthy and caught up is
 * promoted here if kubeadm gave up on it (kubeadm promotes its own learner for two minutes, then fails).
 */
import type { KubeNode, KubePod } from "../../model/kube";
import type { EtcdMember, EtcdPort } from "../../ports";

export const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";
export const CONTROL_PLANE_COMPONENTS = ["kube-apiserver", "kube-scheduler", "kube-controller-manager", "etcd"];

export interface ClusterReads {
  nodes(): Promise<KubeNode[]>;
  /** Pods of one node (its mirror pods among them). */
  podsOn(nodeName: string): Promise<KubePod[]>;
  etcd(): Promise<EtcdPort>;
}

export interface NodeVerdict {
  healthy: boolean;
  /** What is missing, for the log and the failure reason. */
  detail: string;
  nodeName?: string;
  /** A learner was promoted by this check. */
  promoted: boolean;
}

export async function controlPlaneNodeVerdict(
  reads: ClusterReads,
  instanceId: string,
  nodes: KubeNode[],
  members: EtcdMember[],
): Promise<NodeVerdict> {
  const node = nodes.find((n) => n.instanceId === instanceId);
  if (!node) return { healthy: false, detail: `instance ${instanceId} has not registered a Node`, promoted: false };
  const base = { nodeName: node.name, promoted: false };
  if (!node.ready) return { ...base, healthy: false, detail: `node ${node.name} is not Ready` };
  if (node.taints.some((t) => t.key === UNINITIALIZED_TAINT)) {
    return { ...base, healthy: false, detail: `node ${node.name} still has ${UNINITIALIZED_TAINT}` };
  }
  const member = members.find((m) => m.name === node.name || m.peerUrls.some((u) => u.includes(ipOf(node.name))));
  if (!member) return { ...base, healthy: false, detail: `node ${node.name} has no etcd member` };
  if (!member.healthy) return { ...base, healthy: false, detail: `etcd member of ${node.name} is not healthy` };
  let promoted = false;
  if (member.isLearner) {
    const outcome = await (await reads.etcd()).promoteMember(member.id);
    if (outcome !== "promoted") {
      return { ...base, healthy: false, detail: `etcd member of ${node.name} is a learner (${outcome})` };
    }
    promoted = true;
  }
  const pods = await reads.podsOn(node.name);
  for (const component of CONTROL_PLANE_COMPONENTS) {
    const pod = pods.find((p) => p.mirror && p.name.startsWith(`${component}-`));
    if (!pod?.ready) {
      return {
        ...base,
        promoted,
        healthy: false,
        detail: `${component} on ${node.name} is ${pod ? "not Ready" : "missing"}`,
      };
    }
  }
  return { ...base, promoted, healthy: true, detail: `node ${node.name} Ready, components Ready, etcd voter healthy` };
}

/** ip-10-0-1-23.eu-west-1.compute.internal → 10.0.1.23 (etcd peer URLs carry the address). */
function ipOf(nodeName: string): string {
  const match = /^ip-(\d+)-(\d+)-(\d+)-(\d+)/.exec(nodeName);
  return match ? `//${match.slice(1, 5).join(".")}:` : "\u0000";
}
