/** apps/v1 Deployments, ReplicaSets, StatefulSets and DaemonSets with status counted from their pods. */
import { isTerminating, nodeGroupOf } from "../predicates";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { WorkloadRecord } from "../types";
import { requestsOf } from "./pods";

function meta(state: ClusterState, workload: WorkloadRecord, name = workload.name, uid = workload.uid) {
  return {
    name,
    namespace: workload.namespace,
    uid,
    resourceVersion: state.currentResourceVersion(),
    generation: 1,
    creationTimestamp: rfc3339(workload.createdAtMs),
    labels: { app: workload.name },
  };
}

function template(workload: WorkloadRecord) {
  const spec: Record<string, unknown> = {
    containers: [
      {
        name: workload.name,
        image: `public.ecr.aws/tugboat/${workload.name}:1.0`,
        resources: { requests: requestsOf(workload) },
      },
    ],
    terminationGracePeriodSeconds: workload.spec.terminationGracePeriodSeconds,
  };
  if (workload.spec.nodeGroup) spec.nodeSelector = { "tugboat.io/node-group": workload.spec.nodeGroup };
  if (workload.spec.priorityClassName) spec.priorityClassName = workload.spec.priorityClassName;
  return { metadata: { labels: { ...workload.podLabels } }, spec };
}

function counts(state: ClusterState, workload: WorkloadRecord) {
  let replicas = 0;
  for (const pod of state.pods.ofWorkload(workload)) if (!isTerminating(pod)) replicas += 1;
  return { replicas, readyReplicas: state.pods.readyOf(workload) };
}

export function renderDeployment(state: ClusterState, workload: WorkloadRecord): Record<string, unknown> {
  const { replicas, readyReplicas } = counts(state, workload);
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: { ...meta(state, workload), annotations: { "deployment.kubernetes.io/revision": "1" } },
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: { ...workload.selector } },
      template: template(workload),
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas,
      availableReplicas: readyReplicas,
      unavailableReplicas: Math.max(0, workload.replicas - readyReplicas),
    },
  };
}

export function renderReplicaSet(state: ClusterState, workload: WorkloadRecord): Record<string, unknown> {
  const { replicas, readyReplicas } = counts(state, workload);
  return {
    kind: "ReplicaSet",
    apiVersion: "apps/v1",
    metadata: {
      ...meta(state, workload, workload.replicaSetName, workload.replicaSetUid),
      labels: { app: workload.name, "pod-template-hash": workload.templateHash },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: workload.name,
          uid: workload.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: { ...workload.selector, "pod-template-hash": workload.templateHash } },
      template: template(workload),
    },
    status: {
      observedGeneration: 1,
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas,
      availableReplicas: readyReplicas,
    },
  };
}

export function renderStatefulSet(state: ClusterState, workload: WorkloadRecord): Record<string, unknown> {
  const { replicas, readyReplicas } = counts(state, workload);
  const spec: Record<string, unknown> = {
    replicas: workload.replicas,
    selector: { matchLabels: { ...workload.selector } },
    serviceName: workload.name,
    podManagementPolicy: "OrderedReady",
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    template: template(workload),
  };
  if (workload.spec.zonalVolumes) {
    spec.volumeClaimTemplates = [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "10Gi" } } },
      },
    ];
  }
  const revision = `${workload.name}-${workload.templateHash}`;
  return {
    kind: "StatefulSet",
    apiVersion: "apps/v1",
    metadata: meta(state, workload),
    spec,
    status: {
      observedGeneration: 1,
      replicas,
      readyReplicas,
      currentReplicas: replicas,
      updatedReplicas: replicas,
      availableReplicas: readyReplicas,
      currentRevision: revision,
      updateRevision: revision,
    },
  };
}

export function renderDaemonSet(state: ClusterState, workload: WorkloadRecord): Record<string, unknown> {
  const desired = [...state.nodes.values()].filter(
    (node) =>
      !node.shuttingDown && (workload.spec.nodeGroup === undefined || nodeGroupOf(node) === workload.spec.nodeGroup),
  ).length;
  const { replicas, readyReplicas } = counts(state, workload);
  return {
    kind: "DaemonSet",
    apiVersion: "apps/v1",
    metadata: meta(state, workload),
    spec: {
      selector: { matchLabels: { ...workload.selector } },
      template: template(workload),
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: desired,
      currentNumberScheduled: replicas,
      updatedNumberScheduled: replicas,
      numberReady: readyReplicas,
      numberAvailable: readyReplicas,
      numberUnavailable: Math.max(0, desired - readyReplicas),
      numberMisscheduled: 0,
    },
  };
}
