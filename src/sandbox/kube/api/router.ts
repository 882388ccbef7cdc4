/**
 * Maps REST paths to resource handlers, the way the API server lays out its URL space:
 * /api/v1/... for the core group, /apis/{group}/{version}/... for the others, with
 * namespaces/{ns}/ before namespaced resources and /{subresource} after a name. Also serves
 * /version and the discovery documents clients read before their first call.
 */
import { failure } from "../render/status";
import type { ClusterState } from "../state";
import { rfc3339 } from "../time";
import { versionInfo } from "../versions";
import { daemonSetHandlers, deploymentHandlers, replicaSetHandlers, statefulSetHandlers } from "./apps";
import { coreEventHandlers, eventsV1Handlers } from "./events";
import { nodeHandlers } from "./nodes";
import { podHandlers } from "./pods";
import { pdbHandlers } from "./policy";
import { clusterRoleBindingHandlers, clusterRoleHandlers, roleBindingHandlers, roleHandlers } from "./rbac";
import { claimHandlers, namespaceHandlers, volumeHandlers } from "./storage";
import { type ApiRequest, type ApiResponse, ok, type ResourceHandlers } from "./types";

interface Resource {
  kind: string;
  singular: string;
  shortNames?: string[];
  handlers: ResourceHandlers;
}

const GROUPS: Record<string, Record<string, Resource>> = {
  v1: {
    nodes: { kind: "Node", singular: "node", shortNames: ["no"], handlers: nodeHandlers },
    pods: { kind: "Pod", singular: "pod", shortNames: ["po"], handlers: podHandlers },
    namespaces: { kind: "Namespace", singular: "namespace", shortNames: ["ns"], handlers: namespaceHandlers },
    persistentvolumes: {
      kind: "PersistentVolume",
      singular: "persistentvolume",
      shortNames: ["pv"],
      handlers: volumeHandlers,
    },
    persistentvolumeclaims: {
      kind: "PersistentVolumeClaim",
      singular: "persistentvolumeclaim",
      shortNames: ["pvc"],
      handlers: claimHandlers,
    },
    events: { kind: "Event", singular: "event", shortNames: ["ev"], handlers: coreEventHandlers },
  },
  "apps/v1": {
    deployments: { kind: "Deployment", singular: "deployment", shortNames: ["deploy"], handlers: deploymentHandlers },
    replicasets: { kind: "ReplicaSet", singular: "replicaset", shortNames: ["rs"], handlers: replicaSetHandlers },
    statefulsets: { kind: "StatefulSet", singular: "statefulset", shortNames: ["sts"], handlers: statefulSetHandlers },
    daemonsets: { kind: "DaemonSet", singular: "daemonset", shortNames: ["ds"], handlers: daemonSetHandlers },
  },
  "policy/v1": {
    poddisruptionbudgets: {
      kind: "PodDisruptionBudget",
      singular: "poddisruptionbudget",
      shortNames: ["pdb"],
      handlers: pdbHandlers,
    },
  },
  "rbac.authorization.k8s.io/v1": {
    clusterroles: { kind: "ClusterRole", singular: "clusterrole", handlers: clusterRoleHandlers },
    clusterrolebindings: {
      kind: "ClusterRoleBinding",
      singular: "clusterrolebinding",
      handlers: clusterRoleBindingHandlers,
    },
    roles: { kind: "Role", singular: "role", handlers: roleHandlers },
    rolebindings: { kind: "RoleBinding", singular: "rolebinding", handlers: roleBindingHandlers },
  },
  "events.k8s.io/v1": {
    events: { kind: "Event", singular: "event", shortNames: ["ev"], handlers: eventsV1Handlers },
  },
};

export function notFoundPath(): ApiResponse {
  return { status: 404, body: failure(404, "NotFound", "the server could not find the requested resource", {}) };
}

