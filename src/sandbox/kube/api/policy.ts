/** /apis/policy/v1 poddisruptionbudgets: list, get (status filled live), create, delete. */
import { indexBudget, unindexBudget } from "../disruption";
import { uid } from "../names";
import { renderPdb } from "../render/policy";
import { badRequest, failure, notFound, success } from "../render/status";
import { compileLabelSelector, SelectorError } from "../selectors";
import type { ClusterState } from "../state";
import type { PdbRecord } from "../types";
import { byNamespaceAndName, listResponse, metadataFields, namespacedKey } from "./lists";
import { type ApiRequest, type ApiResponse, asObject, ok, type ResourceHandlers } from "./types";

function invalid(name: string, field: string, message: string): ApiResponse {
  return {
    status: 422,
    body: failure(422, "Invalid", `PodDisruptionBudget.policy "${name}" is invalid: ${field}: ${message}`, {
      name,
      group: "policy",
      kind: "PodDisruptionBudget",
      causes: [{ reason: "FieldValueInvalid", message, field }],
    }),
  };
}

function intOrPercent(value: unknown): number | string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+%$/.test(value)) return value;
  return null;
}

function create(state: ClusterState, request: ApiRequest, namespace: string | undefined): ApiResponse {
  const body = asObject(request.body);
  const metadata = asObject(body?.metadata) ?? {};
  const name = metadata.name;
  if (typeof name !== "string" || name === "") return invalid("", "metadata.name", "Required value: name is required");
  const ns = namespace as string;
  if (metadata.namespace !== undefined && metadata.namespace !== ns) {
    return {
      status: 400,
      body: badRequest("the namespace of the provided object does not match the namespace sent on the request"),
    };
  }
  if (state.pdbs.has(`${ns}/${name}`)) {
    return {
      status: 409,
      body: failure(409, "AlreadyExists", `poddisruptionbudgets.policy "${name}" already exists`, {
        name,
        group: "policy",
        kind: "poddisruptionbudgets",
      }),
    };
  }
  const spec = asObject(body?.spec) ?? {};
  const minAvailable = intOrPercent(spec.minAvailable);
  const maxUnavailable = intOrPercent(spec.maxUnavailable);
  if (minAvailable === null)
    return invalid(name, "spec.minAvailable", "must be a non-negative integer or a percentage");
  if (maxUnavailable === null)
    return invalid(name, "spec.maxUnavailable", "must be a non-negative integer or a percentage");
  if (minAvailable !== undefined && maxUnavailable !== undefined) {
    return invalid(name, "spec", "minAvailable and maxUnavailable cannot be both set");
  }
  const selector = asObject(spec.selector) ?? {};
  const matchLabels = (asObject(selector.matchLabels) ?? {}) as Record<string, string>;
  const matchExpressions = (
    Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []
  ) as PdbRecord["matchExpressions"];
  let compiled: PdbRecord["selector"];
  try {
    compiled = compileLabelSelector({ matchLabels, matchExpressions });
  } catch (error) {
    if (error instanceof SelectorError) return invalid(name, "spec.selector", error.message);
    throw error;
  }
  state.beforeChange();
  const pdb: PdbRecord = {
    namespace: ns,
    name,
    uid: uid(state.rng),
    resourceVersion: state.nextResourceVersion(),
    createdAtMs: state.now(),
    matchLabels,
    matchExpressions,
    selector: compiled,
    minAvailable,
    maxUnavailable,
    matched: 0,
    healthy: 0,
    controllers: new Map(),
  };
  state.pdbs.set(`${ns}/${name}`, pdb);
  indexBudget(state, pdb);
  return ok(renderPdb(state, pdb), 201);
}

export const pdbHandlers: ResourceHandlers = {
  namespaced: true,
  list(state, request, namespace) {
    return listResponse(state, request, {
      kind: "PodDisruptionBudgetList",
      apiVersion: "policy/v1",
      records: [...state.pdbs.values()]
        .filter((pdb) => namespace === undefined || pdb.namespace === namespace)
        .sort(byNamespaceAndName),
      key: namespacedKey,
      labels: () => ({}),
      fields: metadataFields<PdbRecord>(),
      render: (pdb) => renderPdb(state, pdb),
    });
  },
  get(state, _request, namespace, name) {
    const pdb = state.pdbs.get(`${namespace}/${name}`);
    return pdb ? ok(renderPdb(state, pdb)) : { status: 404, body: notFound("poddisruptionbudgets", name, "policy") };
  },
  create,
  delete(state, _request, namespace, name) {
    const pdb = state.pdbs.get(`${namespace}/${name}`);
    if (!pdb) return { status: 404, body: notFound("poddisruptionbudgets", name, "policy") };
    state.beforeChange();
    state.pdbs.delete(`${namespace}/${name}`);
    unindexBudget(state, pdb);
    state.nextResourceVersion();
    return ok(success(200, { name, group: "policy", kind: "poddisruptionbudgets", uid: pdb.uid }));
  },
};
