/**
 * The seams between the simulated AWS region (src/sandbox/aws) and the simulated Kubernetes cluster
 * (src/sandbox/kube). The region owns machines; the cluster owns nodes and pods. They meet where
 * real clusters meet: a kubelet starting on a running instance, a machine dying under its pods, and
 * EKS's own node group updates, which cordon and evict through the API server like any client.
 */
import type { EvictionResult } from "../core/model/kube";

export interface LaunchedInstance {
  instanceId: string;
  availabilityZone: string;
  privateDnsName: string;
  privateIp: string;
  imageId: string;
  instanceType: string;
  /** The cluster whose API server the kubelet registers with. */
  clusterName: string;
  nodeGroup: string;
  /** Kubelet version the AMI carries, e.g. "1.30". */
  kubernetesMinor: string;
  capacityType: "ON_DEMAND" | "SPOT";
  /** Labels the kubelet registers with (nodegroup labels, eks.amazonaws.com/* for managed groups). */
  labels: Record<string, string>;
  /** True for the instances that exist when the scenario starts: their nodes are Ready at once. */
  initial: boolean;
  /** A fault: the instance boots but its kubelet never registers. */
  neverJoins: boolean;
  /** Taints the kubelet registers with (--register-with-taints, or the cloud provider's uninitialized taint). */
  registerTaints?: { key: string; value: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
}

/** What the Kubernetes side learns from EC2. */
export interface InstanceLifecycleListener {
  /** EC2 state `running`: the kubelet starts and the node registers after timing.nodeReadySeconds. */
  instanceRunning(instance: LaunchedInstance): void;
  /** EC2 state `stopping` / `shutting-down`: the machine goes away; pods still on it die at once. */
  instanceShuttingDown(instanceId: string): void;
  /** EC2 state `terminated`: the cloud node controller deletes the Node object. */
  instanceTerminated(instanceId: string): void;
}

/** What a cluster-side actor (EKS managed node group updates, benchmark strategies) may do. */
export interface ClusterControl {
  nodeNameForInstance(instanceId: string): string | undefined;
  isNodeReady(nodeName: string): boolean;
  setUnschedulable(nodeName: string, unschedulable: boolean): void;
  /** Same arithmetic and outcomes as the eviction subresource. */
  evict(namespace: string, name: string): EvictionResult;
  /** Pods bound to the node that a drain must evict (not DaemonSet, not mirror, not already gone). */
  evictablePodsOnNode(nodeName: string): { namespace: string; name: string; deleting: boolean }[];
  /** Delete without PDB checks (force), with the pod's grace period. */
  deletePod(namespace: string, name: string): void;
  /** Removes a taint by key, as a controller patching the Node would (the cloud controller manager). */
  removeTaint?(nodeName: string, key: string): void;
}
