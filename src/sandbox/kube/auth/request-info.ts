/**
 * What a request asks to do, in the terms RBAC speaks (kube-apiserver's RequestInfo): a resource
 * request (verb, API group, namespace, resource, subresource, name) or a non-resource one (verb and
 * path: /version, discovery documents). Verbs follow the server's mapping: GET on a name is `get`, on a
 * collection `list` (`watch` with ?watch=true), POST `create`, PUT `update`, PATCH `patch`, DELETE on a
 * name `delete`, on a collection `deletecollection`.
 */

export type RequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      apiGroup: string;
      apiVersion: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
  | { resourceRequest: false; verb: string; path: string };

function verbFor(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      return watch ? "watch" : named ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

export function requestAttributes(method: string, path: string, query: URLSearchParams): RequestAttributes {
  const parts = path
    .split("/")
    .filter((part) => part.length > 0)
    .map(decodeURIComponent);
  let apiGroup: string;
  let apiVersion: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    apiGroup = "";
    apiVersion = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    apiGroup = parts[1] as string;
    apiVersion = parts[2] as string;
    rest = parts.slice(3);
  } else {
    // /version, /api, /apis, /apis/<group>/<version>: discovery and information, not resources.
    return { resourceRequest: false, verb: method === "HEAD" ? "get" : method.toLowerCase(), path };
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 2) {
    namespace = rest[1];
    // /namespaces/{ns} is the namespace itself; /namespaces/{ns}/{resource}/… is inside it.
    if (rest.length > 2) rest = rest.slice(2);
  }
  const [resource = "", name, subresource] = rest;
  const watch = query.get("watch") === "true" || query.get("watch") === "1";
  return {
    resourceRequest: true,
    verb: verbFor(method, name !== undefined, watch),
    apiGroup,
    apiVersion,
    resource,
    ...(subresource !== undefined ? { subresource } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** "patch nodes/ip-10-0-1-5", "create pods/eviction default/web-1", "get /version": for logs and tables. */
export function describeAttributes(attributes: RequestAttributes): string {
  if (!attributes.resourceRequest) return `${attributes.verb} ${attributes.path}`;
  const group = attributes.apiGroup ? `.${attributes.apiGroup}` : "";
  const resource = `${attributes.resource}${group}${attributes.subresource ? `/${attributes.subresource}` : ""}`;
  const where = attributes.namespace ? ` in ${attributes.namespace}` : "";
  return `${attributes.verb} ${resource}${where}`;
}
