/**
 * The 403 kube-apiserver writes when no authorizer allows a request (responsewriters.Forbidden with
 * apierrors.NewForbidden): `<resource>[.<group>] "<name>" is forbidden: User "<user>" cannot <verb>
 * resource "<resource>[/<subresource>]" in API group "<group>" in the namespace "<ns>"` (or "at the
 * cluster scope"), and for a non-resource path `forbidden: User "<user>" cannot get path "/x"`. The
 * details name the resource (without its subresource) and the object.
 */
import { failure, type StatusBody } from "../render/status";
import type { RequestAttributes } from "./request-info";

export function forbiddenMessage(username: string, request: RequestAttributes): string {
  if (!request.resourceRequest) return `User "${username}" cannot ${request.verb} path "${request.path}"`;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : "at the cluster scope";
  return `User "${username}" cannot ${request.verb} resource "${resource}" in API group "${request.apiGroup}" ${scope}`;
}

export function forbiddenStatus(username: string, request: RequestAttributes, reason: string): StatusBody {
  const why = reason ? `${forbiddenMessage(username, request)}: ${reason}` : forbiddenMessage(username, request);
  if (!request.resourceRequest) return failure(403, "Forbidden", `forbidden: ${why}`, {});
  const qualified = request.apiGroup ? `${request.resource}.${request.apiGroup}` : request.resource;
  const message =
    request.name !== undefined
      ? `${qualified} "${request.name}" is forbidden: ${why}`
      : `${qualified} is forbidden: ${why}`;
  return failure(403, "Forbidden", message, {
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.apiGroup ? { group: request.apiGroup } : {}),
    kind: request.resource,
  });
}
