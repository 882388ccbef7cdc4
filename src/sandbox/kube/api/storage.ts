/** /api/v1 persistentvolumes and persistentvolumeclaims (read-only), and namespaces. */
import { notFound } from "../render/status";
import { renderClaim, renderVolume } from "../render/storage";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { ClaimRecord } from "../types";
import { byNamespaceAndName, listResponse, metadataFields, namespacedKey } from "./lists";
import { ok, type ResourceHandlers } from "./types";

function provisioned(state: ClusterState) {
  return [...state.claims.values()]
    .filter((claim) => claim.zone !== undefined)
    .sort((a, b) => (a.volumeName < b.volumeName ? -1 : a.volumeName > b.volumeName ? 1 : 0));
}

export const volumeHandlers: ResourceHandlers = {
  namespaced: false,
  list(state, request) {
    return listResponse(state, request, {
      kind: "PersistentVolumeList",
      apiVersion: "v1",
      records: provisioned(state),
      key: (claim) => claim.volumeName,
      labels: () => ({}),
      fields: { "metadata.name": (claim) => claim.volumeName },
      render: (claim) => renderVolume(state, claim),
    });
  },
  get(state, _request, _namespace, name) {
    const claim = provisioned(state).find((candidate) => candidate.volumeName === name);
    return claim ? ok(renderVolume(state, claim)) : { status: 404, body: notFound("persistentvolumes", name) };
  },
};

export const claimHandlers: ResourceHandlers = {
  namespaced: true,
  list(state, request, namespace) {
    return listResponse(state, request, {
      kind: "PersistentVolumeClaimList",
      apiVersion: "v1",
      records: [...state.claims.values()]
        .filter((claim) => namespace === undefined || claim.namespace === namespace)
        .sort(byNamespaceAndName),
      key: namespacedKey,
      labels: () => ({}),
      fields: metadataFields<ClaimRecord>(),
      render: (claim) => renderClaim(state, claim),
    });
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
    return listResponse(state, request, {
      kind: "NamespaceList",
      apiVersion: "v1",
      records: namespaceNames(state),
      key: (name) => name,
      labels: (name) => ({ "kubernetes.io/metadata.name": name }),
      fields: { "metadata.name": (name) => name, "status.phase": () => "Active" },
      render: (name) => renderNamespace(state, name),
    });
  },
  get(state, _request, _namespace, name) {
    return namespaceNames(state).includes(name)
      ? ok(renderNamespace(state, name))
      : { status: 404, body: notFound("namespaces", name) };
  },
};
