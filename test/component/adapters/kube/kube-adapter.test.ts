import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KubeAdapter } from "../../../../src/adapters/kube/kube-adapter";
import { RetryableError, TerminalError } from "../../../../src/core/errors";
import { publishedFixture } from "../../../support/published-fixtures";
import { ApiServerStub, status } from "./api-server-stub";

const FIXTURES = publishedFixture("kubernetes");
const eksNode = JSON.parse(readFileSync(`${FIXTURES}/k8s-node-eks-managed-nodegroup.json`, "utf8"));
const eviction429 = readFileSync(`${FIXTURES}/k8s-eviction-429.json`, "utf8");
const NODE = "ip-192-168-25-169.ec2.internal";

const stub = new ApiServerStub();
let kube: KubeAdapter;

beforeAll(() => stub.start());
afterAll(() => stub.stop());
beforeEach(() => {
  stub.reset();
  kube = new KubeAdapter(stub.kubeConfig(), { clock: { now: () => new Date("2025-03-04T05:06:07Z") }, pageSize: 1 });
});

function pod(name: string, nodeName: string) {
  return {
    metadata: { namespace: "shop", name, creationTimestamp: "2025-01-01T00:00:00Z" },
    spec: { nodeName, containers: [{ name: "c", image: "nginx" }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

describe("KubeAdapter lists", () => {
  it("lists nodes page by page with limit and continue, sending the bearer token", async () => {
    const second = { ...eksNode, metadata: { ...eksNode.metadata, name: "a-second-node" }, spec: {} };
    stub.on((req) => {
      if (req.path !== "/api/v1/nodes") return undefined;
      return req.query.get("continue") === "page-2"
        ? { status: 200, body: { kind: "NodeList", apiVersion: "v1", metadata: {}, items: [second] } }
        : {
            status: 200,
            body: { kind: "NodeList", apiVersion: "v1", metadata: { continue: "page-2" }, items: [eksNode] },
          };
    });
    const nodes = await kube.listNodes();
    expect(nodes.map((n) => n.name)).toEqual(["a-second-node", NODE]);
    expect(nodes[1]).toMatchObject({ instanceId: "i-02f3d2a816394602c", availabilityZone: "us-east-1a", ready: true });
    expect(stub.requests.map((r) => [r.query.get("limit"), r.query.get("continue")])).toEqual([
      ["1", null],
      ["1", "page-2"],
    ]);
    expect(stub.requests[0]?.headers.authorization).toBe("Bearer stub-token");
  });

  it("lists the pods of one node with a field selector", async () => {
    stub.on((req) =>
      req.path === "/api/v1/pods"
        ? { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: {}, items: [pod("web-1", NODE)] } }
        : undefined,
    );
    const pods = await kube.listPods({ nodeName: NODE });
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatchObject({ namespace: "shop", name: "web-1", nodeName: NODE, ownerKind: "None" });
    expect(stub.requests[0]?.query.get("fieldSelector")).toBe(`spec.nodeName=${NODE}`);
  });

  it("lists PodDisruptionBudgets from policy/v1", async () => {
    stub.on((req) =>
      req.path === "/apis/policy/v1/poddisruptionbudgets"
        ? {
            status: 200,
            body: {
              kind: "PodDisruptionBudgetList",
              apiVersion: "policy/v1",
              metadata: {},
              items: [
                {
                  metadata: { namespace: "shop", name: "web-pdb" },
                  spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
                  status: { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 },
                },
              ],
            },
          }
        : undefined,
    );
    expect(await kube.listPdbs()).toEqual([
      {
        namespace: "shop",
        name: "web-pdb",
        matchLabels: { app: "web" },
        maxUnavailable: 1,
        currentHealthy: 3,
        desiredHealthy: 2,
        expectedPods: 3,
        disruptionsAllowed: 1,
      },
    ]);
  });
});

describe("KubeAdapter.setUnschedulable", () => {
  it("cordons with a JSON merge patch", async () => {
    stub.on((req) => (req.path === `/api/v1/nodes/${NODE}` ? { status: 200, body: eksNode } : undefined));
    expect(await kube.setUnschedulable(NODE, true)).toBe("changed");
    const patch = stub.requests.find((r) => r.method === "PATCH");
    expect(patch?.headers["content-type"]).toBe("application/merge-patch+json");
    expect(patch?.body).toEqual({ spec: { unschedulable: true } });
  });

  it("does not patch a node already in that state", async () => {
    const cordoned = { ...eksNode, spec: { ...eksNode.spec, unschedulable: true } };
    stub.on((req) => (req.path === `/api/v1/nodes/${NODE}` ? { status: 200, body: cordoned } : undefined));
    expect(await kube.setUnschedulable(NODE, true)).toBe("unchanged");
    expect(stub.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    expect(await kube.setUnschedulable(NODE, false)).toBe("changed");
    expect(stub.requests.find((r) => r.method === "PATCH")?.body).toEqual({ spec: { unschedulable: false } });
  });

  it("answers not-found for a node that is gone", async () => {
    expect(await kube.setUnschedulable("gone", true)).toBe("not-found");
  });

  it("refuses to hide RBAC denials", async () => {
    stub.on((req) => {
      if (req.method === "GET") return { status: 200, body: eksNode };
      return status(403, "Forbidden", `nodes "${NODE}" is forbidden: User "tugboat" cannot patch resource "nodes"`);
    });
    const err = await kube.setUnschedulable(NODE, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).message).toContain(`cordoning node ${NODE}: HTTP 403 Forbidden`);
  });
});

describe("KubeAdapter.evictPod", () => {
  beforeEach(() => {
    stub.on((req) => {
      const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(req.path);
      if (!match || req.method !== "POST") return undefined;
      switch (match[2]) {
        case "web-ok":
          return {
            status: 201,
            body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 },
          };
        case "web-blocked":
          return { status: 429, body: eviction429 };
        case "web-multi":
          return status(
            500,
            "",
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
          );
        case "web-unavailable":
          return status(503, "ServiceUnavailable", "etcd leader changed");
        default:
          return status(404, "NotFound", `pods "${match[2]}" not found`);
      }
    });
  });

  it("posts a policy/v1 Eviction for the pod", async () => {
    expect(await kube.evictPod("shop", "web-ok")).toEqual({ outcome: "evicted" });
    const request = stub.requests[0];
    expect(request?.path).toBe("/api/v1/namespaces/shop/pods/web-ok/eviction");
    expect(request?.body).toEqual({
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "web-ok", namespace: "shop" },
    });
  });

  it("reports a PDB refusal as blocked, naming the budget", async () => {
    expect(await kube.evictPod("shop", "web-blocked")).toEqual({
      outcome: "blocked",
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget my-super-app-pdb needs 6 healthy pods and has 6 currently",
      pdbName: "my-super-app-pdb",
    });
  });

  it("reports refusals, gone pods and raises server trouble as retryable", async () => {
    expect(await kube.evictPod("shop", "web-multi")).toMatchObject({ outcome: "refused", status: 500 });
    expect(await kube.evictPod("shop", "web-gone")).toEqual({ outcome: "not-found" });
    await expect(kube.evictPod("shop", "web-unavailable")).rejects.toThrow(RetryableError);
  });
});

describe("KubeAdapter deletes and events", () => {
  it("deletes a pod with its grace period and a node; 404 is not-found", async () => {
    stub.on((req) =>
      req.method === "DELETE" && req.path === "/api/v1/namespaces/shop/pods/web-1"
        ? { status: 200, body: pod("web-1", NODE) }
        : undefined,
    );
    stub.on((req) =>
      req.method === "DELETE" && req.path === `/api/v1/nodes/${NODE}`
        ? { status: 200, body: { kind: "Status", status: "Success" } }
        : undefined,
    );
    expect(await kube.deletePod("shop", "web-1", 0)).toBe("deleted");
    expect(stub.requests[0]?.query.get("gracePeriodSeconds")).toBe("0");
    expect(await kube.deletePod("shop", "web-2")).toBe("not-found");
    expect(await kube.deleteNode(NODE)).toBe("deleted");
    expect(await kube.deleteNode("gone")).toBe("not-found");
  });

  it("records a core/v1 Event on the node from tugboat", async () => {
    stub.on((req) =>
      req.method === "POST" && req.path === "/api/v1/namespaces/default/events"
        ? { status: 201, body: req.body }
        : undefined,
    );
    await kube.recordEvent({
      nodeName: NODE,
      type: "Normal",
      reason: "TugboatCordon",
      message: "cordoned for roll r-1",
    });
    const body = stub.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      apiVersion: "v1",
      kind: "Event",
      metadata: { namespace: "default" },
      involvedObject: { apiVersion: "v1", kind: "Node", name: NODE },
      type: "Normal",
      reason: "TugboatCordon",
      message: "cordoned for roll r-1",
      source: { component: "tugboat" },
      count: 1,
      firstTimestamp: "2025-03-04T05:06:07.000Z",
      lastTimestamp: "2025-03-04T05:06:07.000Z",
    });
    expect((body.metadata as { name: string }).name).toMatch(new RegExp(`^${NODE}\\.[0-9a-f]+$`));
  });

  it("takes the next name when an Event of that name exists", async () => {
    let first = true;
    stub.on((req) => {
      if (req.path !== "/api/v1/namespaces/default/events") return undefined;
      if (first) {
        first = false;
        return status(409, "AlreadyExists", "events already exists");
      }
      return { status: 201, body: req.body };
    });
    await kube.recordEvent({ nodeName: NODE, type: "Warning", reason: "TugboatDrainBlocked", message: "PDB web" });
    const names = stub.requests.map((r) => (r.body as { metadata: { name: string } }).metadata.name);
    expect(names).toHaveLength(2);
    expect(names[0]).not.toBe(names[1]);
  });
});

