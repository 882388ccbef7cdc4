/** Node objects as an EKS node serves them (compare fixtures/kubernetes/k8s-node-eks-managed-nodegroup.json). */
import { effectiveTaints } from "../predicates";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { NodeRecord } from "../types";

const CONDITION_MESSAGES: [type: string, reason: string, message: string][] = [
  ["MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
  ["DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
  ["PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
];

/**
 * `now` is the current time as the node's heartbeats and derived taints show it; the list cache
 * (node-json.ts) renders with a stand-in and puts the time in when it answers.
 */
export function renderNode(
  state: ClusterState,
  node: NodeRecord,
  now: string = rfc3339(state.now()),
): Record<string, unknown> {
  const created = rfc3339(node.createdAtMs);
  const instance = node.instance;
  const pressureStatus = node.ready === "Unknown" ? "Unknown" : "False";
  const conditions: Record<string, unknown>[] = CONDITION_MESSAGES.map(([type, reason, message]) => ({
    type,
    status: pressureStatus,
    reason: node.ready === "Unknown" ? "NodeStatusUnknown" : reason,
    message: node.ready === "Unknown" ? "Kubelet stopped posting node status." : message,
    lastHeartbeatTime: node.ready === "Unknown" ? rfc3339(node.readyTransitionMs) : now,
    lastTransitionTime: node.ready === "Unknown" ? rfc3339(node.readyTransitionMs) : created,
  }));
  conditions.push({
    type: "Ready",
    status: node.ready,
    reason: node.readyReason,
    message: node.readyMessage,
    lastHeartbeatTime: node.ready === "Unknown" ? rfc3339(node.readyTransitionMs) : now,
    lastTransitionTime: rfc3339(node.readyTransitionMs),
  });
  const spec: Record<string, unknown> = {
    providerID: `aws:///${instance.availabilityZone}/${instance.instanceId}`,
  };
  if (node.unschedulable) spec.unschedulable = true;
  const taints = effectiveTaints(node, now);
  if (taints.length > 0) spec.taints = taints;
  const pods = String(node.podCapacity + daemonSetsFor(state, node));
  return {
    kind: "Node",
    apiVersion: "v1",
    metadata: {
      name: node.name,
      uid: node.uid,
      resourceVersion: node.resourceVersion,
      creationTimestamp: created,
      labels: { ...node.labels },
      annotations: { ...node.annotations },
    },
    spec,
    status: {
      capacity: { cpu: "2", memory: "7910348Ki", "ephemeral-storage": "83873772Ki", pods },
      allocatable: { cpu: "1930m", memory: "7220172Ki", "ephemeral-storage": "76224326324", pods },
      conditions,
      addresses: [
        { type: "InternalIP", address: instance.privateIp },
        { type: "InternalDNS", address: instance.privateDnsName },
        { type: "Hostname", address: instance.privateDnsName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: node.labels["kubernetes.io/arch"] ?? "amd64",
        bootID: node.uid,
        containerRuntimeVersion: "containerd://1.7.22",
        kernelVersion: "6.1.112-122.189.amzn2023.x86_64",
        kubeProxyVersion: node.kubeletVersion,
        kubeletVersion: node.kubeletVersion,
        machineID: node.uid.replaceAll("-", ""),
        operatingSystem: "linux",
        osImage: "Amazon Linux 2023.6.20241031",
        systemUUID: node.uid,
      },
    },
  };
}

/** The kubelet's max-pods covers DaemonSet pods too; the scenario's podCapacity does not. */
export function daemonSetsFor(state: ClusterState, node: NodeRecord): number {
  // Counted without building a list: every node list asks this of every node.
  let count = 0;
  for (const workload of state.workloads) {
    if (workload.kind !== "DaemonSet") continue;
    if (workload.spec.nodeGroup === undefined || workload.spec.nodeGroup === node.instance.nodeGroup) count += 1;
  }
  return count;
}
