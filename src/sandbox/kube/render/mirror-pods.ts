/** Mirror pods of a kubeadm control plane as the kubelet posts them: owned by the Node, host network, system-node-critical. */
import { type ControlPlane, MIRROR_POD_ANNOTATION, type MirrorPodRecord } from "../control-plane";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import { gitVersion } from "../versions";

/** The etcd release kubeadm pins for recent Kubernetes minors. */
const ETCD_IMAGE = "registry.k8s.io/etcd:3.5.15-0";

function imageOf(pod: MirrorPodRecord, minor: string): string {
  if (pod.component === "etcd") return ETCD_IMAGE;
  return `registry.k8s.io/${pod.component}:${gitVersion(minor, "self-managed")}`;
}

export function renderMirrorPod(
  state: ClusterState,
  controlPlane: ControlPlane,
  pod: MirrorPodRecord,
): Record<string, unknown> {
  const node = state.nodes.get(pod.nodeName);
  const minor = node?.instance.kubernetesMinor ?? state.serverMinor;
  const ready = controlPlane.isReady(pod);
  const since = rfc3339(node?.readyTransitionMs ?? pod.createdAtMs);
  const condition = (type: string, status: boolean) => ({
    type,
    status: status ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: since,
  });
  const image = imageOf(pod, minor);
  const hostIp = node?.instance.privateIp;
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      resourceVersion: pod.resourceVersion,
      creationTimestamp: rfc3339(pod.createdAtMs),
      labels: { ...pod.labels },
      annotations: {
        [MIRROR_POD_ANNOTATION]: pod.configHash,
        "kubernetes.io/config.hash": pod.configHash,
        "kubernetes.io/config.seen": rfc3339(pod.createdAtMs),
        "kubernetes.io/config.source": "file",
      },
      ownerReferences: node
        ? [{ apiVersion: "v1", kind: "Node", name: node.name, uid: node.uid, controller: true }]
        : [],
    },
    spec: {
      containers: [{ name: pod.component, image, imagePullPolicy: "IfNotPresent", command: [pod.component] }],
      nodeName: pod.nodeName,
      hostNetwork: true,
      priorityClassName: "system-node-critical",
      priority: 2000001000,
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      tolerations: [{ operator: "Exists", effect: "NoExecute" }],
    },
    status: {
      phase: "Running",
      conditions: [
        condition("Initialized", true),
        condition("Ready", ready),
        condition("ContainersReady", ready),
        condition("PodScheduled", true),
      ],
      hostIP: hostIp,
      podIP: hostIp,
      podIPs: hostIp ? [{ ip: hostIp }] : [],
      startTime: rfc3339(pod.createdAtMs),
      qosClass: "Burstable",
      containerStatuses: [
        {
          name: pod.component,
          image,
          imageID: "",
          ready,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: rfc3339(pod.createdAtMs) } },
        },
      ],
    },
  };
}
