/**
 * The control plane of a self-managed (kubeadm) cluster as the Kubernetes API shows it. Control-plane
 * machines register with the role label and the NoSchedule taint kubeadm gives them, so ordinary
 * workloads never land there (DaemonSets, which tolerate everything, do). Their kubelet mirrors the
 * static pods kubeadm wrote (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) into
 * kube-system. A Ready node joins etcd (kubeadm-join.ts); its kube-apiserver is Ready once its etcd
 * member is healthy and etcd has a quorum. GET /version answers with the oldest minor among Ready
 * API servers: during a roll a client may reach any of them, so the oldest is the safe answer for
 * version skew.
 */

import { compareMinors } from "../aws/catalog";
import type { EtcdCluster } from "../etcd/etcd-cluster";
import { KubeadmJoin } from "../etcd/kubeadm-join";
import type { LaunchedInstance } from "../links";
import { uid } from "./names";
import { isNodeReady } from "./predicates";
import type { ClusterState } from "./state";
import type { NodeRecord, Taint } from "./types";

export const CONTROL_PLANE_ROLE_LABEL = "node-role.kubernetes.io/control-plane";
export const CONTROL_PLANE_TAINT: Taint = { key: CONTROL_PLANE_ROLE_LABEL, effect: "NoSchedule" };
export const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
export const CONTROL_PLANE_COMPONENTS = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
] as const;
export type ControlPlaneComponent = (typeof CONTROL_PLANE_COMPONENTS)[number];

export interface MirrorPodRecord {
  namespace: "kube-system";
  name: string;
  uid: string;
  resourceVersion: string;
  component: ControlPlaneComponent;
  nodeName: string;
  /** The static pod's manifest hash (the mirror annotation's value). */
  configHash: string;
  createdAtMs: number;
  labels: Record<string, string>;
}

export function isControlPlaneInstance(instance: LaunchedInstance): boolean {
  return instance.labels[CONTROL_PLANE_ROLE_LABEL] !== undefined;
}

export function isMirrorPod(record: object): record is MirrorPodRecord {
  return "component" in record;
}

export class ControlPlane {
  readonly join: KubeadmJoin;
  /** Mirror pods by node name. */
  private readonly mirrors = new Map<string, MirrorPodRecord[]>();

  constructor(
    private readonly state: ClusterState,
    readonly etcd: EtcdCluster,
  ) {
    this.join = new KubeadmJoin(etcd, state.clock);
    etcd.onChange(() => {
      for (const pods of this.mirrors.values()) for (const pod of pods) state.touch(pod);
    });
  }

  nodeRegistered(node: NodeRecord): void {
    if (!isControlPlaneInstance(node.instance) || this.mirrors.has(node.name)) return;
    const pods = CONTROL_PLANE_COMPONENTS.map((component) => {
      const configHash = this.state.rng.hex(32);
      return {
        namespace: "kube-system" as const,
        name: `${component}-${node.name}`,
        uid: uid(this.state.rng),
        resourceVersion: this.state.nextResourceVersion(),
        component,
        nodeName: node.name,
        configHash,
        createdAtMs: this.state.now(),
        labels: { component, tier: "control-plane" },
      };
    });
    this.mirrors.set(node.name, pods);
  }

  nodeReady(node: NodeRecord): void {
    if (!isControlPlaneInstance(node.instance)) return;
    const { instance } = node;
    this.join.nodeReady({
      nodeName: node.name,
      instanceId: instance.instanceId,
      privateIp: instance.privateIp,
      initial: instance.initial,
    });
  }

  machineDown(instanceId: string): void {
    this.join.machineDown(instanceId);
  }

  nodeDeleted(nodeName: string): void {
    this.mirrors.delete(nodeName);
  }

  /** Mirror pods in (namespace, name) order. */
  mirrorPods(): MirrorPodRecord[] {
    return [...this.mirrors.values()].flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  mirrorPodsOnNode(nodeName: string): MirrorPodRecord[] {
    return [...(this.mirrors.get(nodeName) ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  mirrorPod(namespace: string, name: string): MirrorPodRecord | undefined {
    if (namespace !== "kube-system") return undefined;
    for (const pods of this.mirrors.values()) {
      const found = pods.find((pod) => pod.name === name);
      if (found) return found;
    }
    return undefined;
  }

  isReady(pod: MirrorPodRecord): boolean {
    const node = this.state.nodes.get(pod.nodeName);
    if (!isNodeReady(node) || !node) return false;
    if (pod.component !== "etcd" && pod.component !== "kube-apiserver") return true;
    const member = this.etcd.memberOnInstance(node.instance.instanceId);
    if (!member || !this.etcd.isHealthy(member)) return false;
    // kube-apiserver's readiness includes its etcd check, which fails without a quorum.
    return pod.component === "etcd" || this.etcd.hasQuorum();
  }

  /** The oldest minor among Ready API servers; the last known one while none is Ready. */
  serverMinor(): string {
    let oldest: string | undefined;
    for (const pods of this.mirrors.values()) {
      const apiserver = pods.find((pod) => pod.component === "kube-apiserver");
      if (!apiserver || !this.isReady(apiserver)) continue;
      const minor = this.state.nodes.get(apiserver.nodeName)?.instance.kubernetesMinor;
      if (minor && (oldest === undefined || compareMinors(minor, oldest) < 0)) oldest = minor;
    }
    if (oldest !== undefined) this.state.serverMinor = oldest;
    return this.state.serverMinor;
  }
}
