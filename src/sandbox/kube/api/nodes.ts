/** /api/v1/nodes: list, get, patch (cordon, labels, taints), replace, delete. */
import { deleteNode, setUnschedulable } from "../nodes";
import { CONDITION_TAINT_KEYS } from "../predicates";
import { nodeItemJson } from "../render/node-json";
import { renderNode } from "../render/nodes";
import { failure, notFound, success } from "../render/status";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import type { NodeRecord, Taint } from "../types";
import { listResponse } from "./lists";
import { applyPatch, PatchError } from "./patch";
import { type ApiRequest, type ApiResponse, asObject, ok, type ResourceHandlers } from "./types";

function conflict(name: string): ApiResponse {
  return {
    status: 409,
    body: failure(
      409,
      "Conflict",
      `Operation cannot be fulfilled on nodes "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, kind: "nodes" },
    ),
  };
}

function stringMap(value: unknown): Record<string, string> {
  const object = asObject(value) ?? {};
  return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key, String(entry)]));
}

function taintsFrom(value: unknown): Taint[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((entry) => asObject(entry))
    .filter((taint): taint is Record<string, unknown> => taint !== undefined && typeof taint.key === "string")
    .filter((taint) => !CONDITION_TAINT_KEYS.has(taint.key as string))
    .map((taint) => {
      const result: Taint = { key: taint.key as string, effect: String(taint.effect ?? "NoSchedule") };
      if (typeof taint.value === "string" && taint.value !== "") result.value = taint.value;
      return result;
    });
}

/**
 * Writes what clients may change on a node — labels, annotations, taints, unschedulable — from the
 * desired object. Everything else (status, providerID, name) belongs to the kubelet and the cloud
 * controller and is kept.
 */
function applyDesired(state: ClusterState, node: NodeRecord, desired: Record<string, unknown>): ApiResponse {
  const metadata = asObject(desired.metadata) ?? {};
  if (metadata.resourceVersion !== undefined && String(metadata.resourceVersion) !== node.resourceVersion) {
    return conflict(node.name);
  }
  const spec = asObject(desired.spec) ?? {};
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  const taints = taintsFrom(spec.taints);
  const metadataChanged =
    JSON.stringify(labels) !== JSON.stringify(node.labels) ||
    JSON.stringify(annotations) !== JSON.stringify(node.annotations);
  const taintsChanged = JSON.stringify(taints) !== JSON.stringify(node.taints);
  if (metadataChanged || taintsChanged) {
    state.beforeChange();
    node.labels = labels;
    node.annotations = annotations;
    node.taints = taints;
    state.touch(node);
    if (taintsChanged) state.nodeChanged(node);
  }
  setUnschedulable(state, node.name, spec.unschedulable === true);
  return ok(renderNode(state, node));
}

function findNode(state: ClusterState, name: string): NodeRecord | ApiResponse {
  return state.nodes.get(name) ?? { status: 404, body: notFound("nodes", name) };
}

export const nodeHandlers: ResourceHandlers = {
  namespaced: false,
  list(state, request) {
    const now = rfc3339(state.now());
    return listResponse(state, request, {
      kind: "NodeList",
      apiVersion: "v1",
      records: state.nodesByName(),
      key: (node) => node.name,
      labels: (node) => node.labels,
      fields: { "metadata.name": (node) => node.name, "spec.unschedulable": (node) => String(node.unschedulable) },
      render: (node) => renderNode(state, node, now),
      itemJson: (node) => nodeItemJson(state, node, now),
    });
  },
  get(state, _request, _namespace, name) {
    const node = findNode(state, name);
    return "status" in node ? node : ok(renderNode(state, node));
  },
  patch(state, request: ApiRequest, _namespace, name) {
    const node = findNode(state, name);
    if ("status" in node) return node;
    try {
      const patched = applyPatch(renderNode(state, node), request.contentType, request.body);
      return applyDesired(state, node, patched);
    } catch (error) {
      if (error instanceof PatchError) {
        const reason = error.status === 415 ? "UnsupportedMediaType" : error.status === 400 ? "BadRequest" : "Invalid";
        return { status: error.status, body: failure(error.status, reason, error.message) };
      }
      throw error;
    }
  },
  replace(state, request, _namespace, name) {
    const node = findNode(state, name);
    if ("status" in node) return node;
    const desired = asObject(request.body);
    if (!desired)
      return { status: 400, body: failure(400, "BadRequest", "the body of a node replace must be a Node object") };
    return applyDesired(state, node, desired);
  },
  delete(state, _request, _namespace, name) {
    const node = state.nodes.get(name);
    if (!node) return { status: 404, body: notFound("nodes", name) };
    deleteNode(state, name);
    return ok(success(200, { name, kind: "nodes", uid: node.uid }));
  },
};
