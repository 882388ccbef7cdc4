/**
 * The cluster's RBAC objects (ClusterRoles, ClusterRoleBindings, Roles, RoleBindings) as the API server
 * stores them. A new cluster holds only the bootstrap policy every authenticated user gets (discovery
 * documents and /version); Tugboat's objects arrive from the scenario ("connected") or through the API
 * (`tug connect`).
 */
import { type RbacObject, rbacObjectName } from "../../../core/connect/rbac";

export interface StoredRbacObject {
  object: RbacObject;
  uid: string;
  resourceVersion: string;
  createdMs: number;
}

export type RbacKind = RbacObject["kind"];

function key(kind: RbacKind, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

/** kube-apiserver's bootstrap policy for system:authenticated (system:discovery, system:public-info-viewer). */
export const BOOTSTRAP_RBAC: RbacObject[] = [
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "system:discovery", labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
    rules: [
      {
        nonResourceURLs: [
          "/api",
          "/api/*",
          "/apis",
          "/apis/*",
          "/healthz",
          "/livez",
          "/openapi",
          "/openapi/*",
          "/readyz",
          "/version",
          "/version/",
        ],
        verbs: ["get"],
      },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "system:discovery", labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:discovery" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:authenticated" }],
  },
];

export class RbacStore {
  private readonly objects = new Map<string, StoredRbacObject>();
  private sequence = 0;

  constructor(
    private readonly nowMs: () => number,
    private readonly nextResourceVersion: () => string,
  ) {
    for (const object of BOOTSTRAP_RBAC) this.put(object);
  }

  get(kind: RbacKind, namespace: string | undefined, name: string): StoredRbacObject | undefined {
    return this.objects.get(key(kind, namespace, name));
  }

  list(kind: RbacKind, namespace?: string): StoredRbacObject[] {
    return [...this.objects.values()]
      .filter((s) => s.object.kind === kind && (namespace === undefined || s.object.metadata.namespace === namespace))
      .sort((a, b) => rbacObjectName(a.object).localeCompare(rbacObjectName(b.object)));
  }

  /** Creates or replaces; returns the stored record. */
  put(object: RbacObject): StoredRbacObject {
    const k = key(object.kind, object.metadata.namespace, object.metadata.name);
    const existing = this.objects.get(k);
    const stored: StoredRbacObject = {
      object: structuredClone(object),
      uid: existing?.uid ?? `rbac-${(++this.sequence).toString(16).padStart(8, "0")}`,
      resourceVersion: this.nextResourceVersion(),
      createdMs: existing?.createdMs ?? this.nowMs(),
    };
    this.objects.set(k, stored);
    return stored;
  }

  delete(kind: RbacKind, namespace: string | undefined, name: string): boolean {
    return this.objects.delete(key(kind, namespace, name));
  }
}
