/** Pod objects, with the owner references, conditions and tolerations a real control plane fills in. */
import { ownerKind, ownerName, ownerUid } from "../pods";
import { isPodReady, isTerminating } from "../predicates";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { PodRecord } from "../types";

/** The DefaultTolerationSeconds admission plugin adds these to every pod. */
const DEFAULT_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/** The DaemonSet controller adds these; system DaemonSets (aws-node, kube-proxy) also tolerate everything. */
const DAEMON_TOLERATIONS = [
  { operator: "Exists" },
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

function condition(type: string, status: boolean, atMs: number | undefined, extra: Record<string, string> = {}) {
  return {
    type,
    status: status ? "True" : "False",
    lastProbeTime: null,
    lastTransitionTime: atMs === undefined ? null : rfc3339(atMs),
    ...extra,
  };
}

/** The workload's requests as the API writes quantities (a plain number of cores or bytes as a string). */
export function requestsOf(workload: PodRecord["workload"]): { cpu: string; memory: string } {
  const { cpu, memory } = workload.spec.requests;
  return { cpu: String(cpu), memory: String(memory) };
}

function renderSpec(pod: PodRecord): Record<string, unknown> {
  const workload = pod.workload;
  const claim = pod.claimKey?.split("/")[1];
  const spec: Record<string, unknown> = {
    containers: [
      {
        name: workload.name,
        image: `public.ecr.aws/tugboat/${workload.name}:1.0`,
        imagePullPolicy: "IfNotPresent",
        resources: { requests: requestsOf(workload) },
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        ...(claim ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
      },
    ],
    restartPolicy: "Always",
    terminationGracePeriodSeconds: workload.spec.terminationGracePeriodSeconds,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: "default",
    serviceAccount: "default",
    schedulerName: "default-scheduler",
    securityContext: {},
    enableServiceLinks: true,
    preemptionPolicy: "PreemptLowerPriority",
    priority: 0,
    tolerations: workload.kind === "DaemonSet" ? DAEMON_TOLERATIONS : DEFAULT_TOLERATIONS,
  };
  if (workload.spec.priorityClassName) spec.priorityClassName = workload.spec.priorityClassName;
  if (workload.spec.nodeGroup) spec.nodeSelector = { "tugboat.io/node-group": workload.spec.nodeGroup };
  if (pod.nodeName) spec.nodeName = pod.nodeName;
  if (claim) spec.volumes = [{ name: "data", persistentVolumeClaim: { claimName: claim } }];
  if (workload.kind === "StatefulSet") {
    spec.hostname = pod.name;
    spec.subdomain = workload.name;
  }
  if (workload.kind === "DaemonSet" && pod.nodeName) {
    spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [pod.nodeName] }] }],
        },
      },
    };
  }
  return spec;
}

function renderStatus(state: ClusterState, pod: PodRecord): Record<string, unknown> {
  const ready = isPodReady(state, pod);
  const node = pod.nodeName ? state.nodes.get(pod.nodeName) : undefined;
  const containersReady = pod.containersReady && !isTerminating(pod) && !pod.workload.blocked;
  const scheduled = pod.nodeName !== undefined;
  const conditions = [
    condition(
      "PodScheduled",
      scheduled,
      scheduled ? pod.boundAtMs : pod.createdAtMs,
      scheduled
        ? {}
        : {
            reason: "Unschedulable",
            message: "0 nodes are available to run the pod.",
          },
    ),
  ];
  if (scheduled) {
    conditions.unshift(condition("Initialized", true, pod.boundAtMs));
    conditions.push(condition("ContainersReady", containersReady, pod.containersReadyAtMs ?? pod.boundAtMs));
    conditions.push(condition("Ready", ready, pod.containersReadyAtMs ?? pod.boundAtMs));
  }
  // Requests without limits: the Burstable class.
  const status: Record<string, unknown> = { phase: pod.phase, conditions, qosClass: "Burstable" };
  if (!scheduled) return status;
  status.hostIP = node?.instance.privateIp;
  status.podIP = pod.podIp;
  status.podIPs = [{ ip: pod.podIp }];
  status.startTime = rfc3339(pod.boundAtMs as number);
  const image = `public.ecr.aws/tugboat/${pod.workload.name}:1.0`;
  status.containerStatuses = [
    {
      name: pod.workload.name,
      image,
      imageID: "",
      ready: containersReady,
      started: pod.phase === "Running",
      restartCount: 0,
      state:
        pod.phase === "Running"
          ? { running: { startedAt: rfc3339(pod.startedAtMs as number) } }
          : { waiting: { reason: "ContainerCreating" } },
    },
  ];
  return status;
}

export function renderPod(state: ClusterState, pod: PodRecord): Record<string, unknown> {
  const workload = pod.workload;
  const metadata: Record<string, unknown> = {
    name: pod.name,
    namespace: pod.namespace,
    uid: pod.uid,
    resourceVersion: pod.resourceVersion,
    creationTimestamp: rfc3339(pod.createdAtMs),
    labels: { ...pod.labels },
    ownerReferences: [
      {
        apiVersion: "apps/v1",
        kind: ownerKind(workload),
        name: ownerName(workload),
        uid: ownerUid(workload),
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (workload.kind !== "StatefulSet") metadata.generateName = `${ownerName(workload)}-`;
  if (pod.deletionTimestampMs !== undefined) {
    metadata.deletionTimestamp = rfc3339(pod.deletionTimestampMs);
    metadata.deletionGracePeriodSeconds = pod.deletionGraceSeconds;
  }
  return { kind: "Pod", apiVersion: "v1", metadata, spec: renderSpec(pod), status: renderStatus(state, pod) };
}
