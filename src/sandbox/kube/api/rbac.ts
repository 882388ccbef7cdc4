/**
 * /apis/rbac.authorization.k8s.io/v1: clusterroles, clusterrolebindings, roles, rolebindings. Create
 * (409 AlreadyExists), read, replace (PUT; a stale metadata.resourceVersion is a 409 Conflict) and
 * delete, enough for `kubectl apply`-style create-or-update and for `tug doctor` to read them back.
 * The authorizer (auth/rbac-authorizer.ts) reads the same store, so a change applies to the next request.
 */
import { parseRbacObject, type RbacObject } from "../../../core/connect/rbac";
import type { RbacKind, StoredRbacObject } from "../auth/rbac-store";
import { badRequest, failure, notFound, success } from "../render/status";
import { rfc3339 } from "../time";
import { type ApiRequest, type ApiResponse, ok, type ResourceHandlers } from "./types";

const GROUP = "rbac.authorization.k8s.io";

function render(stored: StoredRbacObject): Record<string, unknown> {
  const { object } = stored;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid: stored.uid,
      resourceVersion: stored.resourceVersion,
      creationTimestamp: rfc3339(stored.createdMs),
    },
  };
}

function parseBody(kind: RbacKind, request: ApiRequest, namespace: string | undefined): RbacObject | ApiResponse {
  const body = request.body as { kind?: string; metadata?: { namespace?: string } } | undefined;
  if (!body || typeof body !== "object") return { status: 400, body: badRequest(`a ${kind} body is required`) };
  if (body.kind !== kind) {
    return { status: 400, body: badRequest(`the body's kind is ${String(body.kind)}, expected ${kind}`) };
  }
  const withNamespace = namespace !== undefined ? { ...body, metadata: { ...body.metadata, namespace } } : body;
  const { metadata } = withNamespace as { metadata?: Record<string, unknown> };
  // Server-set fields are accepted on the way in and ignored, as the API server does.
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, ...clientMetadata } = metadata ?? {};
  try {
    return parseRbacObject({ ...withNamespace, metadata: clientMetadata }, `${kind} body`);
  } catch (err) {
    return {
      status: 422,
      body: failure(422, "Invalid", (err as Error).message, { kind: resourceOf(kind), group: GROUP }),
    };
  }
}

function resourceOf(kind: RbacKind): string {
  return `${kind.toLowerCase()}s`;
}

function handlers(kind: RbacKind, namespaced: boolean): ResourceHandlers {
  const resource = resourceOf(kind);
  return {
    namespaced,
    list(state, _request, namespace) {
      const items = state.rbac.list(kind, namespace).map((stored) => render(stored));
      return ok({
        kind: `${kind}List`,
        apiVersion: `${GROUP}/v1`,
        metadata: { resourceVersion: state.currentResourceVersion() },
        items,
      });
    },
    get(state, _request, namespace, name) {
      const stored = state.rbac.get(kind, namespace, name);
      return stored ? ok(render(stored)) : { status: 404, body: notFound(resource, name, GROUP) };
    },
    create(state, request, namespace) {
      const object = parseBody(kind, request, namespace);
      if ("status" in object) return object;
      const name = object.metadata.name;
      if (state.rbac.get(kind, namespace, name)) {
        return {
          status: 409,
          body: failure(409, "AlreadyExists", `${resource}.${GROUP} "${name}" already exists`, {
            name,
            group: GROUP,
            kind: resource,
          }),
        };
      }
      return ok(render(state.rbac.put(object)), 201);
    },
    replace(state, request, namespace, name) {
      const object = parseBody(kind, request, namespace);
      if ("status" in object) return object;
      if (object.metadata.name !== name) {
        return { status: 400, body: badRequest(`the name in the body (${object.metadata.name}) is not ${name}`) };
      }
      const existing = state.rbac.get(kind, namespace, name);
      const sentVersion = (request.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      if (!existing) return { status: 404, body: notFound(resource, name, GROUP) };
      if (sentVersion !== undefined && sentVersion !== existing.resourceVersion) {
        const message = `Operation cannot be fulfilled on ${resource}.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
        return { status: 409, body: failure(409, "Conflict", message, { name, group: GROUP, kind: resource }) };
      }
      return ok(render(state.rbac.put(object)));
    },
    delete(state, _request, namespace, name) {
      if (!state.rbac.delete(kind, namespace, name)) return { status: 404, body: notFound(resource, name, GROUP) };
      return ok(success(200, { name, group: GROUP, kind: resource }));
    },
  };
}

export const clusterRoleHandlers = handlers("ClusterRole", false);
export const clusterRoleBindingHandlers = handlers("ClusterRoleBinding", false);
export const roleHandlers = handlers("Role", true);
export const roleBindingHandlers = handlers("RoleBinding", true);
