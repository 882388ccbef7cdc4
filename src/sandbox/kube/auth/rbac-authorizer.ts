/**
 * The RBAC authorizer of kube-apiserver, over the cluster's stored objects: a request is allowed when
 * some rule of a role bound to the user (by name) or one of its groups covers it. ClusterRoleBindings
 * grant everywhere; RoleBindings only in their namespace. A rule covers a request when its verbs, API
 * groups and resources match ("*" matches all; "pods/eviction" names a subresource, "*\/eviction" it in
 * every resource), and, when it lists resourceNames, the request names one of them. Non-resource
 * requests match nonResourceURLs (exact, or a prefix ending in "*"). Nothing is denied explicitly:
 * RBAC only adds permissions.
 */
import type { PolicyRule, RbacBinding, RbacRole, RbacSubject } from "../../../core/connect/rbac";
import type { Identity } from "./identity";
import type { RbacStore } from "./rbac-store";
import type { RequestAttributes } from "./request-info";

export type Decision = { allowed: true } | { allowed: false; reason: string };

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((entry) => entry === "*" || entry === value);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (entry) => entry === "*" || entry === combined || (subresource !== undefined && entry === `*/${subresource}`),
  );
}

function pathMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (entry) => entry === "*" || entry === path || (entry.endsWith("*") && path.startsWith(entry.slice(0, -1))),
  );
}

export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (!has(rule.verbs, request.verb)) return false;
  if (!request.resourceRequest) return pathMatches(rule, request.path);
  if (!has(rule.apiGroups, request.apiGroup)) return false;
  if (!resourceMatches(rule, request.resource, request.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

function subjectMatches(subject: RbacSubject, identity: Identity, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case "User":
      return subject.name === identity.username;
    case "Group":
      return identity.groups.includes(subject.name);
    case "ServiceAccount": {
      const namespace = subject.namespace ?? bindingNamespace ?? "";
      return identity.username === `system:serviceaccount:${namespace}:${subject.name}`;
    }
  }
}

export class RbacAuthorizer {
  constructor(private readonly store: RbacStore) {}

  authorize(identity: Identity, request: RequestAttributes): Decision {
    if (identity.unrestricted) return { allowed: true };
    const errors: string[] = [];
    const requestNamespace = request.resourceRequest ? request.namespace : undefined;
    const bindings: RbacBinding[] = [
      ...this.store.list("ClusterRoleBinding").map((s) => s.object as RbacBinding),
      // A RoleBinding grants only inside its own namespace, so only the request's namespace is read.
      ...(requestNamespace ? this.store.list("RoleBinding", requestNamespace).map((s) => s.object as RbacBinding) : []),
    ];
    for (const binding of bindings) {
      if (!binding.subjects.some((s) => subjectMatches(s, identity, binding.metadata.namespace))) continue;
      const roleNamespace = binding.roleRef.kind === "Role" ? binding.metadata.namespace : undefined;
      const role = this.store.get(binding.roleRef.kind, roleNamespace, binding.roleRef.name)?.object as
        | RbacRole
        | undefined;
      if (!role) {
        const kind = binding.roleRef.kind.toLowerCase();
        errors.push(`${kind}.rbac.authorization.k8s.io "${binding.roleRef.name}" not found`);
        continue;
      }
      if (role.rules.some((rule) => ruleAllows(rule, request))) return { allowed: true };
    }
    // kube-apiserver appends what went wrong while resolving the bindings ("RBAC: clusterrole… not found").
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${[...new Set(errors)].join(", ")}` : "" };
  }
}
