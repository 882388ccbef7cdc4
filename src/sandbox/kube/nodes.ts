/**
 * Nodes follow their machines: the kubelet registers a NotReady Node shortly after the instance is
 * running and reports Ready after a delay sampled per instance from timing.nodeReadySeconds; when the machine shuts down its pods die at
 * once and the node goes Unknown; when the instance is terminated the cloud node lifecycle
 * controller deletes the Node object. Labels and addresses follow a real EKS node (see the fixture
 * k8s-node-eks-managed-nodegroup.json).
 */
import type { NodeChange } from "../../core/model/kube";
import type { LaunchedInstance } from "../links";
import { CONTROL_PLANE_TAINT, isControlPlaneInstance } from "./control-plane";
import { budgetsAtRisk, countBudgetBreaches } from "./disruption";
import { uid } from "./names";
import { removePod } from "./pods";
import type { ClusterState } from "./state";
import type { InstanceRecord, NodeRecord } from "./types";
import { gitVersion } from "./versions";

/** Seconds from `running` to the kubelet's first registration (capped by nodeReadySeconds). */
const KUBELET_REGISTER_SECONDS = 5;
const DEFAULT_POD_CAPACITY = 20;

export function instanceRunning(state: ClusterState, instance: LaunchedInstance): void {
  if (state.instances.has(instance.instanceId)) return;
  const record: InstanceRecord = { instance, timers: [], gone: false };
  state.instances.set(instance.instanceId, record);
  if (instance.neverJoins) return;
  if (instance.initial) {
    // Part of the cluster as it stands at t0: Ready, and its registration events long expired.
    const seeding = state.seeding;
    state.seeding = true;
    try {
      markReady(state, registerNode(state, record));
    } finally {
      state.seeding = seeding;
    }
    return;
  }
  const readySeconds = state.timing.nodeReady(instance.instanceId, instance.nodeGroup);
  const registerAfter = Math.min(KUBELET_REGISTER_SECONDS, readySeconds);
  record.timers.push(
    state.clock.after(registerAfter, `kube: ${instance.instanceId} kubelet registers`, () => {
      if (!record.gone && !record.nodeName) registerNode(state, record);
    }),
  );
  record.timers.push(
    state.clock.after(readySeconds, `kube: ${instance.instanceId} node Ready`, () => {
      if (record.gone) return;
      const node = record.nodeName ? state.nodes.get(record.nodeName) : registerNode(state, record);
      if (node) markReady(state, node);
    }),
  );
}

function isArm(instanceType: string): boolean {
  // Graviton families carry a "g" right after the generation digit: m6g, c7gn, r8gd.
  return /^[a-z]+\d+g/.test(instanceType);
}

function registerNode(state: ClusterState, record: InstanceRecord): NodeRecord {
  state.beforeChange();
  const instance = record.instance;
  const region = state.scenario.region;
  const arch = isArm(instance.instanceType) ? "arm64" : "amd64";
  const group = state.nodeGroup(instance.nodeGroup);
  const name = instance.privateDnsName;
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": arch,
    "beta.kubernetes.io/instance-type": instance.instanceType,
    "beta.kubernetes.io/os": "linux",
    "failure-domain.beta.kubernetes.io/region": region,
    "failure-domain.beta.kubernetes.io/zone": instance.availabilityZone,
    "kubernetes.io/arch": arch,
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "node.kubernetes.io/instance-type": instance.instanceType,
    "topology.kubernetes.io/region": region,
    "topology.kubernetes.io/zone": instance.availabilityZone,
    "tugboat.io/node-group": instance.nodeGroup,
    ...(group?.labels ?? {}),
    ...instance.labels,
  };
  const node: NodeRecord = {
    name,
    uid: uid(state.rng),
    resourceVersion: state.nextResourceVersion(),
    instance,
    region,
    podCapacity: group?.podCapacity ?? DEFAULT_POD_CAPACITY,
    kubeletVersion: gitVersion(instance.kubernetesMinor, state.flavor),
    labels,
    annotations: {
      "alpha.kubernetes.io/provided-node-ip": instance.privateIp,
      "node.alpha.kubernetes.io/ttl": "0",
      "volumes.kubernetes.io/controller-managed-attach-detach": "true",
    },
    // kubeadm registers control-plane nodes with this taint so that only tolerating pods run there.
    taints: [
      ...(isControlPlaneInstance(instance) ? [{ ...CONTROL_PLANE_TAINT }] : []),
      ...(instance.registerTaints ?? []).map((t) => ({ ...t })),
    ],
    unschedulable: false,
    ready: "False",
    readyReason: "KubeletNotReady",
    readyMessage:
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
    readyTransitionMs: state.now(),
    createdAtMs: state.now(),
    shuttingDown: false,
    load: 0,
    schedulable: false,
  };
  state.nodes.set(name, node);
  record.nodeName = name;
  state.controlPlane?.nodeRegistered(node);
  // The DaemonSet controller places its pods on the new node.
  state.nodeChanged(node, true);
  state.emitEvent({
    involved: { kind: "Node", name, uid: node.uid },
    reason: "RegisteredNode",
    message: `Node ${name} event: Registered Node ${name} in Controller`,
    source: "node-controller",
  });
  return node;
}

