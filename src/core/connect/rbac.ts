/**
 * RBAC objects (rbac.authorization.k8s.io/v1) as Tugboat ships them in deploy/*.yaml: the shapes, a
 * parser that names the field it refuses, and the comparison `tug connect` uses to tell "already
 * applied" from "needs an update". Pure: the YAML is read by the adapter (src/adapters/kube/rbac-manifest.ts).
 */
import { z } from "zod";
import { describeIssues } from "../roll/input";

export const RBAC_API_VERSION = "rbac.authorization.k8s.io/v1";
/** The Kubernetes group Tugboat's access entries (and a self-managed cluster's kubeconfig user) carry. */
export const TUGBOAT_KUBE_GROUP = "tugboat-steps";

const ruleSchema = z
  .object({
    apiGroups: z.array(z.string()).optional(),
    resources: z.array(z.string()).optional(),
    resourceNames: z.array(z.string()).optional(),
    nonResourceURLs: z.array(z.string()).optional(),
    verbs: z.array(z.string()).min(1),
  })
  .strict();

const subjectSchema = z
  .object({
    kind: z.enum(["User", "Group", "ServiceAccount"]),
    name: z.string().min(1),
    apiGroup: z.string().optional(),
    namespace: z.string().optional(),
  })
  .strict();

const metadataSchema = z
  .object({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

const roleRefSchema = z
  .object({ apiGroup: z.literal("rbac.authorization.k8s.io"), kind: z.enum(["ClusterRole", "Role"]), name: z.string() })
  .strict();

const roleSchema = z.object({
  apiVersion: z.literal(RBAC_API_VERSION),
  kind: z.enum(["ClusterRole", "Role"]),
  metadata: metadataSchema,
  rules: z.array(ruleSchema).default([]),
});

const bindingSchema = z.object({
  apiVersion: z.literal(RBAC_API_VERSION),
  kind: z.enum(["ClusterRoleBinding", "RoleBinding"]),
  metadata: metadataSchema,
  roleRef: roleRefSchema,
  subjects: z.array(subjectSchema).default([]),
});

export type PolicyRule = z.infer<typeof ruleSchema>;
export type RbacSubject = z.infer<typeof subjectSchema>;
export type RbacRole = z.infer<typeof roleSchema>;
export type RbacBinding = z.infer<typeof bindingSchema>;
export type RbacObject = RbacRole | RbacBinding;

export function isRole(object: RbacObject): object is RbacRole {
  return object.kind === "ClusterRole" || object.kind === "Role";
}

/** One YAML document of a manifest into an RBAC object; `source` names the file and document in errors. */
export function parseRbacObject(raw: unknown, source: string): RbacObject {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  const schema = kind === "ClusterRole" || kind === "Role" ? roleSchema : bindingSchema;
  if (!["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"].includes(String(kind))) {
    throw new Error(
      `${source}: kind must be ClusterRole, Role, ClusterRoleBinding or RoleBinding, got ${String(kind)}`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: ${describeIssues(parsed.error.issues)}`);
  const object = parsed.data;
  const namespaced = object.kind === "Role" || object.kind === "RoleBinding";
  if (namespaced !== (object.metadata.namespace !== undefined)) {
    throw new Error(
      `${source}: metadata.namespace: a ${object.kind} ${namespaced ? "needs" : "takes no"} namespace (${object.metadata.name})`,
    );
  }
  return object;
}

/** "ClusterRole tugboat-steps", "Role default/tugboat-node-events". */
export function rbacObjectName(object: Pick<RbacObject, "kind" | "metadata">): string {
  const ns = object.metadata.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ""}${object.metadata.name}`;
}

function sortedRule(rule: PolicyRule): PolicyRule {
  const sorted = (list: string[] | undefined) => (list && list.length > 0 ? [...list].sort() : undefined);
  return {
    apiGroups: sorted(rule.apiGroups),
    resources: sorted(rule.resources),
    resourceNames: sorted(rule.resourceNames),
    nonResourceURLs: sorted(rule.nonResourceURLs),
    verbs: [...rule.verbs].sort(),
  };
}

/** What must hold for a live object to count as the shipped one: rules, or roleRef and subjects. Labels are not compared. */
function essence(object: RbacObject): unknown {
  if (isRole(object)) return object.rules.map(sortedRule);
  const subjects = object.subjects
    .map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace ?? "" }))
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
  return { roleRef: object.roleRef, subjects };
}

/** True when `live` grants exactly what `wanted` does (the same rules, or the same roleRef and subjects). */
export function sameRbacContent(wanted: RbacObject, live: RbacObject): boolean {
  return wanted.kind === live.kind && JSON.stringify(essence(wanted)) === JSON.stringify(essence(live));
}
