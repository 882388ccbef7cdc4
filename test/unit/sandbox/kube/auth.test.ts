/**
 * The simulated API server's authentication and RBAC authorization: request attributes as
 * kube-apiserver derives them, rule matching (subresources, namespaced vs cluster scope, resourceNames,
 * non-resource paths), the 403 body in kube-apiserver's words, and EKS token checks.
 */
import { describe, expect, it } from "vitest";
import { eksBearerToken } from "../../../../src/adapters/aws/eks-token";
import { parseRbacManifest } from "../../../../src/adapters/kube/rbac-manifest";
import type { RbacObject } from "../../../../src/core/connect/rbac";
import { eksTokenAuthenticator, verifyEksToken } from "../../../../src/sandbox/kube/auth/eks-token";
import { forbiddenStatus } from "../../../../src/sandbox/kube/auth/forbidden";
import type { Identity } from "../../../../src/sandbox/kube/auth/identity";
import { RbacAuthorizer } from "../../../../src/sandbox/kube/auth/rbac-authorizer";
import { RbacStore } from "../../../../src/sandbox/kube/auth/rbac-store";
import { requestAttributes } from "../../../../src/sandbox/kube/auth/request-info";

const USER: Identity = {
  username: "arn:aws:sts::123456789012:assumed-role/r/s",
  groups: ["team", "system:authenticated"],
  unrestricted: false,
};

function authorizerWith(yaml: string): RbacAuthorizer {
  let version = 1;
  const store = new RbacStore(
    () => 0,
    () => String(version++),
  );
  for (const object of parseRbacManifest(yaml, "test.yaml")) store.put(object);
  return new RbacAuthorizer(store);
}

const allowed = (authorizer: RbacAuthorizer, method: string, path: string, identity = USER) =>
  authorizer.authorize(identity, requestAttributes(method, path, new URLSearchParams(path.split("?")[1] ?? "")))
    .allowed;