function markReady(state: ClusterState, node: NodeRecord): void {
  if (node.shuttingDown || node.ready === "True" || !state.nodes.has(node.name)) return;
  state.beforeChange();
  node.ready = "True";
  node.readyReason = "KubeletReady";
  node.readyMessage = "kubelet is posting ready status";
  node.readyTransitionMs = state.now();
  node.readyAtMs = state.now();
  state.touch(node);
  state.nodeChanged(node);
  state.controlPlane?.nodeReady(node);
  state.emitEvent({
    involved: { kind: "Node", name: node.name, uid: node.uid },
    reason: "NodeReady",
    message: `Node ${node.name} status is now: NodeReady`,
    source: "kubelet",
    host: node.name,
  });
}

/** Every pod still bound to the node dies now; those not already terminating are lost. */
function killPodsOnNode(state: ClusterState, node: NodeRecord): void {
  for (const pod of [...state.pods.onNode(node.name)]) {
    const risk = budgetsAtRisk(pod);
    removePod(state, pod, "node-lost");
    countBudgetBreaches(state, risk);
  }
}

export function instanceShuttingDown(state: ClusterState, instanceId: string): void {
  const record = state.instances.get(instanceId);
  if (!record) return;
  for (const timer of record.timers) state.clock.cancel(timer);
  record.timers = [];
  state.controlPlane?.machineDown(instanceId);
  const node = record.nodeName ? state.nodes.get(record.nodeName) : undefined;
  if (!node || node.shuttingDown) return;
  killPodsOnNode(state, node);
  state.beforeChange();
  node.shuttingDown = true;
  node.ready = "Unknown";
  node.readyReason = "NodeStatusUnknown";
  node.readyMessage = "Kubelet stopped posting node status.";
  node.readyTransitionMs = state.now();
  state.touch(node);
  state.nodeChanged(node);
  state.emitEvent({
    involved: { kind: "Node", name: node.name, uid: node.uid },
    reason: "NodeNotReady",
    message: `Node ${node.name} status is now: NodeNotReady`,
    type: "Warning",
    source: "node-controller",
  });
}

export function instanceTerminated(state: ClusterState, instanceId: string): void {
  const record = state.instances.get(instanceId);
  if (!record || record.gone) return;
  instanceShuttingDown(state, instanceId);
  record.gone = true;
  if (record.nodeName && state.nodes.has(record.nodeName)) deleteNode(state, record.nodeName);
}

/** Deletes the Node object; the pod garbage collector removes pods still bound to it. */
export function deleteNode(state: ClusterState, name: string): "deleted" | "not-found" {
  const node = state.nodes.get(name);
  if (!node) return "not-found";
  killPodsOnNode(state, node);
  state.beforeChange();
  state.nodes.delete(name);
  state.pods.forgetNode(name);
  state.controlPlane?.nodeDeleted(name);
  state.nextResourceVersion();
  state.nodeChanged(node, true);
  state.emitEvent({
    involved: { kind: "Node", name, uid: node.uid },
    reason: "RemovingNode",
    message: `Node ${name} event: Removing Node ${name} from Controller`,
    source: "node-controller",
  });
  return "deleted";
}

export function setUnschedulable(state: ClusterState, name: string, unschedulable: boolean): NodeChange {
  const node = state.nodes.get(name);
  if (!node) return "not-found";
  if (node.unschedulable === unschedulable) return "unchanged";
  state.beforeChange();
  node.unschedulable = unschedulable;
  state.touch(node);
  state.nodeChanged(node);
  const status = unschedulable ? "NodeNotSchedulable" : "NodeSchedulable";
  state.emitEvent({
    involved: { kind: "Node", name, uid: node.uid },
    reason: status,
    message: `Node ${name} status is now: ${status}`,
    source: "kubelet",
    host: name,
  });
  return "changed";
}
