/** /api/v1 persistentvolumes and persistentvolumeclaims (read-only), and namespaces. */
import { notFound } from "../render/status";
import { renderClaim, renderVolume } from "../render/storage";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import { byNamespaceAndName, listResponse } from "./lists";
import { ok, type ResourceHandlers } from "./types";

function provisioned(state: ClusterState) {
  return [...state.claims.values()]
    .filter((claim) => claim.zone !== undefined)
    .sort((a, b) => (a.volumeName < b.volumeName ? -1 : 1));
}

export const volumeHandlers: ResourceHandlers = {
  namespaced: false,
  list(state, request) {
    const items = provisioned(state).map((claim) => renderVolume(state, claim));
    return listResponse(state, request, "PersistentVolumeList", "v1", items);
  },
  get(state, _request, _namespace, name) {
    const claim = provisioned(state).find((candidate) => candidate.volumeName === name);
    return claim ? ok(renderVolume(state, claim)) : { status: 404, body: notFound("persistentvolumes", name) };
  },
};

export const claimHandlers: ResourceHandlers = {
  namespaced: true,
  list(state, request, namespace) {
    const items = [...state.claims.values()]
      .filter((claim) => namespace === undefined || claim.namespace === namespace)
      .sort(byNamespaceAndName)
      .map((claim) => renderClaim(state, claim));
    return listResponse(state, request, "PersistentVolumeClaimList", "v1", items);
  },
  get(state, _request, namespace, name) {
    const claim = state.claims.get(`${namespace}/${name}`);
    return claim ? ok(renderClaim(state, claim)) : { status: 404, body: notFound("persistentvolumeclaims", name) };
  },
};

const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

export function namespaceNames(state: ClusterState): string[] {
  return [...new Set([...SYSTEM_NAMESPACES, ...state.workloads.map((workload) => workload.namespace)])].sort();
}

function renderNamespace(state: ClusterState, name: string): Record<string, unknown> {
  return {
    kind: "Namespace",
    apiVersion: "v1",
    metadata: {
      name,
      uid: `namespace-${name}`,
      resourceVersion: "1",
      creationTimestamp: rfc3339(state.startedAtMs),
      labels: { "kubernetes.io/metadata.name": name },
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

export const namespaceHandlers: ResourceHandlers = {
  namespaced: false,
  list(state, request) {
    const items = namespaceNames(state).map((name) => renderNamespace(state, name));
    return listResponse(state, request, "NamespaceList", "v1", items, ["status.phase"]);
  },
  get(state, _request, _namespace, name) {
    return namespaceNames(state).includes(name)
      ? ok(renderNamespace(state, name))
      : { status: 404, body: notFound("namespaces", name) };
  },
};
