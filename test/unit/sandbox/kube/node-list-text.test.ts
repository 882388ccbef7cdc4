import { describe, expect, it } from "vitest";
import { nodeHandlers } from "../../../../src/sandbox/kube/api/nodes";
import { type ApiRequest, SerializedJson } from "../../../../src/sandbox/kube/api/types";
import { renderNode } from "../../../../src/sandbox/kube/render/nodes";
import type { ClusterState } from "../../../../src/sandbox/kube/state";
import { bootCluster, makeInstance } from "./harness";

function listRequest(query = ""): ApiRequest {
  return { method: "GET", path: "/api/v1/nodes", query: new URLSearchParams(query), contentType: "", body: undefined };
}

function listText(state: ClusterState, query = ""): string {
  const body = nodeHandlers.list?.(state, listRequest(query), undefined).body;
  if (!(body instanceof SerializedJson)) throw new Error("the node list was expected as serialized text");
  return body.text;
}

/** The list as rendering every node anew and serializing the whole answer writes it. */
function freshListText(state: ClusterState): string {
  const items = state.nodesByName().map((node) => {
    const { kind: _kind, apiVersion: _version, ...item } = renderNode(state, node);
    return item;
  });
  return JSON.stringify({
    kind: "NodeList",
    apiVersion: "v1",
    metadata: { resourceVersion: state.currentResourceVersion() },
    items,
  });
}

describe("node lists served from remembered text", () => {
  it("write the same bytes as rendering every node anew, through time, cordons, taints, labels and lost nodes", () => {
    const { cluster, clock, instances } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 2, "us-east-1b": 2 } }],
      workloads: [
        { kind: "Deployment", name: "web", replicas: 4 },
        { kind: "DaemonSet", name: "kube-proxy", namespace: "kube-system" },
      ],
    });
    const state = cluster.state;
    const [first, second, third] = instances.map((instance) => instance.privateDnsName);
    const seen: string[] = [];
    const check = (): void => {
      const text = listText(state);
      expect(text).toBe(freshListText(state));
      seen.push(text);
    };

    check();
    clock.advanceBy(37);
    check();
    cluster.setUnschedulable(first as string, true);
    check();
    clock.advanceBy(61);
    check();
    const node = state.nodes.get(second as string);
    if (!node) throw new Error(`node ${second} is missing`);
    node.labels = { ...node.labels, team: "payments" };
    node.taints = [{ key: "dedicated", value: "payments", effect: "NoSchedule" }];
    state.touch(node);
    check();
    cluster.instanceShuttingDown(instances[2]?.instanceId as string);
    clock.advanceBy(5);
    check();
    cluster.removeTaint(second as string, "dedicated");
    cluster.instanceRunning(makeInstance({ availabilityZone: "us-east-1b" }));
    clock.advanceBy(120);
    check();
    cluster.instanceTerminated(instances[2]?.instanceId as string);
    check();

    // Every step changed what a client sees: the heartbeats moved, the cordon, the lost node.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[5]).toContain(`"name":"${third}"`);
    expect(seen[7]).not.toContain(`"name":"${third}"`);
  });

  it("pages a remembered list with the continue token and remaining count of a fresh one", () => {
    const { cluster, clock } = bootCluster({
      nodeGroups: [{ name: "workers", kind: "eks-managed", zones: { "us-east-1a": 3, "us-east-1b": 2 } }],
    });
    const state = cluster.state;
    listText(state);
    clock.advanceBy(10);

    const whole = JSON.parse(freshListText(state)) as { items: unknown[] };
    const firstPage = JSON.parse(listText(state, "limit=2")) as {
      metadata: { continue: string; remainingItemCount: number };
      items: unknown[];
    };
    const rest = JSON.parse(listText(state, `limit=10&continue=${firstPage.metadata.continue}`)) as {
      metadata: Record<string, unknown>;
      items: unknown[];
    };

    expect(firstPage.metadata.remainingItemCount).toBe(3);
    expect([...firstPage.items, ...rest.items]).toEqual(whole.items);
    expect(rest.metadata).toEqual({ resourceVersion: state.currentResourceVersion() });
  });
});
