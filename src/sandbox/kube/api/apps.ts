/** /apis/apps/v1: deployments, replicasets, statefulsets, daemonsets (read-only). */
import { renderDaemonSet, renderDeployment, renderReplicaSet, renderStatefulSet } from "../render/apps";
import { notFound } from "../render/status";
import type { ClusterState } from "../state";
import type { WorkloadKind, WorkloadRecord } from "../types";
import { byNamespaceAndName, listResponse, metadataFields, namespacedKey } from "./lists";
import { ok, type ResourceHandlers } from "./types";

interface AppsResource {
  resource: string;
  kind: string;
  workloadKind: WorkloadKind;
  nameOf(workload: WorkloadRecord): string;
  render(state: ClusterState, workload: WorkloadRecord): Record<string, unknown>;
}

function handlersFor(spec: AppsResource): ResourceHandlers {
  const objects = (state: ClusterState, namespace: string | undefined) =>
    state.workloads
      .filter((workload) => workload.kind === spec.workloadKind)
      .filter((workload) => namespace === undefined || workload.namespace === namespace)
      .map((workload) => ({ namespace: workload.namespace, name: spec.nameOf(workload), workload }))
      .sort(byNamespaceAndName);
  return {
    namespaced: true,
    list(state, request, namespace) {
      return listResponse(state, request, {
        kind: `${spec.kind}List`,
        apiVersion: "apps/v1",
        records: objects(state, namespace),
        key: namespacedKey,
        labels: ({ workload }) => ({ app: workload.name }),
        fields: metadataFields<{ namespace: string; name: string; workload: WorkloadRecord }>(),
        render: ({ workload }) => spec.render(state, workload),
      });
    },
    get(state, _request, namespace, name) {
      const found = objects(state, namespace).find((object) => object.name === name);
      return found
        ? ok(spec.render(state, found.workload))
        : { status: 404, body: notFound(spec.resource, name, "apps") };
    },
  };
}

export const deploymentHandlers = handlersFor({
  resource: "deployments",
  kind: "Deployment",
  workloadKind: "Deployment",
  nameOf: (workload) => workload.name,
  render: renderDeployment,
});

export const replicaSetHandlers = handlersFor({
  resource: "replicasets",
  kind: "ReplicaSet",
  workloadKind: "Deployment",
  nameOf: (workload) => workload.replicaSetName as string,
  render: renderReplicaSet,
});

export const statefulSetHandlers = handlersFor({
  resource: "statefulsets",
  kind: "StatefulSet",
  workloadKind: "StatefulSet",
  nameOf: (workload) => workload.name,
  render: renderStatefulSet,
});

export const daemonSetHandlers = handlersFor({
  resource: "daemonsets",
  kind: "DaemonSet",
  workloadKind: "DaemonSet",
  nameOf: (workload) => workload.name,
  render: renderDaemonSet,
});