const binding = (
  kind: "ClusterRoleBinding" | "RoleBinding",
  roleKind: "ClusterRole" | "Role",
  name: string,
  ns?: string,
) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}${ns ? `, namespace: ${ns}` : ""} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${name} }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: team }]
`;

describe("request attributes", () => {
  it("derives verb, group, namespace, resource, subresource and name as kube-apiserver does", () => {
    const q = new URLSearchParams();
    expect(requestAttributes("GET", "/api/v1/nodes", q)).toMatchObject({
      verb: "list",
      apiGroup: "",
      resource: "nodes",
    });
    expect(requestAttributes("GET", "/api/v1/nodes", new URLSearchParams("watch=true"))).toMatchObject({
      verb: "watch",
    });
    expect(requestAttributes("PATCH", "/api/v1/nodes/ip-1", q)).toMatchObject({ verb: "patch", name: "ip-1" });
    expect(requestAttributes("POST", "/api/v1/namespaces/default/pods/web-1/eviction", q)).toEqual({
      resourceRequest: true,
      verb: "create",
      apiGroup: "",
      apiVersion: "v1",
      namespace: "default",
      resource: "pods",
      name: "web-1",
      subresource: "eviction",
    });
    expect(requestAttributes("GET", "/apis/policy/v1/poddisruptionbudgets", q)).toMatchObject({
      verb: "list",
      apiGroup: "policy",
    });
    expect(requestAttributes("DELETE", "/api/v1/namespaces/default/pods", q)).toMatchObject({
      verb: "deletecollection",
    });
    expect(requestAttributes("PUT", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x", q)).toMatchObject({
      verb: "update",
    });
    expect(requestAttributes("GET", "/version", q)).toEqual({ resourceRequest: false, verb: "get", path: "/version" });
    expect(requestAttributes("GET", "/apis/policy/v1", q)).toMatchObject({ resourceRequest: false });
  });
});

describe("RBAC authorizer", () => {
  it("tells list from get and watch, and a subresource from its resource", () => {
    const authorizer = authorizerWith(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules:
  - { apiGroups: [""], resources: [nodes], verbs: [list] }
  - { apiGroups: [""], resources: [pods/eviction], verbs: [create] }
---${binding("ClusterRoleBinding", "ClusterRole", "r")}`);
    expect(allowed(authorizer, "GET", "/api/v1/nodes")).toBe(true);
    expect(allowed(authorizer, "GET", "/api/v1/nodes/ip-1")).toBe(false);
    expect(allowed(authorizer, "GET", "/api/v1/nodes?watch=true")).toBe(false);
    expect(allowed(authorizer, "POST", "/api/v1/namespaces/a/pods/web-1/eviction")).toBe(true);
    // pods/eviction grants nothing on pods themselves, and nothing in another API group.
    expect(allowed(authorizer, "DELETE", "/api/v1/namespaces/a/pods/web-1")).toBe(false);
    expect(allowed(authorizer, "GET", "/apis/apps/v1/nodes")).toBe(false);
  });

  it("matches */subresource and * but not a resource for its subresource", () => {
    const authorizer = authorizerWith(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules:
  - { apiGroups: [""], resources: ["*/status"], verbs: [get] }
  - { apiGroups: [""], resources: [pods], verbs: [create] }
  - { apiGroups: ["*"], resources: ["*"], verbs: [list] }
---${binding("ClusterRoleBinding", "ClusterRole", "r")}`);
    expect(allowed(authorizer, "GET", "/api/v1/nodes/ip-1/status")).toBe(true);
    expect(allowed(authorizer, "POST", "/api/v1/namespaces/a/pods/web-1/eviction")).toBe(false);
    expect(allowed(authorizer, "GET", "/apis/apps/v1/daemonsets")).toBe(true);
  });

  it("grants a RoleBinding's rules in its namespace only, and a ClusterRoleBinding's everywhere", () => {
    const authorizer = authorizerWith(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: events, namespace: default }
rules: [{ apiGroups: [""], resources: [events], verbs: [create] }]
---${binding("RoleBinding", "Role", "events", "default")}`);
    expect(allowed(authorizer, "POST", "/api/v1/namespaces/default/events")).toBe(true);
    expect(allowed(authorizer, "POST", "/api/v1/namespaces/kube-system/events")).toBe(false);
    expect(allowed(authorizer, "POST", "/api/v1/events")).toBe(false);
  });

  it("limits a rule with resourceNames to those objects, never to a list or a create", () => {
    const authorizer = authorizerWith(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules: [{ apiGroups: [""], resources: [nodes], resourceNames: [ip-1], verbs: [get, list, patch] }]
---${binding("ClusterRoleBinding", "ClusterRole", "r")}`);
    expect(allowed(authorizer, "PATCH", "/api/v1/nodes/ip-1")).toBe(true);
    expect(allowed(authorizer, "PATCH", "/api/v1/nodes/ip-2")).toBe(false);
    expect(allowed(authorizer, "GET", "/api/v1/nodes")).toBe(false);
  });

  it("binds by user, group or service account, and lets every authenticated user read /version and discovery", () => {
    const authorizer = authorizerWith(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules: [{ apiGroups: [""], resources: [nodes], verbs: [list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: r }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r }
subjects:
  - { kind: User, name: alice }
  - { kind: ServiceAccount, name: tugboat, namespace: ops }`);
    const as = (username: string, groups: string[] = ["system:authenticated"]) => ({
      username,
      groups,
      unrestricted: false,
    });
    expect(allowed(authorizer, "GET", "/api/v1/nodes", as("alice"))).toBe(true);
    expect(allowed(authorizer, "GET", "/api/v1/nodes", as("system:serviceaccount:ops:tugboat"))).toBe(true);
    expect(allowed(authorizer, "GET", "/api/v1/nodes", as("bob"))).toBe(false);
    expect(allowed(authorizer, "GET", "/version", as("bob"))).toBe(true);
    expect(allowed(authorizer, "GET", "/apis/policy/v1", as("bob"))).toBe(true);
    expect(allowed(authorizer, "GET", "/metrics", as("bob"))).toBe(false);
    expect(allowed(authorizer, "GET", "/version", as("bob", []))).toBe(false);
  });

  it("says when a binding names a role that does not exist", () => {
    const authorizer = authorizerWith(binding("ClusterRoleBinding", "ClusterRole", "gone"));
    const decision = authorizer.authorize(USER, requestAttributes("GET", "/api/v1/nodes", new URLSearchParams()));
    expect(decision).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
  });
});

describe("403 body", () => {
  const q = new URLSearchParams();
  it("names a cluster-scoped object, the verb, the resource and the API group", () => {
    expect(forbiddenStatus("u", requestAttributes("PATCH", "/api/v1/nodes/ip-10-0-1-5", q), "")).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'nodes "ip-10-0-1-5" is forbidden: User "u" cannot patch resource "nodes" in API group "" at the cluster scope',
      reason: "Forbidden",
      details: { name: "ip-10-0-1-5", kind: "nodes" },
      code: 403,
    });
  });

  it("names the namespace and the subresource, qualifies a grouped resource, and appends the RBAC reason", () => {
    const eviction = forbiddenStatus(
      "u",
      requestAttributes("POST", "/api/v1/namespaces/shop/pods/web-1/eviction", q),
      "",
    );
    expect(eviction.message).toBe(
      'pods "web-1" is forbidden: User "u" cannot create resource "pods/eviction" in API group "" in the namespace "shop"',
    );
    expect(eviction.details).toEqual({ name: "web-1", kind: "pods" });
    const pdbs = forbiddenStatus("u", requestAttributes("GET", "/apis/policy/v1/poddisruptionbudgets", q), "RBAC: x");
    expect(pdbs.message).toBe(
      'poddisruptionbudgets.policy is forbidden: User "u" cannot list resource "poddisruptionbudgets" in API group "policy" at the cluster scope: RBAC: x',
    );
    expect(pdbs.details).toEqual({ group: "policy", kind: "poddisruptionbudgets" });
    expect(forbiddenStatus("u", requestAttributes("GET", "/metrics", q), "").message).toBe(
      'forbidden: User "u" cannot get path "/metrics"',
    );
  });
});