function methodNotAllowed(method: string, path: string): ApiResponse {
  return {
    status: 405,
    body: failure(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource (${method} ${path})`,
      {},
    ),
  };
}

function verbsOf(handlers: ResourceHandlers): string[] {
  const verbs: string[] = [];
  if (handlers.create) verbs.push("create");
  if (handlers.delete) verbs.push("delete");
  if (handlers.get) verbs.push("get");
  if (handlers.list) verbs.push("list");
  if (handlers.patch) verbs.push("patch");
  if (handlers.replace) verbs.push("update");
  return verbs;
}

function discovery(path: string): ApiResponse | undefined {
  if (path === "/api") {
    return ok({
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }],
    });
  }
  if (path === "/apis") {
    const groups = Object.keys(GROUPS)
      .filter((groupVersion) => groupVersion.includes("/"))
      .map((groupVersion) => {
        const [name, version] = groupVersion.split("/") as [string, string];
        const entry = { groupVersion, version };
        return { name, versions: [entry], preferredVersion: entry };
      });
    return ok({ kind: "APIGroupList", apiVersion: "v1", groups });
  }
  const groupVersion = path === "/api/v1" ? "v1" : path.startsWith("/apis/") ? path.slice("/apis/".length) : undefined;
  const resources = groupVersion ? GROUPS[groupVersion] : undefined;
  if (!groupVersion || !resources) return undefined;
  const list = Object.entries(resources).flatMap(([name, resource]) => {
    const entry = {
      name,
      singularName: resource.singular,
      namespaced: resource.handlers.namespaced,
      kind: resource.kind,
      verbs: verbsOf(resource.handlers),
      ...(resource.shortNames ? { shortNames: resource.shortNames } : {}),
    };
    const subresources = Object.keys(resource.handlers.subresources ?? {}).map((sub) => ({
      name: `${name}/${sub}`,
      singularName: "",
      namespaced: resource.handlers.namespaced,
      group: groupVersion.includes("/") ? groupVersion.split("/")[0] : undefined,
      version: groupVersion.includes("/") ? groupVersion.split("/")[1] : "v1",
      kind: sub === "eviction" ? "Eviction" : resource.kind,
      verbs: ["create"],
    }));
    return [entry, ...subresources];
  });
  return ok({ kind: "APIResourceList", apiVersion: "v1", groupVersion, resources: list });
}

interface ParsedPath {
  groupVersion: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

function parsePath(path: string): ParsedPath | undefined {
  const parts = path
    .split("/")
    .filter((part) => part.length > 0)
    .map(decodeURIComponent);
  let groupVersion: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1] === "v1") {
    groupVersion = "v1";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    groupVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  // namespaces/{ns}/{resource}/... is namespaced; namespaces and namespaces/{name} are the resource itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = rest as [string, string, string, string?, string?];
    if (extra.length > 0) return undefined;
    return { groupVersion, namespace, resource, name, subresource };
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  return { groupVersion, resource, name, subresource };
}

export function route(state: ClusterState, request: ApiRequest): ApiResponse {
  if (request.path === "/version") {
    if (request.method !== "GET") return methodNotAllowed(request.method, request.path);
    const minor = state.controlPlane?.serverMinor() ?? state.serverMinor;
    return ok(versionInfo(minor, state.flavor, rfc3339(state.startedAtMs)));
  }
  const discovered = request.method === "GET" ? discovery(request.path) : undefined;
  if (!discovered && request.method !== "GET" && state.controlPlane && !state.controlPlane.etcd.hasQuorum()) {
    // Without an etcd leader a write cannot commit; kube-apiserver passes etcd's error on as a bare 500.
    return { status: 500, body: failure(500, undefined, "etcdserver: request timed out") };
  }
  if (discovered) return discovered;

  const parsed = parsePath(request.path);
  const resource = parsed ? GROUPS[parsed.groupVersion]?.[parsed.resource] : undefined;
  if (!parsed || !resource) return notFoundPath();
  const handlers = resource.handlers;
  if (parsed.namespace !== undefined && !handlers.namespaced) return notFoundPath();
  const namespace = parsed.namespace;
  const { name, subresource } = parsed;
  const unsupported = () => methodNotAllowed(request.method, request.path);

  if (name === undefined) {
    if (request.method === "GET") return handlers.list ? handlers.list(state, request, namespace) : unsupported();
    if (request.method === "POST") {
      if (!handlers.create) return unsupported();
      if (handlers.namespaced && namespace === undefined) return notFoundPath();
      return handlers.create(state, request, namespace);
    }
    return unsupported();
  }
  if (handlers.namespaced && namespace === undefined) return notFoundPath();
  if (subresource !== undefined) {
    // GET …/status reads the object; POST …/eviction and the like go to the subresource.
    if (subresource === "status" && request.method === "GET" && handlers.get) {
      return handlers.get(state, request, namespace, name);
    }
    const handler = handlers.subresources?.[subresource];
    if (!handler) return notFoundPath();
    return request.method === "POST" ? handler(state, request, namespace as string, name) : unsupported();
  }
  switch (request.method) {
    case "GET":
      return handlers.get ? handlers.get(state, request, namespace, name) : unsupported();
    case "PATCH":
      return handlers.patch ? handlers.patch(state, request, namespace, name) : unsupported();
    case "PUT":
      return handlers.replace ? handlers.replace(state, request, namespace, name) : unsupported();
    case "DELETE":
      return handlers.delete ? handlers.delete(state, request, namespace, name) : unsupported();
    default:
      return unsupported();
  }
}