describe("KubeAdapter without an API server", () => {
  it("raises a RetryableError when nothing answers", async () => {
    const closed = new ApiServerStub();
    await closed.start();
    const kc = closed.kubeConfig();
    await closed.stop();
    await expect(new KubeAdapter(kc).listNodes()).rejects.toThrow(RetryableError);
  });
});

describe("KubeAdapter list failures", () => {
  it("names the list and the status when a list page is refused, and retries what may pass", async () => {
    stub.on((req) => {
      if (req.path === "/api/v1/nodes")
        return status(403, "Forbidden", 'nodes is forbidden: User "tugboat" cannot list resource "nodes"');
      if (req.path === "/api/v1/pods") return status(503, "ServiceUnavailable", "etcd leader changed");
      return undefined;
    });
    const refused = await kube.listNodes().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TerminalError);
    expect((refused as Error).message).toContain("listing nodes: HTTP 403 Forbidden");
    const unavailable = await kube.listPods({ nodeName: NODE }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(RetryableError);
    expect((unavailable as Error).message).toContain(`listing pods on node ${NODE}: HTTP 503 ServiceUnavailable`);
  });

  it("reuses one connection for the pages of a list", async () => {
    const second = { ...eksNode, metadata: { ...eksNode.metadata, name: "a-second-node" } };
    stub.on((req) => {
      if (req.path !== "/api/v1/nodes") return undefined;
      return req.query.get("continue") === "page-2"
        ? { status: 200, body: { kind: "NodeList", apiVersion: "v1", metadata: {}, items: [second] } }
        : {
            status: 200,
            body: { kind: "NodeList", apiVersion: "v1", metadata: { continue: "page-2" }, items: [eksNode] },
          };
    });
    const nodes = await kube.listNodes();
    expect(nodes.map((n) => n.name)).toEqual(["a-second-node", NODE]);
    expect(stub.connections()).toBe(1);
  });
});