describe("EKS token authentication", () => {
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
  const signer = { secretAccessKey: "secret", accountId: "123456789012", roleName: "steps", sessionName: "s1" };
  const at = new Date("2026-06-01T12:00:00Z");
  const options = (nowMs = at.getTime(), clusterName = "prod") => ({
    clusterName,
    regionName: "eu-west-1",
    nowMs: () => nowMs,
    credential: (id: string) => (id === "AKIDEXAMPLE" ? signer : undefined),
  });
  const token = () => eksBearerToken({ clusterName: "prod", region: "eu-west-1", credentials, now: at });

  it("accepts a token for its cluster within 15 minutes, and maps the role through its access entry", async () => {
    expect(verifyEksToken(await token(), options(at.getTime() + 14 * 60_000))).toMatchObject({ ok: true });
    const authenticate = eksTokenAuthenticator({
      ...options(),
      accessEntry: (arn) =>
        arn === "arn:aws:iam::123456789012:role/steps"
          ? {
              username: "arn:aws:sts::123456789012:assumed-role/steps/{{SessionName}}",
              groups: ["g"],
              clusterAdmin: false,
            }
          : undefined,
    });
    expect(authenticate(await token())).toEqual({
      username: "arn:aws:sts::123456789012:assumed-role/steps/s1",
      groups: ["g", "system:authenticated"],
      unrestricted: false,
    });
    expect(eksTokenAuthenticator({ ...options(), accessEntry: () => undefined })(await token())).toBeUndefined();
  });

  it("refuses an expired token, one for another cluster, an unknown key and a tampered URL", async () => {
    const good = await token();
    expect(verifyEksToken(good, options(at.getTime() + 16 * 60_000))).toEqual({
      ok: false,
      why: "the token has expired",
    });
    expect(verifyEksToken(good, options(at.getTime(), "staging"))).toEqual({
      ok: false,
      why: "the signature does not match",
    });
    const other = await eksBearerToken({
      clusterName: "prod",
      region: "eu-west-1",
      credentials: { ...credentials, accessKeyId: "AKIDOTHER" },
      now: at,
    });
    expect(verifyEksToken(other, options())).toMatchObject({
      ok: false,
      why: "access key AKIDOTHER is unknown to STS",
    });
    const url = Buffer.from(good.slice("k8s-aws-v1.".length), "base64url")
      .toString("utf8")
      .replace("GetCallerIdentity", "GetSessionToken");
    expect(verifyEksToken(`k8s-aws-v1.${Buffer.from(url).toString("base64url")}`, options())).toMatchObject({
      ok: false,
    });
    expect(verifyEksToken("k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ", options())).toMatchObject({ ok: false });
  });
});

describe("sandbox credentials", () => {
  it("per-role credentials sign as that role, and a token stops working 15 minutes after it was signed", async () => {
    const { roleCredentials, sandboxCredential } = await import("../../../../src/sandbox/aws/identities");
    const credentials = roleCredentials("tugboat-steps-drain-batch");
    expect(sandboxCredential(credentials.accessKeyId)).toMatchObject({
      roleName: "tugboat-steps-drain-batch",
      sessionName: "tugboat-steps-drain-batch",
    });
    expect(sandboxCredential("ASIAROLEZZ")).toBeUndefined();
    const at = new Date("2026-06-01T12:00:00Z");
    let now = at.getTime();
    const authenticate = eksTokenAuthenticator({
      clusterName: "prod",
      regionName: "us-east-1",
      nowMs: () => now,
      credential: sandboxCredential,
      accessEntry: (arn) =>
        arn.endsWith(":role/tugboat-steps-drain-batch")
          ? { username: "u", groups: [], clusterAdmin: false }
          : undefined,
    });
    const token = await eksBearerToken({ clusterName: "prod", region: "us-east-1", credentials, now: at });
    expect(authenticate(token)?.username).toBe("u");
    now += 10 * 60_000;
    expect(authenticate(token)?.username).toBe("u");
    now += 6 * 60_000;
    expect(authenticate(token)).toBeUndefined();
  });
});

describe("the shipped manifest", () => {
  it("parses into the ClusterRole, Role and bindings for group tugboat-steps", async () => {
    const { tugboatRbac } = await import("../../../../src/adapters/kube/rbac-manifest");
    const objects: RbacObject[] = tugboatRbac({ forceDrain: true });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ClusterRole/tugboat-steps",
      "ClusterRoleBinding/tugboat-steps",
      "Role/tugboat-node-events",
      "RoleBinding/tugboat-node-events",
      "ClusterRole/tugboat-force-drain",
      "ClusterRoleBinding/tugboat-force-drain",
    ]);
    expect(() =>
      parseRbacManifest(
        "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: { name: x, namespace: y }\n",
        "bad.yaml",
      ),
    ).toThrow(/bad.yaml \(document 1\): metadata.namespace: a ClusterRole takes no namespace/);
  });
});
